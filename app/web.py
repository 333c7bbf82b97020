"""Jinja2 environment and the one `render` helper every page goes through."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from app.access import policies as access
from app.context import app_context
from app.i18n import enum_label, locale_of, translate
from app.security import new_csrf_token

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def _groupby_run(items: list[Any], attribute: str) -> list[tuple[Any, list[Any]]]:
    """Runs of consecutive items with the same attribute (Jinja's groupby sorts first)."""
    return [(key, list(run)) for key, run in groupby(items, key=attrgetter(attribute))]


templates.env.filters["groupby_run"] = _groupby_run


@pass_context
def _local_time(context: Mapping[str, Any], value: object, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) time as people read it: in the service's time zone (TIMEZONE, Beijing
    time by default). Dates are shown as they are; nothing shows as an empty string."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(context.get("zone") or dt.UTC)
    if isinstance(value, dt.date):
        return value.strftime(fmt if isinstance(value, dt.datetime) else "%Y-%m-%d")
    return str(value)


templates.env.filters["local"] = _local_time


@dataclass(frozen=True)
class NavItem:
    key: str
    href: str
    active: bool


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = new_csrf_token()
        request.session["csrf"] = token
    return str(token)


def flash(request: Request, key: str) -> None:
    request.session.setdefault("flash", []).append(key)


def _nav(request: Request) -> list[NavItem]:
    viewer = getattr(request.state, "viewer", None)
    if viewer is None:
        return []
    path = request.url.path
    items = [("nav.home", "/")]
    if access.enterprises.can(viewer, access.enterprises.EnterpriseAction.browse):
        items.append(("nav.enterprises", "/enterprises"))
    items.append(("nav.demands", "/demands"))
    if access.talents.can(viewer, access.talents.TalentAction.read):
        items.append(("nav.talents", "/talents"))
        items.append(("nav.search", "/search/talents"))
    else:
        items.append(("nav.search", "/search/demands"))
    if access.suggestions.can(viewer, access.suggestions.SuggestionAction.list_runs):
        items.append(("nav.matching", "/match-runs"))
    if access.suggestions.can(viewer, access.suggestions.SuggestionAction.review):
        items.append(("nav.review", "/review"))
    if access.dashboards.can(viewer, access.dashboards.DashboardAction.read):
        items.append(("nav.dashboards", "/dashboards"))
    items.append(("nav.introductions", "/introductions"))
    if access.dispatches.can(viewer, access.dispatches.DispatchAction.read):
        items.append(("nav.dispatches", "/dispatches"))
    if access.public_interests.can(viewer, access.public_interests.PublicInterestAction.read):
        items.append(("nav.public_interests", "/public-interests"))  # the public page's queue
    if access.organizations.can(viewer, access.organizations.OrganizationAction.browse):
        items.append(("nav.organizations", "/organizations"))
    if access.duplicates.can(viewer, access.duplicates.DuplicateAction.read):
        items.append(("nav.duplicates", "/duplicates"))
    if access.users.can(viewer, access.users.UserAction.read):
        items.append(("nav.users", "/users"))
    if access.audit.can(viewer, access.audit.AuditAction.read):
        items.append(("nav.audit", "/audit"))
    items.append(("nav.imports", "/imports"))  # import/export: every role exports
    return [
        NavItem(key, href, path == href if href == "/" else path.startswith(href))
        for key, href in items
    ]


def lang_url(request: Request, locale: str) -> str:
    params = dict(request.query_params)
    params["lang"] = locale
    return f"{request.url.path}?{urlencode(params)}"


def page_url(request: Request, **changes: Any) -> str:
    """The current URL with some query parameters replaced (paging keeps the filters)."""
    params = {k: v for k, v in request.query_params.items() if k != "lang"}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return f"{request.url.path}?{urlencode(params)}" if params else request.url.path


def whole_number(raw: object, *, max_digits: int = 9) -> int | None:
    """A non-negative whole number typed into a form or URL, else None: decimal digits only and
    at most ``max_digits`` of them, so "²", "-1", "1e3" or 5,000 digits never reach `int()`
    (which would raise) or the database (which would overflow).

    >>> whole_number("42"), whole_number("²"), whole_number("-1"), whole_number("9" * 10)
    (42, None, None, None)
    """
    text = str(raw or "")
    return int(text) if text.isdecimal() and len(text) <= max_digits else None


def offset_param(request: Request, *, most: int | None = 100_000) -> int:
    """The list's ``offset`` query parameter: 0 unless a whole number, at most ``most``."""
    offset = whole_number(request.query_params.get("offset")) or 0
    return offset if most is None else min(offset, most)


@dataclass(frozen=True)
class Pager:
    total: int
    limit: int
    offset: int

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.limit))


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    locale = locale_of(request)
    ctx: dict[str, Any] = {
        "locale": locale,
        "zone": app_context(request).settings.zone,
        "_": lambda key, **params: translate(key, locale, **params),
        "label": lambda group, value: enum_label(group, value, locale),
        "viewer": getattr(request.state, "viewer", None),
        "unread": getattr(request.state, "unread", None),
        "nav": _nav(request),
        "csrf_token": csrf_token(request),
        "flashes": request.session.pop("flash", []),
        "lang_url": lang_url(request, "en" if locale == "zh" else "zh"),
        "page_url": lambda **changes: page_url(request, **changes),
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code, headers=headers)


def redirect(url: str) -> RedirectResponse:
    """A successful POST answers 303 See Other."""
    return RedirectResponse(url, status_code=303)


def render_error_page(
    request: Request, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response:
    if body["status"] == 401:
        nxt = request.url.path if request.method == "GET" else "/"
        return RedirectResponse(f"/login?{urlencode({'next': nxt})}", status_code=303)
    return render(
        request, "errors/error.html", {"error": body}, status_code=body["status"], headers=headers
    )


@dataclass(frozen=True)
class Row:
    url: str
    cells: list[str]


@dataclass(frozen=True)
class ListPage:
    title_key: str
    columns: list[str]
    rows: list[Row]
    pager: Pager
    filters: list[Any]
    filter_values: dict[str, Any]
    new_url: str | None = None
    new_label_key: str = "action.new_enterprise"


@dataclass(frozen=True)
class DetailPage:
    heading: str
    items: list[tuple[str, Any]]
    list_url: str
    edit_url: str | None = None
    delete_url: str | None = None


@dataclass(frozen=True)
class FormPage:
    heading: str
    action: str
    cancel_url: str
    fields: list[Any]
    values: dict[str, Any]
    errors: dict[str, str]
    labels: dict[str, str]


def form_page(
    request: Request,
    *,
    heading: str,
    action: str,
    cancel_url: str,
    fields: list[Any],
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    """A create/edit form; with errors it answers 422 and keeps every value typed."""
    page = FormPage(
        heading=heading,
        action=action,
        cancel_url=cancel_url,
        fields=fields,
        values=values,
        errors=errors or {},
        labels={f.name: f.label for f in fields},
    )
    return render(request, "crud/form.html", {"page": page}, status_code=422 if errors else 200)
