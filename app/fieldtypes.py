"""Validated field types shared by API schemas, forms and imports (one rule, every edge).

Each failure raises a `PydanticCustomError` whose type is our stable code (`phone_invalid`,
`credit_code_invalid`...); `app.i18n` holds its zh/en message.

Every string type here, list items included, passes one text rule first (`check_text`): lone
surrogates and U+FFFE/U+FFFF are refused (`text_invalid_unicode`), control characters too
(`text_control_character`; tab and line breaks only in multi-line fields), and what remains is
normalised to NFC. NFC, not NFKC: NFKC would rewrite full-width letters, circled numbers and
the like, which people type on purpose; NFC only merges different encodings of one character.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

from app.text import text_problem

_LIST_SPLIT = re.compile(r"[,，、;；\n\r]+")


def check_text(value: str, *, multiline: bool = False) -> str:
    """The one text rule: refuse what no field may hold, normalise the rest to NFC.

    Multi-line text keeps tabs and line breaks; CRLF and CR become LF.
    """
    problem = text_problem(value, multiline=multiline)
    if problem is not None:
        code, params = problem
        message = "invalid Unicode" if code == "text_invalid_unicode" else "control character"
        raise PydanticCustomError(code, f"{message} at position {{position}}", params)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", value)


def _line(value: object) -> object:
    return check_text(value) if isinstance(value, str) else value


def _lines(value: object) -> object:
    return check_text(value, multiline=True) if isinstance(value, str) else value


OneLine = BeforeValidator(_line)
MultiLine = BeforeValidator(_lines)


def _strip_or_none(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _split_list(value: object) -> object:
    """Forms and spreadsheets give "a, b、c"; the API gives a list. Both become a list of items,
    each then checked by the text rule where it stands (so an error names its index)."""
    if value is None:
        return []
    if isinstance(value, str):
        return _LIST_SPLIT.split(value)
    return value


def _item(value: str) -> str:
    value = value.strip()
    if len(value) > 50:
        raise PydanticCustomError(
            "item_too_long", "each item at most 50 characters", {"max_length": 50}
        )
    return value


def _clean_items(items: list[str]) -> list[str]:
    """Blank items dropped, repeats (after normalisation) kept once, in order; at most 50."""
    items = list(dict.fromkeys(item for item in items if item))
    if len(items) > 50:
        raise PydanticCustomError(
            "too_long", "at most 50 items", {"max_length": 50, "actual_length": len(items)}
        )
    return items


def _credit_code(value: str) -> str:
    try:
        return uscc.validate(value.upper())
    except StdnumError:
        raise PydanticCustomError(
            "credit_code_invalid", "invalid unified social credit code"
        ) from None


def _phone(value: str) -> str:
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise PydanticCustomError("phone_invalid", "invalid phone number")
    if number.country_code == 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL).replace(
            " ", ""
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_phone(value: str) -> str:
    """A phone number in its stored form (mainland numbers national, others E.164); raises
    PydanticCustomError ``phone_invalid`` for anything that is not a valid number."""
    return _phone(value)


def _email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise PydanticCustomError("email_invalid", "invalid e-mail address") from None


def _id_number(value: str) -> str:
    try:
        return ric.validate(value.upper())
    except StdnumError:
        raise PydanticCustomError("id_number_invalid", "invalid ID card number") from None


def _birth_year(value: int) -> int:
    if value > dt.date.today().year:
        raise PydanticCustomError("birth_year_future", "birth year cannot be in the future")
    return value


BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")  # no daylight saving time
CONSENT_EARLIEST = dt.date(2000, 1, 1)


def _consent_date(value: dt.date) -> dt.date:
    """Consent is a recorded event: not before 2000, not after tomorrow in Beijing (a day of
    slack for a clock or a time zone behind)."""
    if value < CONSENT_EARLIEST:
        raise PydanticCustomError(
            "consent_date_too_early",
            "consent date before {earliest}",
            {"earliest": CONSENT_EARLIEST.isoformat()},
        )
    latest = dt.datetime.now(BEIJING).date() + dt.timedelta(days=1)
    if value > latest:
        raise PydanticCustomError(
            "consent_date_future", "consent date after {latest}", {"latest": latest.isoformat()}
        )
    return value


def _industry(value: str) -> str:
    value = value.upper()
    if len(value) != 1 or not "A" <= value <= "T":
        raise PydanticCustomError("industry_invalid", "industry must be a letter A-T")
    return value


Blankable = BeforeValidator(_strip_or_none)

Text100 = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), OneLine
]
Text200 = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), OneLine
]
OptText100 = Annotated[Annotated[str, Field(max_length=100), OneLine] | None, Blankable]
OptText200 = Annotated[Annotated[str, Field(max_length=200), OneLine] | None, Blankable]
OptText500 = Annotated[Annotated[str, Field(max_length=500), OneLine] | None, Blankable]
LongText = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000), MultiLine],
    BeforeValidator(lambda v: "" if v is None else v),
]
Note1000 = Annotated[str, Field(max_length=1000), MultiLine]  # reasons and notes of decisions
TextItem = Annotated[str, OneLine, AfterValidator(_item)]
TextList = Annotated[
    list[TextItem],
    BeforeValidator(_split_list),
    Field(max_length=1000),  # raw items, before blanks and repeats go
    AfterValidator(_clean_items),
]
CreditCode = Annotated[
    str, StringConstraints(strip_whitespace=True), OneLine, AfterValidator(_credit_code)
]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=30), OneLine, AfterValidator(_phone)
]
OptPhone = Annotated[
    Annotated[str, Field(max_length=30), OneLine, AfterValidator(_phone)] | None, Blankable
]
OptEmail = Annotated[
    Annotated[str, Field(max_length=254), OneLine, AfterValidator(_email)] | None, Blankable
]
OptIdNumber = Annotated[
    Annotated[str, Field(max_length=30), OneLine, AfterValidator(_id_number)] | None, Blankable
]
BirthYear = Annotated[int, Field(ge=1900), AfterValidator(_birth_year)]
ConsentDate = Annotated[dt.date, AfterValidator(_consent_date)]
Industry = Annotated[
    str, StringConstraints(strip_whitespace=True), OneLine, AfterValidator(_industry)
]
Years = Annotated[int, Field(ge=0, le=70)]
Salary = Annotated[int, Field(ge=0, le=10_000_000)]
Headcount = Annotated[int, Field(ge=1, le=10_000)]


def mask_phone(value: str | None) -> str | None:
    """`13812345678` -> `138****5678`: enough to recognise, not enough to call."""
    if not value:
        return value
    digits = value
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_email(value: str | None) -> str | None:
    """`zhang.wei@example.com` -> `z***@example.com`."""
    if not value or "@" not in value:
        return value
    local, domain = value.split("@", 1)
    return f"{local[:1]}***@{domain}"
