"""Locale choice and the zh/en message catalogs; every visible string goes through `translate`."""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection

# message id -> (Chinese, English), one catalogue module per domain under app/i18n/catalog/.
# Templates use `_("id")`; errors use "error.<code>"; field errors "field_error.<pydantic type
# or our code>"; labels "field.<name>", "enum.<x>".
from app.i18n.catalog import CATALOG

LOCALES = ("zh", "en")
LANG_COOKIE = "lang"


def translate(key: str, locale: str, /, **params: Any) -> str:
    """The catalog text for `key` in `locale`, formatted with `params`; unknown keys show as is."""
    pair = CATALOG.get(key)
    if pair is None:
        return key
    text = pair[1] if locale == "en" else pair[0]
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def translate_field_error(code: str, locale: str, params: dict[str, Any], raw: str | None) -> str:
    key = f"field_error.{code}"
    if key in CATALOG:
        return translate(key, locale, **params)
    if locale == "en" and raw:
        return raw
    return translate("field_error.value_error", locale)


def enum_label(group: str, value: object, locale: str) -> str:
    if value is None or value == "":
        return ""
    return translate(f"enum.{group}.{value}", locale)


def _from_accept_language(header: str) -> str | None:
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh"
    return None


def choose_locale(conn: HTTPConnection, default: str = "zh") -> str:
    """`?lang=` first, then the language cookie, then (API only) Accept-Language, then default.

    Pages ignore the browser's Accept-Language: the interface is Chinese unless the user
    switches, whatever language the browser was installed in.
    """
    for candidate in (conn.query_params.get("lang"), conn.cookies.get(LANG_COOKIE)):
        if candidate in LOCALES:
            return candidate
    if conn.url.path.startswith("/api/"):
        return _from_accept_language(conn.headers.get("accept-language", "")) or default
    return default


def locale_of(conn: HTTPConnection) -> str:
    locale = getattr(conn.state, "locale", None)
    return locale if locale in LOCALES else choose_locale(conn)
