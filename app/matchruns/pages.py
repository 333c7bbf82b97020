"""Match run pages: history and the run button, progress, per-demand and per-talent lists."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.access.deps import CheckedForm, PageViewer
from app.access.policies import suggestions as policy
from app.access.policies.suggestions import SuggestionAction
from app.context import app_context
from app.db import SessionDep
from app.errors import FieldErrors, NotFound
from app.i18n import locale_of
from app.matchruns import service
from app.matchruns.explanations import shown_explanations
from app.models import Demand, Suggestion, Talent
from app.models.states import ACTIVE_RUNS
from app.talents.service import get_talent
from app.web import Pager, flash, offset_param, redirect, render

router = APIRouter(include_in_schema=False)

COMPONENTS = (
    "meaning",
    "required_skills",
    "preferred_skills",
    "education",
    "major",
    "experience",
    "location",
    "salary",
    "languages",
    "overseas",
)


@router.get("/match-runs")
def runs_page(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    policy.require(viewer, SuggestionAction.list_runs)
    offset = offset_param(request)
    runs, total = service.list_runs(session, viewer, limit=20, offset=offset)
    active = next((r for r in runs if r.status in ACTIVE_RUNS), None)
    return render(
        request,
        "matchruns/runs.html",
        {"runs": runs, "active": active, "pager": Pager(total, 20, offset)},
    )


@router.post("/match-runs")
def start_run_page(
    request: Request, session: SessionDep, viewer: PageViewer, form: CheckedForm
) -> Response:
    try:
        run = service.start_run(session, viewer, min_score=0.3, k=50)
    except service.RunInProgress:
        flash(request, "matching.already_running")
        return redirect("/match-runs")
    session.commit()
    app_context(request).jobs.submit(run.id)
    return redirect(f"/match-runs/{run.id}")


@router.post("/match-runs/{run_id}/cancel")
def cancel_run_page(
    run_id: int, request: Request, session: SessionDep, viewer: PageViewer, form: CheckedForm
) -> Response:
    service.cancel_run(session, viewer, run_id)
    session.commit()
    flash(request, "matching.cancel_requested")
    return redirect(f"/match-runs/{run_id}")


@router.get("/match-runs/{run_id}")
def run_page(run_id: int, request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    policy.require(viewer, SuggestionAction.list_runs)
    run = service.get_run(session, viewer, run_id)
    rows: list[dict[str, Any]] = []
    if run.status == "succeeded":
        suggestions = list(
            session.scalars(
                select(Suggestion)
                .where(Suggestion.match_run_id == run.id)
                .order_by(Suggestion.demand_id, Suggestion.rank)
            )
        )
        demand_ids = {s.demand_id for s in suggestions}
        demands = {
            d.id: d
            for d in session.scalars(
                select(Demand)
                .where(Demand.id.in_(demand_ids))
                .options(selectinload(Demand.enterprise))
            )
        }
        talent_names = dict(
            session.execute(
                select(Talent.id, Talent.name).where(
                    Talent.id.in_({s.talent_id for s in suggestions if s.is_proposed})
                )
            ).all()
        )
        by_demand: dict[int, list[Suggestion]] = {}
        for s in suggestions:
            by_demand.setdefault(s.demand_id, []).append(s)
        for demand_id, items in by_demand.items():
            d = demands.get(demand_id)
            if d is None:
                continue
            rows.append(
                {
                    "demand": d,
                    "top": items[0].score if items else None,
                    "count": len([s for s in items if s.rank <= 20]),
                    "proposed": [talent_names.get(s.talent_id, "") for s in items if s.is_proposed],
                    "new": sum(1 for s in items if s.change == "new"),
                }
            )
        rows.sort(key=lambda r: (-(r["top"] or 0), r["demand"].id))
    return render(request, "matchruns/run.html", {"run": run, "rows": rows})


def _demand_or_404(session: Any, demand_id: int) -> Demand:
    d: Demand | None = session.scalar(
        select(Demand).where(Demand.id == demand_id).options(selectinload(Demand.enterprise))
    )
    if d is None:
        raise NotFound()
    return d


@router.get("/match-runs/{run_id}/demands/{demand_id}")
def demand_page(
    run_id: int, demand_id: int, request: Request, session: SessionDep, viewer: PageViewer
) -> Response:
    policy.require(viewer, SuggestionAction.list_runs)
    run = service.get_run(session, viewer, run_id)
    demand = _demand_or_404(session, demand_id)
    items, _ = service.list_suggestions(
        session, viewer, match_run_id=run.id, demand_id=demand_id, limit=100, offset=0
    )
    talents = {
        t.id: t
        for t in session.scalars(select(Talent).where(Talent.id.in_({s.talent_id for s in items})))
    }
    # the explanations as this viewer may see them: another agency's talent stays unnamed
    assignments = {
        suggestion_id: e.get("assignment") or {}
        for suggestion_id, e in shown_explanations(
            session, viewer, items, locale_of(request)
        ).items()
    }
    runner_ups = {x for a in assignments.values() if (x := a.get("runner_up_talent_id"))}
    names = dict(
        session.execute(select(Talent.id, Talent.name).where(Talent.id.in_(runner_ups))).all()
    )
    titles = service.demand_titles(
        session,
        {x for a in assignments.values() if (x := a.get("runner_up_talent_taken_by_demand_id"))},
    )
    return render(
        request,
        "matchruns/demand.html",
        {
            "run": run,
            "demand": demand,
            "items": items,
            "assignments": assignments,
            "talents": talents,
            "names": names,
            "titles": titles,
            "components": COMPONENTS,
        },
    )


@router.get("/match-runs/{run_id}/talents/{talent_id}")
def talent_page(
    run_id: int, talent_id: int, request: Request, session: SessionDep, viewer: PageViewer
) -> Response:
    policy.require(viewer, SuggestionAction.read_run)
    run = service.get_run(session, viewer, run_id)
    talent = get_talent(session, viewer, talent_id)
    items, _ = service.list_suggestions(
        session, viewer, match_run_id=run.id, talent_id=talent_id, limit=100, offset=0
    )
    items.sort(key=lambda s: (-s.score, s.demand_id))
    demands = {
        d.id: d
        for d in session.scalars(
            select(Demand)
            .where(Demand.id.in_({s.demand_id for s in items}))
            .options(selectinload(Demand.enterprise))
        )
    }
    return render(
        request,
        "matchruns/talent.html",
        {
            "run": run,
            "talent": talent,
            "items": items,
            "demands": demands,
            "components": COMPONENTS,
        },
    )


@router.get("/matching/weights")
def weights_page(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    policy.require(viewer, SuggestionAction.list_runs)
    return render(
        request,
        "matchruns/weights.html",
        {
            "weights": service.current_weights(session),
            "errors": {},
            "editable": policy.can(viewer, SuggestionAction.set_weights),
        },
    )


@router.post("/matching/weights")
def save_weights_page(
    request: Request, session: SessionDep, viewer: PageViewer, form: CheckedForm
) -> Response:
    policy.require(viewer, SuggestionAction.set_weights)
    values: dict[str, float] = {}
    errors: dict[str, str] = {}
    for name in COMPONENTS:
        raw = str(form.get(name, "")).strip()
        try:
            value = float(raw)
            if not 0 <= value <= 100:
                raise ValueError
            values[name] = value
        except ValueError:
            errors[name] = "matching.weight_invalid"
    if not errors:
        try:
            service.set_weights(session, viewer, values)
        except FieldErrors:
            errors["meaning"] = "matching.weights_all_zero"
    if errors:
        shown = {n: form.get(n, "") for n in COMPONENTS}
        return render(
            request,
            "matchruns/weights.html",
            {"weights": shown, "errors": errors, "editable": True},
            status_code=422,
        )
    session.commit()
    flash(request, "matching.weights_saved")
    return redirect("/matching/weights")
