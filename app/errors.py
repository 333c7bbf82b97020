"""The AppError family and the one error body, in zh or en (`app.error_handlers` renders it).

Every error a user can cause is an `AppError` with an HTTP status and a stable snake_case
`code`; its message is looked up by code in the request's locale. The body is `ok`, `status`,
`code`, `message`, `errors`: JSON under `/api/`, a page elsewhere.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.i18n import locale_of, translate, translate_field_error

log = logging.getLogger(__name__)


class AppError(Exception):
    """An error shown to the user; the handlers render it as JSON or as a page."""

    status = 400
    code = "bad_request"

    def __init__(self, **params: object) -> None:
        super().__init__(self.code)
        self.params = params


class NotFound(AppError):
    status, code = 404, "not_found"


class Forbidden(AppError):
    status, code = 403, "forbidden"


class NotAuthenticated(AppError):
    status, code = 401, "not_authenticated"


class InvalidCredentials(AppError):
    status, code = 401, "invalid_credentials"


class TooManyAttempts(AppError):
    status, code = 429, "too_many_attempts"


class CsrfFailed(AppError):
    status, code = 403, "csrf_failed"


class Conflict(AppError):
    status, code = 409, "conflict"


class BodyTooLarge(AppError):
    status, code = 413, "body_too_large"


class FieldErrors(AppError):
    """Field-level problems found by a service (not by pydantic), e.g. an unknown CSCO code."""

    status, code = 422, "validation_error"

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__()
        self.errors = errors  # each {"field", "code", "params"}

    @classmethod
    def one(cls, field: str, error_code: str, **params: object) -> FieldErrors:
        return cls([{"field": field, "code": error_code, "params": params}])


@dataclass(frozen=True)
class Violation:
    """What a user sees when a write runs into a database constraint: a 409 with `code`, or,
    with `field`, a field error `code` on that field (422 validation_error)."""

    status: int
    code: str
    field: str | None = None


# Constraint name (Base.metadata's naming convention, the same on SQLite and PostgreSQL) ->
# what the user sees. A unique violation is what a concurrent request that lost a race gets
# (the one that won holds the row), so every constraint a request can hit is listed here;
# one not listed still answers 409 `conflict`, never a 500.
CONSTRAINT_VIOLATIONS: dict[str, Violation] = {
    "uq_talents_organization_id": Violation(422, "external_key_taken", "external_key"),
    "uq_enterprises_credit_code": Violation(422, "credit_code_taken", "credit_code"),
    "uq_users_username": Violation(422, "username_taken", "username"),
    "uq_dispatches_demand_id": Violation(409, "dispatch_exists"),
    "uq_nominations_dispatch_id": Violation(409, "nomination_exists"),
    "uq_introductions_demand_id": Violation(409, "introduction_exists"),
    "uq_introductions_suggestion_id": Violation(409, "introduction_exists"),
    "uq_match_runs_active": Violation(409, "match_run_in_progress"),
    "uq_duplicate_scans_running": Violation(409, "duplicate_scan_running"),
}


def constraint_name(exc: IntegrityError) -> str | None:
    """The name of the constraint `exc` violated. PostgreSQL reports it; SQLite names the
    columns ("UNIQUE constraint failed: talents.organization_id, talents.external_key"), which
    are looked up among the unique constraints and indexes of Base.metadata."""
    diag = getattr(exc.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return str(name)
    found = re.search(r"UNIQUE constraint failed: (.+)$", str(exc.orig))
    if found is None:
        return None
    from sqlalchemy import Index, UniqueConstraint

    from app.db import Base

    index = re.fullmatch(r"index '([^']+)'", found.group(1).strip())
    if index:
        return index.group(1)
    pairs = [part.strip().split(".", 1) for part in found.group(1).split(",")]
    table = Base.metadata.tables.get(pairs[0][0])
    if table is None:
        return None
    columns = [column for _, column in pairs]
    candidates: list[Index | UniqueConstraint] = [
        *(i for i in table.indexes if i.unique),
        *(c for c in table.constraints if isinstance(c, UniqueConstraint)),
    ]
    for candidate in candidates:
        if [c.name for c in candidate.columns] == columns and isinstance(candidate.name, str):
            return candidate.name
    return None


def violation_error(exc: IntegrityError) -> AppError:
    """The AppError for a constraint violation (see CONSTRAINT_VIOLATIONS)."""
    name = constraint_name(exc)
    violation = CONSTRAINT_VIOLATIONS.get(name or "")
    if violation is None:
        log.warning("unmapped constraint violation (%s): %s", name, exc.orig)
        return Conflict()
    if violation.field is not None:
        return FieldErrors.one(violation.field, violation.code)
    error = Conflict()
    error.status, error.code = violation.status, violation.code
    return error


@contextmanager
def constraint_checked(session: Session) -> Iterator[None]:
    """Make the writes of the block in a savepoint and flush them: a constraint violation (a
    parallel request won the race, a key is taken) raises its AppError and leaves the
    transaction usable, so a form can be shown again. Pending changes made before the block
    are flushed outside it."""
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError as exc:
        raise violation_error(exc) from exc


def field_errors_from_pydantic(
    exc: ValidationError | RequestValidationError,
) -> list[dict[str, Any]]:
    """Turn pydantic's errors into our untranslated field errors."""
    out: list[dict[str, Any]] = []
    for err in exc.errors():
        loc = [p for p in err.get("loc", ()) if p not in ("body", "query", "path", "form")]
        # Our schemas are flat: the first location part is the field ("skills", 3 -> "skills"),
        # an int after it the index of a list item, kept so the message can name the item.
        field = str(loc[0]) if loc else "body"
        error: dict[str, Any] = {
            "field": field,
            "code": err.get("type", "value_error"),
            "params": dict(err.get("ctx") or {}),
            "raw": str(err.get("msg", "")),
        }
        if len(loc) > 1 and isinstance(loc[1], int):
            error["index"] = loc[1]
        out.append(error)
    return out


def render_field_errors(errors: list[dict[str, Any]], locale: str) -> list[dict[str, Any]]:
    """Translated field errors; one about a list item also has `index` (from 0) and its
    message names the item (from 1)."""
    out: list[dict[str, Any]] = []
    for e in errors:
        message = translate_field_error(e["code"], locale, e.get("params", {}), e.get("raw"))
        rendered: dict[str, Any] = {"field": e["field"], "code": e["code"], "message": message}
        if e.get("index") is not None:
            rendered["index"] = e["index"]
            item = translate("field_error.list_item", locale, number=e["index"] + 1)
            rendered["message"] = f"{item}{message}"
        out.append(rendered)
    return out


def error_body(
    request: Request,
    status: int,
    code: str,
    params: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    locale = locale_of(request)
    body: dict[str, Any] = {
        "ok": False,
        "status": status,
        "code": code,
        "message": translate(f"error.{code}", locale, **(params or {})),
        "errors": render_field_errors(errors or [], locale),
    }
    if params and isinstance(params.get("current_id"), int):
        body["current_id"] = params["current_id"]  # e.g. the match run already running
    return body
