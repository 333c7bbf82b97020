"""The suggestion and introduction state machines: which transition is allowed from where.

An invalid transition raises a 409 with a stable code, so a client can tell "someone else
already decided this" (`suggestion_invalid_transition`) from "my copy is stale"
(`suggestion_changed`, the version column disagreed).
"""

from __future__ import annotations

from app.errors import AppError

# suggestion status -> statuses a reviewer may move it to
SUGGESTION_TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"approved", "rejected", "locked", "forbidden"}),
    "locked": frozenset({"approved", "rejected", "locked", "forbidden"}),
    "forbidden": frozenset({"locked", "forbidden", "rejected"}),
    "approved": frozenset(),
    "rejected": frozenset(),
}
REVIEWABLE = ("pending", "locked")

# introduction status -> statuses an outcome or an answer may move it to
INTRODUCTION_TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"pending", "connected", "declined"}),
    "connected": frozenset(
        {"interviewed", "hired", "declined_by_enterprise", "declined_by_talent"}
    ),
    "interviewed": frozenset({"hired", "declined_by_enterprise", "declined_by_talent"}),
    "declined": frozenset(),
    "hired": frozenset(),
    "declined_by_enterprise": frozenset(),
    "declined_by_talent": frozenset(),
}
# both sides said yes: the enterprise side may see the contact details
CONTACT_OPEN = frozenset(
    {"connected", "interviewed", "hired", "declined_by_enterprise", "declined_by_talent"}
)


class SuggestionInvalidTransition(AppError):
    status, code = 409, "suggestion_invalid_transition"


class SuggestionChanged(AppError):
    status, code = 409, "suggestion_changed"


class IntroductionInvalidTransition(AppError):
    status, code = 409, "introduction_invalid_transition"


class IntroductionAlreadyAnswered(AppError):
    status, code = 409, "introduction_already_answered"


class IntroductionChanged(AppError):
    status, code = 409, "introduction_changed"


class ConsentRequired(AppError):
    status, code = 403, "consent_required"


def check_suggestion_transition(current: str, target: str) -> None:
    """Raises SuggestionInvalidTransition when `current` may not become `target`."""
    if target not in SUGGESTION_TRANSITIONS.get(current, frozenset()):
        raise SuggestionInvalidTransition(**{"from": current, "to": target})


def check_introduction_transition(current: str, target: str) -> None:
    """Raises IntroductionInvalidTransition when `current` may not become `target`."""
    if target not in INTRODUCTION_TRANSITIONS.get(current, frozenset()):
        raise IntroductionInvalidTransition(**{"from": current, "to": target})
