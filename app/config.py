"""Settings: every knob of the service, read from the environment (and `.env`) only here."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-secret-change-me-in-production"


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
    session_max_age_s: int = Field(default=8 * 3600, ge=60)
    token_max_age_s: int = Field(default=8 * 3600, ge=60)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_upload_bytes: int = Field(default=20 * 1_048_576, ge=1024)
    secure_cookies: bool = False
    login_max_attempts: int = Field(default=10, ge=1)
    login_window_s: int = Field(default=300, ge=1)
    # issue 6: an open demand still unfilled this many days after its first dispatch is
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

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
