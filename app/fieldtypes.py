"""Validated field types shared by API schemas, forms and imports (one rule, every edge).

Each failure raises a `PydanticCustomError` whose type is our stable code (`phone_invalid`,
`credit_code_invalid`...); `app.i18n` holds its zh/en message.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

_LIST_SPLIT = re.compile(r"[,，、;；\n\r]+")


def _strip_or_none(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _split_list(value: object) -> object:
    """Forms and spreadsheets give "a, b、c"; the API gives a list. Both become a clean list."""
    if value is None:
        return []
    if isinstance(value, str):
        value = _LIST_SPLIT.split(value)
    if isinstance(value, list | tuple):
        seen: dict[str, None] = {}
        for item in value:
            if isinstance(item, str):
                item = item.strip()
                if item:
                    seen.setdefault(item, None)
            else:
                return value  # let pydantic report the wrong item type
        return list(seen)
    return value


def _check_items(items: list[str]) -> list[str]:
    for item in items:
        if len(item) > 50:
            raise PydanticCustomError(
                "item_too_long", "each item at most 50 characters", {"max_length": 50}
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


def _industry(value: str) -> str:
    value = value.upper()
    if len(value) != 1 or not "A" <= value <= "T":
        raise PydanticCustomError("industry_invalid", "industry must be a letter A-T")
    return value


Blankable = BeforeValidator(_strip_or_none)

Text100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
OptText100 = Annotated[Annotated[str, Field(max_length=100)] | None, Blankable]
OptText200 = Annotated[Annotated[str, Field(max_length=200)] | None, Blankable]
OptText500 = Annotated[Annotated[str, Field(max_length=500)] | None, Blankable]
LongText = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)],
    BeforeValidator(lambda v: "" if v is None else v),
]
TextList = Annotated[
    list[str], BeforeValidator(_split_list), Field(max_length=50), AfterValidator(_check_items)
]
CreditCode = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_credit_code)]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=30), AfterValidator(_phone)
]
OptPhone = Annotated[Annotated[str, Field(max_length=30), AfterValidator(_phone)] | None, Blankable]
OptEmail = Annotated[
    Annotated[str, Field(max_length=254), AfterValidator(_email)] | None, Blankable
]
OptIdNumber = Annotated[
    Annotated[str, Field(max_length=30), AfterValidator(_id_number)] | None, Blankable
]
BirthYear = Annotated[int, Field(ge=1900), AfterValidator(_birth_year)]
Industry = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_industry)]
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
