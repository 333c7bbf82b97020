"""Settings: every knob of the service, read from the environment (and `.env`) only here."""

from __future__ import annotations

import secrets
import sys
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.private_files import write_once

DEV_SECRET = "dev-only-secret-change-me-in-production"
#: Keys printed in this source: anyone can sign tokens or reverse ID hashes made with them.
PUBLIC_KEYS = frozenset({DEV_SECRET, DEV_SECRET + "-id"})
#: Files in DATA_DIR holding the keys generated on the first run.
KEY_FILES = {"secret_key": "secret_key", "id_hash_key": "id_hash_key"}


class Settings(BaseSettings):
    """Every knob; each field is the environment variable of the same name (upper case).

    Defaults run the whole service on a laptop: SQLite and the embedded search backend under
    `./var/`.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./var/talent.db"
    data_dir: Path = Path("var")
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    id_hash_key: SecretStr = SecretStr(DEV_SECRET + "-id")
    meili_url: str | None = None
    meili_api_key: SecretStr | None = None
    embedding_model: str = "default"
    job_queue: Literal["inprocess", "procrastinate"] = "inprocess"
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "talent-supermarket@localhost"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    public_url: str = "http://127.0.0.1:8000"
    default_locale: Literal["zh", "en"] = "zh"
    #: IANA time zone in which pages, e-mails and reports show times and count months.
    timezone: str = "Asia/Shanghai"
    session_max_age_s: int = Field(default=8 * 3600, ge=60)
    token_max_age_s: int = Field(default=8 * 3600, ge=60)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_upload_bytes: int = Field(default=20 * 1_048_576, ge=1024)
    # what an uploaded .xlsx may hold once unpacked (decompression bombs are refused)
    import_max_unpacked_bytes: int = Field(default=256 * 1_048_576, ge=1_048_576)
    import_max_cells: int = Field(default=4_000_000, ge=1000)
    import_max_shared_strings: int = Field(default=1_000_000, ge=1000)
    secure_cookies: bool = False
    login_max_attempts: int = Field(default=10, ge=1)
    login_address_max_attempts: int = Field(default=100, ge=1)
    login_window_s: int = Field(default=300, ge=1)
    trusted_proxies: Annotated[list[str], NoDecode] = []
    # An open demand still unfilled this many days after its first dispatch is
    # offered to every other agency (`talent-supermarket revert-dispatches`)
    dispatch_reversion_days: int = Field(default=30, ge=1, le=3650)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("DATABASE_URL must be a sqlite:// or postgresql:// URL")
        if value.startswith("postgresql://"):
            # psycopg 3 is the driver we install; plain postgresql:// would ask for psycopg2.
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"TIMEZONE {value!r} is not an IANA time zone such as Asia/Shanghai"
            ) from None
        return value

    @cached_property
    def zone(self) -> ZoneInfo:
        """The time zone of `timezone`, in which people read times and months."""
        return ZoneInfo(self.timezone)

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings() -> Settings:
    """The service's settings: the environment, and the keys kept in DATA_DIR.

    SECRET_KEY and ID_HASH_KEY, when not set in the environment (or `.env`), are read from
    `DATA_DIR/secret_key` and `DATA_DIR/id_hash_key`, which the first run creates with random
    keys (mode 0600), so that a demo needs no set-up and no public key ever signs a token.
    An existing key file is never replaced: ID hashes stored under a key only match that key.
    """
    settings = Settings()
    keys = {}
    for field, filename in KEY_FILES.items():
        if field in settings.model_fields_set:  # the environment wins
            continue
        path = settings.data_dir / filename
        if not path.exists() and field == "id_hash_key" and _has_sqlite_file(settings):
            print(  # noqa: T201  (start-up, before logging exists)
                f"note: generating {path}; ID numbers hashed before under another "
                "ID_HASH_KEY no longer match (set ID_HASH_KEY to the old key to keep them)",
                file=sys.stderr,
            )
        key = write_once(path, secrets.token_urlsafe(48) + "\n").strip()
        if not key:
            raise ValueError(f"{path} is empty: delete it to generate a new key")
        keys[field] = SecretStr(key)
    return settings.model_copy(update=keys)


def _has_sqlite_file(settings: Settings) -> bool:
    path = settings.database_url.split("///", 1)[-1]
    return settings.is_sqlite and path not in ("", ":memory:") and Path(path).is_file()


def has_public_key(settings: Settings) -> bool:
    """Whether SECRET_KEY or ID_HASH_KEY is one of the defaults printed in this source."""
    return any(
        key.get_secret_value() in PUBLIC_KEYS for key in (settings.secret_key, settings.id_hash_key)
    )
