"""Stored explanations as a viewer may see them: another agency's talent is "another candidate".

A proposal's explanation names its runner-up talent (id, score, where it went) and the talents
filling the runner-up demand. The office sees them all; an agency sees a talent it did not
submit only as "another candidate" (the suggestions policy's `names_talent` decides).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies.suggestions import names_talent
from app.i18n import translate
from app.models import Suggestion, Talent


def _named_talents(explanation: dict[str, Any]) -> set[int]:
    a = explanation.get("assignment") or {}
    named = {a.get("runner_up_talent_id"), *(a.get("runner_up_demand_filled_by_talent_ids") or ())}
    return {int(t) for t in named if t is not None}


def shown_explanation(
    explanation: dict[str, Any], may_name: Callable[[int], bool], locale: str
) -> dict[str, Any]:
    """A copy of `explanation` where every talent `may_name` refuses is "another candidate"."""
    a = explanation.get("assignment")
    if not a:
        return explanation
    a = dict(a)
    other = translate("matching.another_candidate", locale)
    runner_up = a.get("runner_up_talent_id")
    if runner_up is not None and not may_name(int(runner_up)):
        a |= {
            "runner_up_talent_id": None,
            "runner_up_talent_hidden": True,
            "runner_up_talent_score": None,
            "runner_up_talent_taken_by_demand_id": None,
            "runner_up_talent_reason": other,
        }
    filled = list(a.get("runner_up_demand_filled_by_talent_ids") or ())
    named = [t for t in filled if t is not None and may_name(int(t))]
    if len(named) < len(filled):
        a["runner_up_demand_filled_by_talent_ids"] = named
        a["runner_up_demand_reason"] = translate("matching.filled_by_another", locale)
    return explanation | {"assignment": a}


def shown_explanations(
    session: Session, viewer: Viewer, suggestions: Iterable[Suggestion], locale: str
) -> dict[int, dict[str, Any]]:
    """Each suggestion's explanation (by suggestion id) as `viewer` may see it."""
    items = list(suggestions)
    named = set().union(*(_named_talents(s.explanation or {}) for s in items))
    org_of: dict[int, int] = {}
    if named:
        rows = session.execute(
            select(Talent.id, Talent.organization_id).where(Talent.id.in_(named))
        )
        org_of = dict(rows.all())

    def may_name(talent_id: int) -> bool:
        org_id = org_of.get(talent_id)
        # a talent gone since the run (erased, merged) is named to nobody but the office
        return names_talent(viewer, org_id if org_id is not None else -1)

    return {s.id: shown_explanation(s.explanation or {}, may_name, locale) for s in items}
