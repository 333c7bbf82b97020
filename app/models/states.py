"""The state machines of suggestions, introductions, match runs and dispatches, in one place.

Each machine is an enum of its states (the values are the strings stored in the `status`
column) and `ALLOWED[machine]` says which states may follow each state. A refused transition
raises the machine's 409 `<machine>_invalid_transition`, so a client can tell "someone else
already decided this" from "my copy is stale" (`suggestion_changed`, `introduction_changed`:
the row's version disagreed with the one the client read).
"""

from __future__ import annotations

from enum import StrEnum

from app.errors import AppError


class Machine(StrEnum):
    suggestion = "suggestion"
    introduction = "introduction"
    run = "run"
    dispatch = "dispatch"


class SuggestionStatus(StrEnum):
    pending = "pending"  # proposed by a match run, waiting for a reviewer
    locked = "locked"  # kept for the next run: the pair is proposed again
    forbidden = "forbidden"  # never propose this pair again
    approved = "approved"  # an introduction was opened
    rejected = "rejected"


class IntroductionStatus(StrEnum):
    pending = "pending"  # waiting for the enterprise side and the talent's consent
    connected = "connected"  # both said yes: contact details are visible
    declined = "declined"  # one side said no before they met
    interviewed = "interviewed"
    hired = "hired"
    declined_by_enterprise = "declined_by_enterprise"
    declined_by_talent = "declined_by_talent"


class RunStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


class DispatchStatus(StrEnum):
    open = "open"  # the agency has not nominated anyone yet
    answered = "answered"  # at least one nomination; more may follow


def _table(pairs: dict[str, tuple[str, ...]]) -> dict[str, frozenset[str]]:
    return {state: frozenset(targets) for state, targets in pairs.items()}


_S, _I, _R, _D = SuggestionStatus, IntroductionStatus, RunStatus, DispatchStatus

# machine -> state -> the states it may move to. A state missing from a machine's table (a
# value not of its enum) allows nothing. Self-transitions are listed where an action may
# repeat: locking a locked pair again, another nomination for an answered dispatch, a
# pending introduction whose answer is recorded in two steps, a run put back in the queue.
ALLOWED: dict[Machine, dict[str, frozenset[str]]] = {
    Machine.suggestion: _table(
        {
            _S.pending: (_S.approved, _S.rejected, _S.locked, _S.forbidden),
            _S.locked: (_S.approved, _S.rejected, _S.locked, _S.forbidden),
            _S.forbidden: (_S.locked, _S.forbidden, _S.rejected),
            _S.approved: (),
            _S.rejected: (),
        }
    ),
    Machine.introduction: _table(
        {
            _I.pending: (_I.pending, _I.connected, _I.declined),
            _I.connected: (
                _I.interviewed,
                _I.hired,
                _I.declined_by_enterprise,
                _I.declined_by_talent,
            ),
            _I.interviewed: (_I.hired, _I.declined_by_enterprise, _I.declined_by_talent),
            _I.declined: (),
            _I.hired: (),
            _I.declined_by_enterprise: (),
            _I.declined_by_talent: (),
        }
    ),
    Machine.run: _table(
        {
            # a queued run is cancelled before it starts, or started by the job runner, or
            # queued again when the service restarts
            _R.queued: (_R.queued, _R.running, _R.cancelled),
            # an interrupted run (the service stopped) goes back to the queue
            _R.running: (_R.queued, _R.succeeded, _R.failed, _R.cancelled),
            _R.succeeded: (),
            _R.failed: (),
            _R.cancelled: (),
        }
    ),
    Machine.dispatch: _table(
        {
            _D.open: (_D.answered,),
            _D.answered: (_D.answered,),
        }
    ),
}

# Suggestions a reviewer may still decide.
REVIEWABLE: tuple[str, ...] = (_S.pending, _S.locked)
# Match runs not finished yet: at most one of them exists at a time.
ACTIVE_RUNS: tuple[str, ...] = (_R.queued, _R.running)
# Introductions where both sides said yes: the enterprise side may see the contact details.
CONTACT_OPEN: frozenset[str] = frozenset(
    {_I.connected, _I.interviewed, _I.hired, _I.declined_by_enterprise, _I.declined_by_talent}
)


class InvalidTransition(AppError):
    status, code = 409, "invalid_transition"


class SuggestionInvalidTransition(InvalidTransition):
    code = "suggestion_invalid_transition"


class IntroductionInvalidTransition(InvalidTransition):
    code = "introduction_invalid_transition"


class RunInvalidTransition(InvalidTransition):
    code = "match_run_invalid_transition"


class DispatchInvalidTransition(InvalidTransition):
    code = "dispatch_invalid_transition"


class SuggestionChanged(AppError):
    status, code = 409, "suggestion_changed"


class IntroductionChanged(AppError):
    status, code = 409, "introduction_changed"


_REFUSALS: dict[Machine, type[InvalidTransition]] = {
    Machine.suggestion: SuggestionInvalidTransition,
    Machine.introduction: IntroductionInvalidTransition,
    Machine.run: RunInvalidTransition,
    Machine.dispatch: DispatchInvalidTransition,
}


def can_transition(machine: Machine, current: str, target: str) -> bool:
    """Whether `machine` allows moving from `current` to `target`."""
    return target in ALLOWED[machine].get(current, frozenset())


def next_states(machine: Machine, current: str) -> frozenset[str]:
    """The states `machine` allows after `current` (none for a final or unknown state)."""
    return ALLOWED[machine].get(current, frozenset())


def check_transition(machine: Machine, current: str, target: str) -> None:
    """Raises the machine's InvalidTransition (409) when `current` may not become `target`."""
    if not can_transition(machine, current, target):
        raise _REFUSALS[machine](**{"from": str(current), "to": str(target)})
