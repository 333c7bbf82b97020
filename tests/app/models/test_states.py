"""The state machines: every transition each allows, every one it refuses, and the stored values."""

from __future__ import annotations

from enum import StrEnum

import pytest

from app.errors import AppError
from app.models.states import (
    ALLOWED,
    DispatchStatus,
    IntroductionStatus,
    Machine,
    RunStatus,
    SuggestionStatus,
    check_transition,
    next_states,
)

STATES: dict[Machine, type[StrEnum]] = {
    Machine.suggestion: SuggestionStatus,
    Machine.introduction: IntroductionStatus,
    Machine.run: RunStatus,
    Machine.dispatch: DispatchStatus,
}

# Written out again, by hand, so that a change to the table in app/models/states.py is a
# decision a test has to be told about.
EXPECTED: dict[Machine, set[tuple[str, str]]] = {
    Machine.suggestion: {
        ("pending", "approved"),
        ("pending", "rejected"),
        ("pending", "locked"),
        ("pending", "forbidden"),
        ("locked", "approved"),
        ("locked", "rejected"),
        ("locked", "locked"),
        ("locked", "forbidden"),
        ("forbidden", "locked"),
        ("forbidden", "forbidden"),
        ("forbidden", "rejected"),
    },
    Machine.introduction: {
        ("pending", "pending"),
        ("pending", "connected"),
        ("pending", "declined"),
        ("connected", "interviewed"),
        ("connected", "hired"),
        ("connected", "declined_by_enterprise"),
        ("connected", "declined_by_talent"),
        ("interviewed", "hired"),
        ("interviewed", "declined_by_enterprise"),
        ("interviewed", "declined_by_talent"),
    },
    Machine.run: {
        ("queued", "queued"),
        ("queued", "running"),
        ("queued", "cancelled"),
        ("running", "queued"),
        ("running", "succeeded"),
        ("running", "failed"),
        ("running", "cancelled"),
    },
    Machine.dispatch: {
        ("open", "answered"),
        ("answered", "answered"),
    },
}

# The strings stored in each table's status column: renaming a member must not change them.
STORED: dict[Machine, set[str]] = {
    Machine.suggestion: {"pending", "locked", "forbidden", "approved", "rejected"},
    Machine.introduction: {
        "pending",
        "connected",
        "declined",
        "interviewed",
        "hired",
        "declined_by_enterprise",
        "declined_by_talent",
    },
    Machine.run: {"queued", "running", "succeeded", "failed", "cancelled"},
    Machine.dispatch: {"open", "answered"},
}

CODES = {
    Machine.suggestion: "suggestion_invalid_transition",
    Machine.introduction: "introduction_invalid_transition",
    Machine.run: "match_run_invalid_transition",
    Machine.dispatch: "dispatch_invalid_transition",
}


def _pairs(machine: Machine) -> list[tuple[str, str]]:
    values = [s.value for s in STATES[machine]]
    return [(a, b) for a in values for b in values]


ALL_PAIRS = [(m, a, b) for m in Machine for a, b in _pairs(m)]


@pytest.mark.parametrize("machine", list(Machine))
def test_stored_values_are_unchanged(machine: Machine) -> None:
    assert {s.value for s in STATES[machine]} == STORED[machine]
    assert set(ALLOWED[machine]) == STORED[machine]


@pytest.mark.parametrize(("machine", "current", "target"), ALL_PAIRS)
def test_every_transition_is_allowed_or_refused_as_the_table_says(
    machine: Machine, current: str, target: str
) -> None:
    if (current, target) in EXPECTED[machine]:
        check_transition(machine, current, target)
        assert target in next_states(machine, current)
        return
    with pytest.raises(AppError) as refused:
        check_transition(machine, current, target)
    assert refused.value.status == 409
    assert refused.value.code == CODES[machine]
    assert refused.value.params == {"from": current, "to": target}
    assert target not in next_states(machine, current)


@pytest.mark.parametrize("machine", list(Machine))
def test_an_unknown_state_allows_nothing(machine: Machine) -> None:
    for target in STORED[machine]:
        with pytest.raises(AppError, match=CODES[machine]):
            check_transition(machine, "no_such_state", target)
    assert next_states(machine, "no_such_state") == frozenset()


def test_enum_members_and_plain_strings_are_the_same_state() -> None:
    check_transition(Machine.suggestion, SuggestionStatus.pending, "approved")
    check_transition(Machine.suggestion, "pending", SuggestionStatus.approved)
    with pytest.raises(AppError, match="suggestion_invalid_transition"):
        check_transition(Machine.suggestion, SuggestionStatus.approved, SuggestionStatus.pending)
