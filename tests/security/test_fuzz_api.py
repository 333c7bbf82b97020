"""Schemathesis against the service's own OpenAPI document, as each role.

Every operation of `/openapi.json`, with generated valid and invalid input, must answer no 5xx,
only the statuses it documents, and bodies and content types that match its documented schema.
Bounded and deterministic: a few examples per operation, derandomized, no example database.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session

from tests.app.helpers import token_headers
from tests.factories import World
from tests.security.conftest import committed_world

ROLES = {
    "office_admin": "admin",
    "office_reviewer": "reviewer",
    "chamber_staff": "chamber",
    "enterprise_user": "enterprise",
    "agency_staff": "kejiju",
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The office admin may call every operation: it gets the most examples; the other roles mostly
# meet 403/404 early, a couple of examples each show that those answers are documented too.
EXAMPLES = {
    "office_admin": {GenerationMode.POSITIVE: 3, GenerationMode.NEGATIVE: 2},
    "other": {GenerationMode.POSITIVE: 2, GenerationMode.NEGATIVE: 1},
}
ROLE_FREE = {"POST /api/v1/auth/token", "GET /healthz", "GET /api/v1/imports/templates/{kind}"}
# They revoke the fuzzer's own token, after which every operation would only answer 401
# (tested in tests/app/accounts/test_identity.py).
SIGN_OUTS = {"POST /api/v1/auth/logout", "DELETE /api/v1/auth/tokens/{token_id}"}


def _fuzz_operation(
    operation: Any, mode: GenerationMode, examples: int, headers: dict[str, str], db: Session
) -> None:
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        finally:
            db.rollback()  # a refused write leaves no failed transaction for the next request

    run()


@pytest.mark.parametrize("role", list(ROLES))
def test_every_operation_answers_as_documented(
    app: Any, client: TestClient, db: Session, role: str
) -> None:
    world: World = committed_world(db)
    headers = token_headers(client, world.users[ROLES[role]])
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures = []
    examples = EXAMPLES["office_admin" if role == "office_admin" else "other"]
    for result in schema.get_all_operations():
        operation = result.ok()
        if role != "office_admin" and operation.label in ROLE_FREE:
            continue  # answers the same to every role: fuzzed once, as the admin
        if operation.label in SIGN_OUTS:
            continue
        has_input = bool(operation.definition.raw.get("parameters") or operation.body)
        for mode in examples if has_input else [GenerationMode.POSITIVE]:
            try:
                _fuzz_operation(operation, mode, examples[mode], headers, db)
            except Unsatisfiable:
                pass  # no invalid input exists for it (e.g. only an enum path parameter)
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert not failures, "\n\n".join(failures)
