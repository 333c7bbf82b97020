"""The exception handlers: every error, ours or the framework's, answered in the one shape.

Under `/api/` (and `/healthz`) errors are JSON bodies (`app.errors.error_body`); elsewhere the
same body renders the error page. Each `/api/` operation documents these answers in OpenAPI.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import (
    AppError,
    FieldErrors,
    error_body,
    field_errors_from_pydantic,
    violation_error,
)
from app.web import render_error_page

log = logging.getLogger(__name__)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def _respond(
    request: Request,
    status: int,
    code: str,
    params: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = error_body(request, status, code, params, errors)
    if _is_api(request):
        return JSONResponse(body, status_code=status, headers=headers)
    return render_error_page(request, body, headers=headers)


_HTTP_CODES = {
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
    429: "too_many_attempts",
}


# The error body of STYLE.md §5 as a JSON schema, for the OpenAPI document.
ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["ok", "status", "code", "message", "errors"],
    "properties": {
        "ok": {"type": "boolean", "enum": [False]},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "message": {"type": "string"},
        "current_id": {
            "type": "integer",
            "description": "With some 409s: the object holding the state asked for "
            "(the match run or duplicate scan already running)",
        },
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "code", "message"],
                "properties": {
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "index": {"type": "integer", "description": "the list item (from 0)"},
                },
            },
        },
    },
}
_ERROR_DESCRIPTIONS = {
    401: "Not logged in, or the token expired",
    403: "The role may not do this, or the CSRF token is missing",
    404: "No such object, or outside the caller's organisation",
    409: "The object's current state does not allow this",
    413: "Body too large",
    422: "Invalid input; `errors` names each field",
}


def document_error_responses(app: FastAPI) -> None:
    """Every `/api/` operation documents the errors it can answer, in the one error shape.

    401/403 where a login is needed, 404 where the path names an object, 422 where there is
    input, 413 and 409 for writes. Other statuses (429, 503) are declared on their routes.
    """
    original = app.openapi

    def openapi() -> dict[str, Any]:
        schema = original()
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for path, operations in schema.get("paths", {}).items():
            if not path.startswith("/api/"):
                continue
            for method, operation in operations.items():
                statuses = set()
                if path != "/api/v1/auth/token":
                    statuses |= {401, 403}
                if "{" in path:
                    statuses.add(404)
                if operation.get("parameters") or operation.get("requestBody"):
                    statuses.add(422)
                if method in ("post", "put", "patch", "delete"):
                    statuses |= {409, 413}
                responses = operation.setdefault("responses", {})
                for status in statuses:
                    documented = responses.get(str(status), {})
                    if not documented or "HTTPValidationError" in str(documented):
                        # FastAPI's default 422 describes its own body, not the one we send
                        responses[str(status)] = {"description": _ERROR_DESCRIPTIONS[status]}
                for status, response in responses.items():
                    if status.startswith(("4", "5")) and "content" not in response:
                        response.update(ref)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    document_error_responses(app)

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        errors = exc.errors if isinstance(exc, FieldErrors) else None
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if exc.status == 429 and "retry_after_s" in exc.params:
            headers = {"Retry-After": str(exc.params["retry_after_s"])}
        return _respond(request, exc.status, exc.code, exc.params, errors, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return _respond(request, 422, "validation_error", None, field_errors_from_pydantic(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400:
            # FastAPI's "error parsing the body" (e.g. bytes that are not UTF-8): the same
            # 422 as any other malformed JSON body
            errors = [{"field": "body", "code": "json_invalid", "params": {}}]
            return _respond(request, 422, "validation_error", None, errors)
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return _respond(request, exc.status_code, code, {"status": exc.status_code})

    @app.exception_handler(IntegrityError)
    async def _constraint(request: Request, exc: IntegrityError) -> Response:
        # A unique violation is a request that lost a race (or repeated a key): 409 or a
        # field error, by constraint name, never a 500.
        return await _app_error(request, violation_error(exc))

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception) -> Response:
        # A number or text the database cannot hold (an id beyond 64 bits on SQLite, beyond
        # the column's range on PostgreSQL) is bad input, not a server error.
        log.info("value out of range on %s %s: %r", request.method, request.url.path, exc)
        errors = [{"field": "body", "code": "value_out_of_range", "params": {}}]
        return _respond(request, 422, "validation_error", None, errors)

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> Response:
        # The database is unreachable (restarted, network): 503, and the pool's pre-ping
        # replaces the dead connections once it is back. Any other database error is a bug.
        # SQLite rolls the whole transaction back on a full disk, so a savepoint being
        # released afterwards fails with "no such savepoint": the cause is in the chain.
        causes: list[BaseException] = []
        cause: BaseException | None = exc
        while cause is not None and len(causes) < 8:
            causes.append(cause)
            cause = cause.__cause__ or cause.__context__
        text = " ".join(str(getattr(c, "orig", None) or c) for c in causes).lower()
        if "disk is full" in text or "no space left" in text or "disk full" in text:
            log.error("storage full on %s %s: %s", request.method, request.url.path, exc.orig)
            return _respond(request, 507, "storage_full")
        if "readonly database" in text or "read-only" in text or "read only" in text:
            log.error("database read-only on %s %s: %s", request.method, request.url.path, exc.orig)
            return _respond(request, 503, "database_read_only", headers={"Retry-After": "60"})
        if isinstance(exc, OperationalError) or exc.connection_invalidated:
            log.warning(
                "database unavailable on %s %s: %s", request.method, request.url.path, exc.orig
            )
            return _respond(request, 503, "database_unavailable", headers={"Retry-After": "5"})
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _respond(request, 500, "internal_error")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _respond(request, 500, "internal_error")
