"""The authorisation sweep: every route of the app × every role × another organisation's objects.

`RULES` names every route (API and pages) with what it must do when a caller aims it at data
outside the caller's organisation; a route added later without a rule fails
`test_every_route_has_a_rule`. The checks look at the data, not only the status:

- reads of a hidden object answer 403/404 and the body holds none of its marker strings;
- lists, counts and dashboards hold no hidden marker, even when filtered by the other
  organisation's ids, and answer the same after more hidden objects were added (no counts);
- writes aimed at another organisation's objects are refused and leave its rows unchanged;
- own-scope actions (create, mark all read, start a run, ...) never touch its rows either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.i18n import translate
from app.models import ImportBatch, Introduction, MatchRun, Notification, Suggestion
from app.models.enums import OrgKind
from tests.app.helpers import csrf_from, page_login, token_headers
from tests.factories import (
    World,
    credit_code,
    make_demand,
    make_enterprise,
    make_talent,
)
from tests.security.conftest import committed_world

# --- the rule table -------------------------------------------------------------------------
# public: no login needed, no organisation data; directory: organisations, readable by all;
# list: no object in the path, filters aimed at the other organisation; read: GET of a hidden
# object; write: a change aimed at another organisation's object; own: acts on the caller's own
# scope (or its own new object) only.

PUBLIC, DIRECTORY, LIST, READ, WRITE, OWN = "public", "directory", "list", "read", "write", "own"
# They would end the sweep's own sign-in (tested in tests/app/accounts/test_identity.py).
LOGOUTS = ("/logout", "/api/v1/auth/logout")
# published: open demands shown to everyone on purpose; drafts, talents and the rest stay hidden
PUBLISHED = "published"

RULES: dict[str, str] = {
    "GET /openapi.json": PUBLIC,
    "GET /docs": PUBLIC,
    "GET /healthz": PUBLIC,
    "GET /login": PUBLIC,
    "POST /login": PUBLIC,
    "POST /logout": OWN,
    "POST /api/v1/auth/token": PUBLIC,
    "POST /api/v1/auth/logout": OWN,
    "GET /api/v1/auth/tokens": LIST,
    "DELETE /api/v1/auth/tokens/{token_id}": WRITE,
    "GET /api/v1/me": LIST,
    "GET /": LIST,
    "GET /audit": LIST,
    # users
    "GET /api/v1/users": LIST,
    "POST /api/v1/users": OWN,
    "GET /api/v1/users/{user_id}": READ,
    "PATCH /api/v1/users/{user_id}": WRITE,
    "GET /users": LIST,
    "GET /users/new": LIST,
    "POST /users/new": OWN,
    "GET /users/{object_id}": READ,
    "GET /users/{object_id}/edit": READ,
    "POST /users/{object_id}/edit": WRITE,
    "POST /users/{object_id}/delete": WRITE,
    # organisations: a directory everyone reads; only the office admin changes it
    "GET /api/v1/organizations": DIRECTORY,
    "GET /api/v1/organizations/{organization_id}": DIRECTORY,
    "POST /api/v1/organizations": OWN,
    "PATCH /api/v1/organizations/{organization_id}": WRITE,
    "DELETE /api/v1/organizations/{organization_id}": WRITE,
    "GET /organizations": DIRECTORY,
    "GET /organizations/new": DIRECTORY,
    "POST /organizations/new": OWN,
    "GET /organizations/{object_id}": DIRECTORY,
    "GET /organizations/{object_id}/edit": DIRECTORY,
    "POST /organizations/{object_id}/edit": WRITE,
    "POST /organizations/{object_id}/delete": WRITE,
    # enterprises, demands, talents: API and pages
    **{
        f"{m} {p}": r
        for res, oid in (
            ("enterprises", "enterprise_id"),
            ("demands", "demand_id"),
            ("talents", "talent_id"),
        )
        for m, p, r in (
            ("GET", f"/api/v1/{res}", LIST),
            ("POST", f"/api/v1/{res}", OWN),
            ("GET", f"/api/v1/{res}/{{{oid}}}", READ),
            ("PATCH", f"/api/v1/{res}/{{{oid}}}", WRITE),
            ("DELETE", f"/api/v1/{res}/{{{oid}}}", WRITE),
            ("GET", f"/api/v1/{res}/export", LIST),
            ("GET", f"/{res}", LIST),
            ("GET", f"/{res}/new", LIST),
            ("POST", f"/{res}/new", OWN),
            ("GET", f"/{res}/{{object_id}}", READ),
            ("GET", f"/{res}/{{object_id}}/edit", READ),
            ("POST", f"/{res}/{{object_id}}/edit", WRITE),
            ("POST", f"/{res}/{{object_id}}/delete", WRITE),
        )
    },
    # imports and exports
    "GET /api/v1/imports/templates/{kind}": PUBLIC,
    "POST /api/v1/imports": OWN,
    "GET /api/v1/imports/{import_id}": READ,
    "POST /api/v1/imports/{import_id}/commit": WRITE,
    "GET /api/v1/imports/{import_id}/errors.xlsx": READ,
    "GET /imports": LIST,
    "POST /imports": OWN,
    "GET /imports/{import_id}": READ,
    "POST /imports/{import_id}/commit": WRITE,
    # duplicates (office only)
    "GET /api/v1/duplicates/groups": LIST,
    "POST /api/v1/duplicates/scan": OWN,
    "POST /api/v1/duplicates/merges": WRITE,
    "GET /api/v1/duplicates/merges/{merge_id}": READ,
    "POST /api/v1/duplicates/merges/{merge_id}/undo": WRITE,
    "GET /api/v1/duplicates/talents/{talent_id}": READ,
    "GET /duplicates": LIST,
    "POST /duplicates/scan": OWN,
    "POST /duplicates/merge": WRITE,
    "POST /duplicates/dismiss": WRITE,
    "GET /duplicates/merges": LIST,
    "GET /duplicates/merges/{merge_id}": READ,
    "POST /duplicates/merges/{merge_id}/undo": WRITE,
    # search, and its exports
    "GET /api/v1/search/talents/export": LIST,
    "GET /api/v1/search/demands/export": LIST,
    # erasing a talent's personal data
    "POST /api/v1/talents/{talent_id}/erase": WRITE,
    "GET /talents/{talent_id}/erase": READ,
    "POST /talents/{talent_id}/erase": WRITE,
    "GET /api/v1/search/talents": LIST,
    "GET /api/v1/search/demands": LIST,
    "GET /search/talents": LIST,
    "GET /search/demands": LIST,
    # matching
    "POST /api/v1/match-runs": OWN,
    "GET /api/v1/match-runs": LIST,
    "GET /api/v1/match-runs/{run_id}": READ,
    "POST /api/v1/match-runs/{run_id}/cancel": WRITE,
    "GET /api/v1/suggestions": LIST,
    "GET /api/v1/suggestions/{suggestion_id}": READ,
    "POST /api/v1/suggestions/{suggestion_id}/lock": WRITE,
    "POST /api/v1/suggestions/{suggestion_id}/forbid": WRITE,
    "GET /api/v1/matching/weights": LIST,
    "PUT /api/v1/matching/weights": OWN,
    "GET /api/v1/occupations/suggest": PUBLIC,
    "GET /match-runs": LIST,
    "POST /match-runs": OWN,
    "POST /match-runs/{run_id}/cancel": WRITE,
    "GET /match-runs/{run_id}": READ,
    "GET /match-runs/{run_id}/demands/{demand_id}": READ,
    "GET /match-runs/{run_id}/talents/{talent_id}": READ,
    "GET /matching/weights": LIST,
    "POST /matching/weights": OWN,
    # review, introductions, notifications
    "POST /api/v1/suggestions/{suggestion_id}/approve": WRITE,
    "POST /api/v1/suggestions/{suggestion_id}/reject": WRITE,
    "POST /api/v1/suggestions/bulk-review": WRITE,
    "GET /review": LIST,
    "POST /review": WRITE,
    "GET /api/v1/introductions": LIST,
    "GET /api/v1/introductions/{introduction_id}": READ,
    "POST /api/v1/introductions/{introduction_id}/interest": WRITE,
    "POST /api/v1/introductions/{introduction_id}/consent": WRITE,
    "GET /api/v1/introductions/{introduction_id}/contact": READ,
    "GET /api/v1/introductions/{introduction_id}/reveals": READ,
    "POST /api/v1/introductions/{introduction_id}/outcome": WRITE,
    "GET /introductions": LIST,
    "GET /introductions/{introduction_id}": READ,
    "POST /introductions/{introduction_id}/interest": WRITE,
    "POST /introductions/{introduction_id}/consent": WRITE,
    "POST /introductions/{introduction_id}/contact": WRITE,
    "POST /introductions/{introduction_id}/outcome": WRITE,
    # dispatch: demand-targeted writes are swept; a dispatch itself has
    # no object in the scene yet, so the {dispatch_id} routes are listed but not aimed
    "POST /api/v1/demands/{demand_id}/dispatches": WRITE,
    "POST /api/v1/demands/{demand_id}/dispatches/by-rules": WRITE,
    "GET /api/v1/dispatches": LIST,
    "POST /api/v1/dispatches/{dispatch_id}/nominations": WRITE,
    "GET /api/v1/dispatch-rules": LIST,
    "PUT /api/v1/dispatch-rules": OWN,
    "POST /api/v1/dispatches/sweep": OWN,
    "GET /dispatches": LIST,
    "POST /dispatches": OWN,
    "POST /dispatches/{dispatch_id}/nominations": WRITE,
    "GET /dispatches/rules": LIST,
    "POST /dispatches/rules": OWN,
    # dashboards
    "GET /api/v1/dashboards": LIST,
    "GET /api/v1/dashboards/monthly.xlsx": LIST,
    "GET /dashboards": LIST,
    # the public page: no login, open demands only, never contact data
    "GET /public/demands": PUBLISHED,
    "POST /public/demands/{demand_id}/interest": PUBLIC,
    # 人社局's queue of those sign-ups (scoping: tests/app/public/test_public.py)
    "GET /public-interests": LIST,
    "POST /public-interests/{interest_id}/{decision}": WRITE,
    "GET /api/v1/notifications": LIST,
    "POST /api/v1/notifications/{notification_id}/read": WRITE,
    "POST /api/v1/notifications/read-all": OWN,
    "GET /notifications": LIST,
    "POST /notifications/{notification_id}/open": WRITE,
    "POST /notifications/read-all": OWN,
}

CSRF_REFUSED = translate("error.csrf_failed", "zh")
ROLES = ["admin", "reviewer", "chamber", "enterprise", "kejiju"]  # one user of each role


def app_routes(app: Any) -> list[str]:
    """'METHOD path' of every route the app serves (mounts of static files aside)."""
    out = []
    for route in iter_route_contexts(app.routes):
        for method in sorted((route.methods or set()) - {"HEAD"}):
            out.append(f"{method} {route.path}")
    return out


def test_every_route_has_a_rule(app: Any) -> None:
    routes = app_routes(app)
    missing = [r for r in routes if r not in RULES]
    assert not missing, f"routes without a rule in RULES (add one): {missing}"
    stale = [r for r in RULES if r not in routes]
    assert not stale, f"rules for routes that no longer exist: {stale}"


# --- the world: two organisations of each side, and objects for every route ------------------


@dataclass
class Scene:
    world: World
    ids: dict[str, int] = field(default_factory=dict)  # "talent:renshe" -> id
    markers: dict[str, list[str]] = field(default_factory=dict)  # same keys -> marker strings


def _scene(db: Session) -> Scene:
    w = committed_world(db)
    s = Scene(w)
    orgs = w.orgs
    for key, e in w.enterprises.items():
        e.name = f"企业标记{key.upper()}有限公司"
        e.contact_name = f"联系人{key.upper()}号"
        s.ids[f"enterprise:{key}"] = e.id
        s.markers[f"enterprise:{key}"] = [e.name, e.contact_name]
    for key, d in w.demands.items():
        d.title = f"需求标记{key.upper()}号"
        s.ids[f"demand:{key}"] = d.id
        s.markers[f"demand:{key}"] = [d.title]
    for key, t in w.talents.items():
        t.name = f"人才标记{key.upper()}号"
        t.summary = f"简介标记{key.upper()}号"
        s.ids[f"talent:{key}"] = t.id
        s.markers[f"talent:{key}"] = [t.name, t.summary, t.phone, t.email]
    for key, u in w.users.items():
        u.display_name = f"用户标记{key.upper()}号"
        s.ids[f"user:{key}"] = u.id
        s.markers[f"user:{key}"] = [u.display_name]
        note = Notification(
            user_id=u.id, kind="introduction_created", params={}, link=f"/notif-marker-{key}/"
        )
        db.add(note)
        db.flush()
        s.ids[f"notification:{key}"] = note.id
        s.markers[f"notification:{key}"] = [note.link]
    org_kinds = {"general": OrgKind.general_chamber, "youth": OrgKind.youth_chamber,
                 "kejiju": OrgKind.science_bureau, "renshe": OrgKind.hrss_bureau}  # fmt: skip
    for key, kind in org_kinds.items():
        s.ids[f"org:{key}"] = orgs[kind].id
        batch = ImportBatch(
            kind="talents", organization_id=orgs[kind].id, filename=f"导入标记{key.upper()}.xlsx"
        )
        db.add(batch)
        db.flush()
        s.ids[f"import:{key}"] = batch.id
        s.markers[f"import:{key}"] = [batch.filename]
    run = MatchRun(status="succeeded", progress=100, stage="done", params={}, summary={})
    db.add(run)
    db.flush()
    s.ids["run"] = run.id
    pairs = {"general": ("general", "kejiju"), "youth": ("youth", "renshe")}
    for key, (demand, talent) in pairs.items():
        sugg = Suggestion(
            match_run_id=run.id, demand_id=w.demands[demand].id, talent_id=w.talents[talent].id,
            rank=1, score=0.8, confidence=0.9, components={}, explanation={}, is_proposed=True,
        )  # fmt: skip
        db.add(sugg)
        db.flush()
        s.ids[f"suggestion:{key}"] = sugg.id
        intro = Introduction(
            demand_id=w.demands[demand].id, talent_id=w.talents[talent].id,
            enterprise_id=w.demands[demand].enterprise_id,
            agency_id=w.talents[talent].organization_id, status="pending", score=0.8,
        )  # fmt: skip
        db.add(intro)
        db.flush()
        s.ids[f"introduction:{key}"] = intro.id
        # an introduction shows its demand and talent: their markers are in the hidden lists
    db.commit()
    return s


# What each role must not see (hidden) and must not change (protected, a superset).
HIDDEN: dict[str, list[str]] = {
    "admin": ["notification:reviewer", "notification:kejiju"],
    "reviewer": ["notification:admin", "notification:kejiju", "user:admin"],
    "chamber": ["enterprise:youth", "demand:youth", "demand:youth_draft", "talent:kejiju",
                "talent:renshe", "user:youth", "user:kejiju", "notification:youth",
                "notification:enterprise", "import:youth", "import:renshe",
                "introduction:youth", "suggestion:youth"],
    "enterprise": ["enterprise:general2", "enterprise:youth", "demand:general2", "demand:youth",
                   "demand:youth_draft", "talent:kejiju", "talent:renshe", "user:enterprise2",
                   "user:chamber", "notification:chamber", "notification:enterprise2",
                   "import:general", "import:renshe", "introduction:youth", "suggestion:youth"],
    "kejiju": ["demand:youth_draft", "talent:renshe", "user:renshe", "notification:renshe",
               "import:renshe", "import:youth", "introduction:youth", "suggestion:youth"],
}  # fmt: skip
PROTECTED: dict[str, list[str]] = {
    "admin": HIDDEN["admin"],
    "reviewer": [*HIDDEN["reviewer"], "org:youth"],
    "chamber": [*HIDDEN["chamber"], "org:youth"],
    "enterprise": [*HIDDEN["enterprise"], "org:youth"],
    "kejiju": [*HIDDEN["kejiju"], "enterprise:youth", "demand:youth", "org:renshe"],
}
# Writes whose body (not path) names the objects: the kind of those objects.
BODY_TARGET = {
    "POST /api/v1/duplicates/merges": "talent",
    "POST /duplicates/merge": "talent",
    "POST /duplicates/dismiss": "talent",
    "POST /api/v1/suggestions/bulk-review": "suggestion",
    "POST /review": "suggestion",
}
# A path parameter -> the kind of object it names.
PARAM_KIND = {
    "enterprise_id": "enterprise", "demand_id": "demand", "talent_id": "talent",
    "user_id": "user", "organization_id": "org", "import_id": "import",
    "introduction_id": "introduction", "suggestion_id": "suggestion",
    "notification_id": "notification",
}  # fmt: skip


def _target(role: str, kind: str, keys: list[str]) -> str | None:
    """The first object of this kind in the role's list (hidden or protected)."""
    return next((k for k in keys if k.startswith(f"{kind}:")), None)


def _path_kind(path: str, param: str) -> str | None:
    if param == "object_id":
        base = path.split("/")[1]
        return {"enterprises": "enterprise", "demands": "demand", "talents": "talent",
                "users": "user", "organizations": "org"}.get(base)  # fmt: skip
    return PARAM_KIND.get(param)


def _fill(s: Scene, role: str, path: str, keys: list[str]) -> str | None:
    """The path with each parameter naming another organisation's object; None when the role
    has no such object (the office sees every organisation's)."""
    out = path
    params = re.findall(r"{(\w+)}", path)
    if params and all(p in ("run_id", "merge_id", "kind") for p in params):
        return None  # runs, merges and templates belong to no organisation (role rules: elsewhere)
    for param in params:
        if param == "run_id":
            value = s.ids["run"]
        elif param in ("merge_id",):
            value = 1
        elif param == "kind":
            value = "talents"  # type: ignore[assignment]
        else:
            kind = _path_kind(path, param)
            key = _target(role, kind, keys) if kind else None
            if key is None:
                return None
            value = s.ids[key]
        out = out.replace(f"{{{param}}}", str(value))
    return out


# Filters that point at the other organisation, sent to every list.
def _foreign_query(s: Scene, role: str) -> dict[str, Any]:
    hidden = HIDDEN[role]
    q: dict[str, Any] = {}
    for name, kind in (("enterprise_id", "enterprise"), ("demand_id", "demand"),
                       ("talent_id", "talent"), ("organization_id", "org")):  # fmt: skip
        key = _target(role, kind, hidden)
        if key:
            q[name] = s.ids[key]
    q["chamber_id"] = s.ids["org:youth"]
    return q


def _body_for(path: str, s: Scene, role: str) -> Any:
    """A body that would be accepted if the target were the caller's own."""
    protected = PROTECTED[role]
    talent = _target(role, "talent", protected)
    demand = _target(role, "demand", protected)
    if path.endswith("/interest"):
        return {"interested": True}
    if path.endswith("/consent"):
        return {"consent": True, "method": "phone"}
    if path.endswith("/outcome"):
        return {"outcome": "hired"}
    if path.endswith("/reject"):
        return {"reason": "other"}
    if path.endswith("/bulk-review"):
        sugg = _target(role, "suggestion", protected) or "suggestion:youth"
        return {"action": "approve", "items": [{"id": s.ids[sugg]}]}
    if path.endswith("/duplicates/merges"):
        ids = [s.ids[k] for k in ("talent:renshe", "talent:kejiju")]
        return {"talent_ids": ids, "primary_talent_id": ids[0]} if talent else {}
    if "/users/" in path:
        return {"display_name": "越权修改", "is_active": False}
    if "/organizations/" in path:
        return {"name_zh": "越权修改"}
    if "/enterprises/" in path:
        return {"name": "越权修改有限公司"}
    if "/demands/" in path:
        return {"title": "越权修改", "headcount": 9}
    if "/talents/" in path:
        return {"name": "越权修改", "phone": "13900000000"}
    del demand
    return {}


def _form_for(path: str, csrf: str, s: Scene, role: str) -> dict[str, Any]:
    data: dict[str, Any] = {"csrf_token": csrf}
    if path.startswith("/duplicates/"):
        data["talent_ids"] = [s.ids["talent:renshe"], s.ids["talent:kejiju"]]
        data["primary_talent_id"] = s.ids["talent:renshe"]
    if path == "/review":
        sugg = _target(role, "suggestion", PROTECTED[role]) or "suggestion:youth"
        data.update({"action": "approve", "ids": s.ids[sugg]})
    if path.endswith("/edit"):
        data.update({"name": "越权修改", "title": "越权修改", "display_name": "越权修改",
                     "name_zh": "越权修改"})  # fmt: skip
    return data


# --- the protected rows, as the database holds them ------------------------------------------

OWNERS = {  # table -> (kind of the row's own id, [(column, kind it points to)])
    "enterprises": ("enterprise", [("chamber_id", "org")]),
    "demands": ("demand", [("enterprise_id", "enterprise")]),
    "talents": ("talent", [("organization_id", "org")]),
    "users": ("user", [("organization_id", "org")]),
    "organizations": ("org", []),
    "import_batches": ("import", [("organization_id", "org")]),
    "introductions": ("introduction", [("demand_id", "demand"), ("talent_id", "talent")]),
    "notifications": ("notification", [("user_id", "user")]),
    "suggestions": ("suggestion", [("demand_id", "demand"), ("talent_id", "talent")]),
}


def snapshot(db: Session, s: Scene, keys: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row that is, or belongs to, one of these objects (new rows included)."""
    by_kind: dict[str, set[int]] = {}
    for key in keys:
        by_kind.setdefault(key.split(":")[0], set()).add(s.ids[key])
    out = {}
    for table, (kind, refs) in OWNERS.items():
        conds = [(f"id IN ({','.join(map(str, by_kind[kind]))})")] if kind in by_kind else []
        for column, ref_kind in refs:
            if (ref_kind in by_kind and ref_kind != "org") or (ref_kind == "org" and kind != "org"):
                ids = by_kind.get(ref_kind)
                if ids:
                    conds.append(f"{column} IN ({','.join(map(str, ids))})")
        if conds:
            rows = db.execute(text(f"SELECT * FROM {table} WHERE {' OR '.join(conds)} ORDER BY id"))
            out[table] = [tuple(r) for r in rows]
    return out


# --- the sweep ---------------------------------------------------------------------------------


def _normalise(body: str) -> str:
    body = re.sub(r'name="csrf_token" value="[^"]+"', "", body)
    body = re.sub(r'content="[A-Za-z0-9_-]{30,}"', "", body)  # a csrf meta tag
    return re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?Z?", "<time>", body)


def _leaks(body: str, s: Scene, keys: list[str]) -> list[str]:
    return [m for k in keys for m in s.markers.get(k, []) if m and m in body]


def _add_more_hidden(db: Session, s: Scene, role: str) -> None:
    """More objects of the other organisations: no list, count or page may change."""
    w = s.world
    youth, renshe = w.orgs[OrgKind.youth_chamber], w.orgs[OrgKind.hrss_bureau]
    general = w.orgs[OrgKind.general_chamber]
    if role in ("chamber", "enterprise"):
        e = make_enterprise(db, youth, name="后加企业标记", credit_code=credit_code(990001))
        make_demand(db, e, title="后加需求标记")
        make_talent(db, renshe, name="后加人才标记", summary="后加人才标记")
    if role == "enterprise":
        e = make_enterprise(db, general, name="同会他企标记", credit_code=credit_code(990002))
        make_demand(db, e, title="同会他企需求标记")
    if role == "kejiju":
        make_talent(db, renshe, name="后加人才标记", summary="后加人才标记")
        make_demand(db, w.enterprises["youth"], title="后加草稿标记", status="draft")
    for key, user in w.users.items():
        if f"user:{key}" in HIDDEN[role] or f"notification:{key}" in HIDDEN[role]:
            db.add(Notification(user_id=user.id, kind="introduction_created", params={},
                                link="/later-marker"))  # fmt: skip
    db.commit()


@pytest.fixture
def scene(db: Session) -> Scene:
    return _scene(db)


@pytest.mark.parametrize("role", ROLES)
def test_no_route_reads_counts_or_changes_another_organisations_data(
    app: Any, client: TestClient, db: Session, scene: Scene, role: str
) -> None:
    s, user = scene, scene.world.users[role]
    api = token_headers(client, user)
    page_login(client, user)  # the same client carries the page session
    csrf = csrf_from(client.get("/").text)
    hidden, protected = HIDDEN[role], PROTECTED[role]
    query = _foreign_query(s, role)
    failures: list[str] = []
    lists: dict[str, tuple[str, dict[str, Any], str]] = {}
    before = snapshot(db, s, protected)

    def send(method: str, url: str, body: Any = None, form: Any = None) -> Any:
        is_api = url.startswith("/api/")
        response = client.request(
            method, url, headers=api if is_api else None,
            json=body if is_api and method != "GET" else None,
            data=form if not is_api and method == "POST" else None,
            follow_redirects=False,
        )  # fmt: skip
        db.rollback()  # a refused write leaves no failed transaction behind
        return response

    for route in app_routes(app):
        method, path = route.split(" ", 1)
        rule = RULES.get(route)
        if rule is None or path in LOGOUTS or (rule == PUBLIC and method == "POST"):
            continue  # a missing rule fails test_every_route_has_a_rule; logins elsewhere
        if rule == PUBLISHED:
            r = send("GET", path)
            leaked = _leaks(r.text, s, [k for k in hidden if k.split(":")[0] not in (
                "enterprise", "demand") or k.endswith("_draft")])  # fmt: skip
            if r.status_code >= 500 or leaked:
                failures.append(f"{route} ({r.status_code}) shows hidden data: {leaked}")
            continue
        if rule in (LIST, DIRECTORY, PUBLIC) and method == "GET":
            url = _fill(s, role, path, hidden if rule != DIRECTORY else protected)
            if url is None:
                continue
            params = query if rule == LIST else {}
            r = send("GET", url + ("?" + "&".join(f"{k}={v}" for k, v in params.items())
                                   if params else ""))  # fmt: skip
            if r.status_code >= 500:
                failures.append(f"{route}: {r.status_code}")
            leaked = _leaks(r.text, s, hidden)
            if leaked:
                failures.append(f"{route} ({r.status_code}) shows hidden data: {leaked}")
            if (
                rule == LIST
                and r.status_code == 200
                and "spreadsheet" not in r.headers.get("content-type", "")
            ):
                lists[route] = (url, params, _normalise(r.text))
        elif rule == READ:
            url = _fill(s, role, path, hidden)
            if url is None:
                continue  # the role sees this kind of object everywhere (the office)
            r = send("GET", url)
            if r.status_code not in (403, 404):
                failures.append(f"{route} on a hidden object answered {r.status_code}")
            leaked = _leaks(r.text, s, hidden)
            if leaked:
                failures.append(f"{route} ({r.status_code}) shows hidden data: {leaked}")
        elif rule in (WRITE, OWN) or method != "GET":
            url = _fill(s, role, path, protected) if rule == WRITE else path
            if url is None:
                continue
            body_kind = BODY_TARGET.get(route)
            if body_kind and _target(role, body_kind, protected) is None:
                continue  # the body names objects the role may change (the office's)
            if rule == OWN and "{" in url:
                url = _fill(s, role, path, protected) or url
            r = send(
                method, url, body=_body_for(path, s, role), form=_form_for(path, csrf, s, role)
            )
            if r.status_code >= 500:
                failures.append(f"{route}: {r.status_code}")
            if rule == WRITE and (r.status_code < 300 or r.status_code == 303):
                failures.append(f"{route} aimed at another organisation answered {r.status_code}")
            if r.status_code == 403 and CSRF_REFUSED in r.text:
                failures.append(f"{route}: the sweep's CSRF token was refused; nothing checked")
            after = snapshot(db, s, protected)
            if after != before:
                changed = [t for t in after if after[t] != before.get(t)]
                failures.append(f"{route} changed another organisation's rows in {changed}")
                before = after

    # Counts: more hidden objects change none of the lists, totals and dashboards.
    def fetch(url: str, params: dict[str, Any]) -> str:
        r = client.get(url, params=params, headers=api if url.startswith("/api/") else None)
        return _normalise(r.text)

    seen = {route: fetch(url, params) for route, (url, params, _) in lists.items()}
    _add_more_hidden(db, s, role)
    for route, (url, params, _) in lists.items():
        now = fetch(url, params)
        if now != seen[route]:
            was = seen[route]
            at = next((i for i, (a, b) in enumerate(zip(now, was, strict=False)) if a != b), 0)
            failures.append(
                f"{route} changed when the other organisation's data grew: "
                f"{was[max(0, at - 80) : at + 80]!r} -> {now[max(0, at - 80) : at + 80]!r}"
            )
    assert not failures, "\n".join(failures)


def test_sweep_would_catch_a_leak(client: TestClient, db: Session, scene: Scene) -> None:
    """The checks can fail: the office, which sees every organisation, trips the markers."""
    headers = token_headers(client, scene.world.users["admin"])
    body = client.get(f"/api/v1/talents/{scene.ids['talent:renshe']}", headers=headers).text
    assert _leaks(body, scene, HIDDEN["kejiju"])
