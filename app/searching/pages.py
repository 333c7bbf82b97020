"""Search pages for both sides: box, facet sidebar with counts, snippets, keyword ↔ meaning."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import demands as demand_policy
from app.access.policies import talents as talent_policy
from app.access.policies.talents import TalentAction
from app.accounts.deps import PageViewer
from app.context import app_context
from app.db import SessionDep
from app.i18n import enum_label, locale_of
from app.models import Organization
from app.searching.service import (
    DEMAND_FACETS,
    SORTS,
    TALENT_FACETS,
    Index,
    SearchParams,
    SearchUnavailableError,
    range_of,
    run_search,
)
from app.web import Pager, page_url, render

router = APIRouter(include_in_schema=False)

ENUM_GROUPS = {
    "education": "education",
    "min_education": "education",
    "status": None,  # per index, below
    "kind": "demand_kind",
    "industry": "industry",
    "is_returnee": "yes_no",
}
PAGE_SIZE = 20


def highlight(snippet: str) -> Markup:
    """The backend's snippet, escaped, with only its <mark> tags kept."""
    safe = str(escape(snippet))
    return Markup(safe.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


def _label_fn(session: Session, index: Index, locale: str) -> Any:
    orgs = {str(o.id): o for o in session.scalars(select(Organization))}

    def label(facet: str, value: str) -> str:
        if facet in ("organization_id", "chamber_id"):
            org = orgs.get(value)
            if org is None:
                return value
            return org.name_zh if locale == "zh" else org.name_en
        if facet == "status":
            group = "talent_status" if index == "talents" else "demand_status"
            return enum_label(group, value, locale)
        if facet in ("is_returnee", "overseas_required"):
            return enum_label("yes_no", "true" if value in ("true", "1") else "false", locale)
        enum_group = ENUM_GROUPS.get(facet)
        return enum_label(enum_group, value, locale) if enum_group else value

    return label


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _float(value: str | None, default: float) -> float:
    try:
        return min(1.0, max(0.0, float(value))) if value not in (None, "") else default
    except ValueError:
        return default


def _filters(index: Index, args: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in TALENT_FACETS if index == "talents" else DEMAND_FACETS:
        value = args.get(name)
        if not value:
            continue
        if name in ("organization_id", "chamber_id"):
            if (n := _int(value)) is not None:
                out[name] = n
        elif name in ("is_returnee", "overseas_required"):
            out[name] = value in ("true", "1")
        elif name in ("education", "min_education"):
            out[name] = [value]
        else:
            out[name] = value[:100]
    if index == "talents":
        years = range_of(_int(args.get("min_years")), None)
        if years:
            out["years_experience"] = years
    return out


def _page(request: Request, session: Session, viewer: Viewer, index: Index) -> Response:
    if index == "talents":
        talent_policy.require(viewer, TalentAction.read)
    args = dict(request.query_params)
    q = args.get("q", "")[:1000]
    ratio = _float(args.get("semantic_ratio"), 0.5)
    offset = max(0, min(10_000, _int(args.get("offset")) or 0))
    sort = args.get("sort") if args.get("sort") in SORTS[index] else None
    filters = _filters(index, args)
    error = None
    page = None
    try:
        page = run_search(
            app_context(request).indexer,
            viewer,
            index,
            SearchParams(q, filters, sort, ratio, PAGE_SIZE, offset),
        )
    except SearchUnavailableError:
        error = "search.unavailable"
    locale = locale_of(request)
    label = _label_fn(session, index, locale)
    facets = []
    if page is not None:
        for name, counts in page.facets.items():
            if name == "organization_id" and not talent_policy.shows_organization(viewer):
                continue
            if name == "chamber_id" and not demand_policy.shows_chamber(viewer):
                continue
            values = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
            if values:
                facets.append(
                    {
                        "name": name,
                        "active": args.get(name),
                        "values": [
                            {
                                "value": v,
                                "label": label(name, v),
                                "count": c,
                                "url": page_url(request, **{name: v, "offset": None}),
                            }
                            for v, c in values
                        ],
                        "clear_url": page_url(request, **{name: None, "offset": None}),
                    }
                )
    hits = []
    if page is not None:
        for h in page.hits:
            f = h.fields
            if index == "talents":
                title = f.get("name") or ""
                subtitle = " · ".join(
                    str(x)
                    for x in (
                        f.get("position"),
                        f.get("employer"),
                        label("education", str(f.get("education"))) if f.get("education") else None,
                        f.get("major"),
                    )
                    if x
                )
                tags = list(f.get("skills") or [])[:8]  # type: ignore[arg-type]
                url = f"/talents/{h.id}"
            else:
                title = f.get("title") or ""
                subtitle = " · ".join(
                    str(x)
                    for x in (
                        f.get("enterprise_name"),
                        label("kind", str(f.get("kind"))),
                        f.get("work_location"),
                        label("status", str(f.get("status"))),
                    )
                    if x
                )
                tags = list(f.get("required_skills") or [])[:8]  # type: ignore[arg-type]
                url = f"/demands/{h.id}"
            hits.append(
                {
                    "title": title,
                    "subtitle": subtitle,
                    "snippet": highlight(h.snippet),
                    "tags": tags,
                    "score": h.score,
                    "url": url,
                }
            )
    return render(
        request,
        "search/search.html",
        {
            "index": index,
            "can_search_talents": talent_policy.can(viewer, TalentAction.read),
            "q": q,
            "ratio": ratio,
            "sort": sort,
            "sorts": SORTS[index],
            "hidden": {
                k: v
                for k, v in args.items()
                if k in {f["name"] for f in facets}
                or k in ("organization_id", "chamber_id", "min_years")
            },
            "error": error,
            "facets": facets,
            "hits": hits,
            "pager": Pager(page.total if page else 0, PAGE_SIZE, offset),
        },
    )


@router.get("/search/talents")
def search_talents_page(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    return _page(request, session, viewer, "talents")


@router.get("/search/demands")
def search_demands_page(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    return _page(request, session, viewer, "demands")
