"""Search pages for both sides: box, facet sidebar with counts, snippets, keyword ↔ meaning."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup, escape
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.deps import PageViewer
from app.access.policies import talents as talent_policy
from app.access.policies.talents import TalentAction
from app.context import app_context
from app.db import SessionDep
from app.errors import FieldErrors, field_errors_from_pydantic
from app.forms import errors_by_field
from app.i18n import enum_label, locale_of
from app.models import Organization
from app.searching.indexes import INDEXES, Index, IndexSpec, SearchQuery
from app.searching.service import SearchUnavailableError, params_of, run_search
from app.web import Pager, page_url, render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 20


def highlight(snippet: str) -> Markup:
    """The backend's snippet, escaped, with only its <mark> tags kept."""
    safe = str(escape(snippet))
    return Markup(safe.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


def _label_fn(session: Session, spec: IndexSpec, locale: str) -> Any:
    orgs = {str(o.id): o for o in session.scalars(select(Organization))}

    def label(field: str, value: str) -> str:
        group = spec.labels.get(field)
        if group == "organization":
            org = orgs.get(value)
            if org is None:
                return value
            return org.name_zh if locale == "zh" else org.name_en
        if group == "yes_no":
            return enum_label(group, "true" if value in ("true", "1", "True") else "false", locale)
        return enum_label(group, value, locale) if group else value

    return label


def parse_query(spec: IndexSpec, request: Request) -> SearchQuery:
    """The page's query parameters through the API's own model; raises FieldErrors."""
    model = spec.query_model
    lists = model.list_params()
    params = request.query_params
    data = {k: params.getlist(k) if k in lists else params[k] for k in params}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise FieldErrors(field_errors_from_pydantic(exc)) from None


def _card(spec: IndexSpec, fields: dict[str, Any], label: Any) -> dict[str, Any]:
    card = spec.card
    subtitle = " · ".join(
        label(name, str(value)) for name in card.subtitle if (value := fields.get(name))
    )
    tags = fields.get(card.tags) or []
    return {
        "title": fields.get(card.title) or "",
        "subtitle": subtitle,
        "tags": list(tags)[:8] if isinstance(tags, list | tuple) else [],
    }


def _page(request: Request, session: Session, viewer: Viewer, index: Index) -> Response:
    if index == "talents":
        talent_policy.require(viewer, TalentAction.read)
    spec = INDEXES[index]
    args = dict(request.query_params)
    locale = locale_of(request)
    error = None
    page = None
    field_errors: dict[str, str] = {}
    query: SearchQuery | None = None
    try:
        query = parse_query(spec, request)
    except FieldErrors as exc:
        field_errors = errors_by_field(exc, locale)
    offset = query.offset if query else 0
    if query is not None:
        try:
            page = run_search(
                app_context(request).indexer, viewer, index, params_of(query, PAGE_SIZE, offset)
            )
        except SearchUnavailableError:
            error = "search.unavailable"
    label = _label_fn(session, spec, locale)
    facets = []
    if page is not None:
        for name, counts in page.facets.items():
            visible = spec.facet_visible.get(name)
            param = spec.param_of(name)
            if param is None or (visible is not None and not visible(viewer)):
                continue
            values = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
            if values:
                facets.append(
                    {
                        "name": name,
                        "param": param,
                        "active": args.get(param),
                        "values": [
                            {
                                "value": v,
                                "label": label(name, v),
                                "count": c,
                                "url": page_url(request, **{param: v, "offset": None}),
                            }
                            for v, c in values
                        ],
                        "clear_url": page_url(request, **{param: None, "offset": None}),
                    }
                )
    hits = []
    if page is not None:
        for h in page.hits:
            hits.append(
                {
                    **_card(spec, dict(h.fields), label),
                    "snippet": highlight(h.snippet),
                    "score": h.score,
                    "url": spec.card.url.format(id=h.id),
                }
            )
    filter_params = {f.param for f in spec.filters}
    return render(
        request,
        "search/search.html",
        {
            "index": index,
            "can_search_talents": talent_policy.can(viewer, TalentAction.read),
            "q": query.q if query else args.get("q", "")[:1000],
            "ratio": query.semantic_ratio if query else 0.5,
            "sort": query.sort if query else None,
            "sorts": spec.sorts,
            "hidden": {k: v for k, v in args.items() if k in filter_params},
            "error": error,
            "field_errors": field_errors,
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
