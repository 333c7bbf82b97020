"""HTML form plumbing: field specs, parsing posted values, and mapping errors beside fields.

A form posts strings; the same pydantic schema as the API validates them, so a rule is written
once. A failed form re-renders with what the user typed and a message beside each field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError
from starlette.datastructures import FormData

from app.errors import FieldErrors, field_errors_from_pydantic, render_field_errors
from app.fieldtypes import check_text
from app.models.enums import Education

M = TypeVar("M", bound=BaseModel)
Kind = Literal["text", "textarea", "number", "select", "checkbox", "date", "list", "password"]
Choices = Callable[[str], Sequence[tuple[str, str]]]


@dataclass(frozen=True)
class FormField:
    name: str
    kind: Kind = "text"
    required: bool = False
    label_key: str | None = None
    help_key: str | None = None
    choices: Choices | None = None
    max_length: int | None = None
    autocomplete: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)
    section: str | None = None  # consecutive fields of one section share a <fieldset>
    blank_key: str = "form.choose"  # the empty choice of a select

    @property
    def label(self) -> str:
        return self.label_key or f"field.{self.name}"


def enum_choices(group: str, values: Sequence[str]) -> Choices:
    from app.i18n import enum_label

    return lambda locale: [(v, enum_label(group, v, locale)) for v in values]


def list_field(name: str) -> FormField:
    """A list typed as one line: "Python，Java、SQL"."""
    return FormField(name, "list", help_key="help.list_input", max_length=1000)


EDUCATION = enum_choices("education", [e.value for e in Education])


def as_filters(fields: Sequence[FormField]) -> list[FormField]:
    """Filter forms offer "any" as the empty choice."""
    return [replace(f, blank_key="list.any") for f in fields]


def sectioned(sections: Sequence[tuple[str, Sequence[FormField]]]) -> list[FormField]:
    """Fields grouped under section titles (message ids)."""
    return [replace(f, section=title) for title, fields in sections for f in fields]


def form_values(form: FormData, fields: Sequence[FormField]) -> dict[str, Any]:
    """What the user typed, as strings (checkboxes as booleans), to validate and to re-show."""
    values: dict[str, Any] = {}
    for f in fields:
        if f.kind == "checkbox":
            values[f.name] = form.get(f.name) in ("on", "true", "1", "yes")
        else:
            raw = form.get(f.name)
            values[f.name] = raw.strip() if isinstance(raw, str) else ""
    return values


def to_payload(
    values: dict[str, Any], fields: Sequence[FormField], *, partial: bool
) -> dict[str, Any]:
    """Form strings to schema input: empty optional fields become None (or are left out)."""
    payload: dict[str, Any] = {}
    for f in fields:
        value = values.get(f.name)
        if f.kind == "password" and not value and partial:
            continue
        if value == "" and f.kind != "list":
            value = None
        payload[f.name] = value
    return payload


def validate_form(
    schema: type[M], values: dict[str, Any], fields: Sequence[FormField], *, partial: bool = False
) -> M:
    """Validate with the API's schema; raises FieldErrors naming the form's fields."""
    try:
        return schema.model_validate(to_payload(values, fields, partial=partial))
    except ValidationError as exc:
        raise FieldErrors(field_errors_from_pydantic(exc)) from None


def checked_text(field: str, value: str, *, multiline: bool = False) -> str:
    """A posted text no schema validates (a reason, a note) through the one text rule
    (`app.fieldtypes.check_text`); raises FieldErrors naming `field`."""
    try:
        return check_text(value, multiline=multiline)
    except PydanticCustomError as exc:
        raise FieldErrors.one(field, exc.type, **(exc.context or {})) from None


def errors_by_field(exc: FieldErrors, locale: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for err in render_field_errors(exc.errors, locale):
        out.setdefault(err["field"], err["message"])
    return out


def display_value(value: Any) -> str:
    """Model values back into a form input (lists joined with the Chinese enumeration comma)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "，".join(str(v) for v in value)
    return str(value)
