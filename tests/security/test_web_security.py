"""Login throttling, session fixation, CSRF on every form, cookie flags, security headers, error
bodies without secrets, and hostile text rendered inert.

Extends tests/app/service/test_pages.py (one form without CSRF, the API token throttle, headers
of the login page, one escaped summary): here every form, every kind of response, both cookie
modes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.accounts.service import end_sign_ins
from app.config import Settings
from app.context import context_of
from app.db import get_session
from app.i18n import translate
from app.main import create_app
from app.security import auth_fingerprint
from tests.app.helpers import csrf_from, page_login
from tests.app.imports.test_imports import TALENT_HEADER, XLSX, talent_rows, xlsx
from tests.factories import PASSWORD, World
from tests.security.conftest import committed_world
from tests.security.test_idor_sweep import app_routes

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
TABLES = ["enterprises", "demands", "talents", "users", "organizations", "import_batches",
          "introductions", "notifications", "suggestions", "match_runs"]  # fmt: skip


@pytest.fixture
def world(db: Session) -> World:
    return committed_world(db)


def _dump(db: Session) -> dict[str, list[tuple[Any, ...]]]:
    return {
        t: [tuple(r) for r in db.execute(text(f"SELECT * FROM {t} ORDER BY id"))] for t in TABLES
    }


def _fill_ids(path: str, world: World) -> str:
    ids = {
        "enterprises": world.enterprises["general"].id, "demands": world.demands["general"].id,
        "talents": world.talents["kejiju"].id, "users": world.users["kejiju"].id,
        "organizations": world.orgs[next(iter(world.orgs))].id,
    }  # fmt: skip
    base = path.split("/")[1]
    return re.sub(r"{\w+}", str(ids.get(base, 1)), path)


# --- CSRF: every form ------------------------------------------------------------------------


def test_every_form_refuses_a_missing_or_wrong_csrf_token(
    app: Any, client: TestClient, db: Session, world: World
) -> None:
    forms = [r.split(" ", 1)[1] for r in app_routes(app) if r.startswith("POST /")]
    forms = [p for p in forms if not p.startswith("/api/")]
    assert len(forms) > 20  # every POST page route, found from the app itself
    page_login(client, world.users["admin"])
    real = csrf_from(client.get("/").text)
    refused = translate("error.csrf_failed", "zh")
    before = _dump(db)
    failures = []
    for path in forms:
        url = _fill_ids(path, world)
        for token in (None, "forged-" + real[:10], ""):
            data = {"name": "改名", "title": "改名"} | (
                {"csrf_token": token} if token is not None else {}
            )
            r = client.post(url, data=data, follow_redirects=False)
            db.rollback()
            ok = r.status_code in (400, 403) and refused in r.text
            if not ok:
                failures.append(f"POST {path} with csrf_token={token!r}: {r.status_code}")
    assert not failures, "\n".join(failures)
    assert _dump(db) == before  # nothing was written by any of them
    assert client.get("/", follow_redirects=False).status_code == 200  # still logged in


def test_api_write_with_the_session_cookie_needs_the_csrf_header(
    client: TestClient, db: Session, world: World
) -> None:
    page_login(client, world.users["kejiju"])
    talent = world.talents["kejiju"]
    url = f"/api/v1/talents/{talent.id}"
    r = client.patch(url, json={"name": "改名"})
    assert r.status_code == 403
    assert r.json()["code"] == "csrf_failed"
    r = client.patch(url, json={"name": "改名"}, headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    assert db.scalar(text("SELECT name FROM talents WHERE id = :i"), {"i": talent.id}) == "李明"


# --- login: throttling and session fixation ---------------------------------------------------


def test_login_form_is_rate_limited_too(client: TestClient, world: World) -> None:
    user = world.users["chamber"].username
    statuses = []
    for _ in range(11):
        token = csrf_from(client.get("/login").text)
        r = client.post("/login", data={"username": user, "password": "wrong", "csrf_token": token})
        statuses.append(r.status_code)
    assert statuses == [400] * 10 + [429]
    assert "秒后再试" in BeautifulSoup(r.text, "html.parser").get_text()
    token = csrf_from(client.get("/login").text)
    right = client.post(
        "/login",
        data={"username": user, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert right.status_code == 429  # the right password waits as well
    assert "ts_session" not in (right.headers.get("set-cookie") or "") or "uid" not in right.text


def test_throttled_api_login_says_when_to_retry(client: TestClient, world: World) -> None:
    for _ in range(10):
        client.post("/api/v1/auth/token", data={"username": "nobody", "password": "x"})
    r = client.post("/api/v1/auth/token", data={"username": "nobody", "password": "x"})
    assert r.status_code == 429
    assert 0 < int(r.headers["retry-after"]) <= 300


def test_a_planted_session_cookie_is_replaced_and_worthless(
    client: TestClient, world: World
) -> None:
    page = client.get("/login")
    planted = client.cookies.get("ts_session")
    assert planted
    page_login(client, world.users["kejiju"])
    assert client.cookies.get("ts_session") != planted
    # The attacker who planted the pre-login cookie is not logged in with it.
    attacker = TestClient(client.app, raise_server_exceptions=False)
    attacker.cookies.set("ts_session", planted)
    assert attacker.get("/", follow_redirects=False).status_code == 303
    assert csrf_from(client.get("/").text) != csrf_from(page.text)


def test_logging_out_revokes_the_session_cookie_everywhere(
    client: TestClient, db: Session, world: World
) -> None:
    user = world.users["kejiju"]
    page_login(client, user)
    copied = client.cookies.get("ts_session")
    other_tab = TestClient(client.app, raise_server_exceptions=False)
    other_tab.cookies.set("ts_session", copied)
    assert other_tab.get("/", follow_redirects=False).status_code == 200
    home = client.get("/")
    out = client.post("/logout", data={"csrf_token": csrf_from(home.text)}, follow_redirects=False)
    assert out.status_code == 303
    # The cookie copied before logging out signs nobody in, on pages or the API.
    assert other_tab.get("/", follow_redirects=False).status_code == 303
    assert other_tab.get("/api/v1/me").status_code == 401
    # Logging in again works, and does not revive the old cookie.
    page_login(client, user)
    assert client.get("/", follow_redirects=False).status_code == 200
    assert other_tab.get("/", follow_redirects=False).status_code == 303
    # Other sessions of the same user are not touched by one logout.
    second = TestClient(client.app, raise_server_exceptions=False)
    page_login(second, user)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    assert second.get("/", follow_redirects=False).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/talents", "/demands", "/introductions", "/match-runs", "/notifications", "/review",
     "/dispatches", "/public-interests", "/public/demands"],
)  # fmt: skip
@pytest.mark.parametrize("number", ["²", "٣", "9" * 5000, "-1", "1e3"])
def test_odd_numbers_in_the_url_are_ignored_not_500(
    client: TestClient, world: World, path: str, number: str
) -> None:
    page_login(client, world.users["admin"])
    response = client.get(path, params={"offset": number, "organization_id": number})
    assert response.status_code == 200, (path, number)


def _signed_session(app: Any, data: dict[str, Any]) -> str:
    """A session cookie as the app itself would sign it (Starlette's SessionMiddleware)."""
    import base64
    import json

    from itsdangerous import TimestampSigner

    secret = context_of(app).settings.secret_key.get_secret_value()
    payload = base64.b64encode(json.dumps(data).encode())
    return TimestampSigner(secret).sign(payload).decode()


def test_a_session_lives_no_longer_than_its_lifetime_from_login(
    client: TestClient, world: World
) -> None:
    import time

    app: Any = client.app
    user = world.users["kejiju"]
    max_age = context_of(app).settings.session_max_age_s
    base = {"uid": user.id, "ak": auth_fingerprint(user.auth_secret), "sid": "s" * 43, "csrf": "c"}
    fresh = TestClient(app, raise_server_exceptions=False)
    fresh.cookies.set("ts_session", _signed_session(app, base | {"iat": int(time.time())}))
    assert fresh.get("/", follow_redirects=False).status_code == 200
    # Re-signed on every change, the cookie itself stays young; the login time does not.
    old = TestClient(app, raise_server_exceptions=False)
    stale = base | {"iat": int(time.time()) - max_age - 5}
    old.cookies.set("ts_session", _signed_session(app, stale))
    assert old.get("/", follow_redirects=False).status_code == 303
    # A cookie from before sessions had ids and login times signs nobody in either.
    legacy = TestClient(app, raise_server_exceptions=False)
    legacy.cookies.set("ts_session", _signed_session(app, {"uid": user.id, "av": 1}))
    assert legacy.get("/", follow_redirects=False).status_code == 303


def test_deactivated_user_loses_the_session_and_the_token(
    client: TestClient, db: Session, world: World
) -> None:
    user = world.users["renshe"]
    token = client.post(
        "/api/v1/auth/token", data={"username": user.username, "password": PASSWORD}
    ).json()["access_token"]
    page_login(client, user)
    end_sign_ins(db, user)  # what deactivation and a password change do
    db.commit()
    assert client.get("/", follow_redirects=False).status_code == 303
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401


# --- cookies and headers ----------------------------------------------------------------------


@pytest.fixture
def secure_client(settings: Settings, engine: Any, db: Session) -> Any:
    app = create_app(settings.model_copy(update={"secure_cookies": True}), engine=engine,
                     background=False)  # fmt: skip
    app.dependency_overrides[get_session] = lambda: db
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
        yield c


def _cookies(response: Any) -> dict[str, str]:
    return {h.split("=", 1)[0]: h.lower() for h in response.headers.get_list("set-cookie")}


def test_cookies_are_httponly_samesite_and_secure_when_configured(
    client: TestClient, secure_client: TestClient
) -> None:
    plain = _cookies(client.get("/login?lang=en"))
    assert "httponly" in plain["ts_session"]
    assert "samesite=lax" in plain["ts_session"]
    assert "secure" not in plain["ts_session"]  # SECURE_COOKIES=false: local http works
    secure = _cookies(secure_client.get("/login?lang=en"))
    for name in ("ts_session", "lang"):
        assert "; secure" in secure[name], name
        assert "samesite=lax" in secure[name], name
    assert "httponly" in secure["ts_session"]


@pytest.mark.parametrize(
    "path",
    ["/login", "/api/v1/organizations", "/no-such-page", "/api/v1/no-such", "/healthz",
     "/static/app.css", "/docs", "/openapi.json"],
)  # fmt: skip
def test_every_kind_of_response_has_the_security_headers(client: TestClient, path: str) -> None:
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    script_src = re.search(r"script-src ([^;]*)", csp)
    assert script_src
    assert "'unsafe-inline'" not in script_src.group(1)
    assert "'unsafe-eval'" not in script_src.group(1)
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_pages_have_no_inline_scripts_or_handlers(client: TestClient, world: World) -> None:
    page_login(client, world.users["admin"])
    for path in ("/", "/talents", "/demands/new", "/docs", "/login"):
        soup = BeautifulSoup(client.get(path).text, "html.parser")
        for script in soup.find_all("script"):
            assert script.get("src"), f"inline script on {path}"
        handlers = [a for tag in soup.find_all(True) for a in tag.attrs if a.startswith("on")]
        assert not handlers, f"inline event handlers on {path}: {handlers}"


# --- error bodies -----------------------------------------------------------------------------


def test_errors_leak_no_secrets_or_stack_traces(
    app: Any, client: TestClient, settings: Settings, world: World
) -> None:
    @app.get("/api/v1/test-boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError(f"boom {settings.secret_key.get_secret_value()} {settings.database_url}")

    @app.get("/test-boom-page", include_in_schema=False)
    def boom_page() -> None:
        raise RuntimeError("page boom")

    headers = {"Authorization": "Bearer not-a-token"}
    responses = [
        client.get("/api/v1/test-boom"),
        client.get("/test-boom-page"),
        client.get("/api/v1/talents/abc", headers=headers),
        client.get("/api/v1/talents", headers=headers),
        client.post("/api/v1/auth/token", content=b"\xff\xfe", headers={"Content-Type": "x/y"}),
        client.post("/api/v1/demands", content=b'{"a":', headers=headers),
        client.get("/api/v1/users/99999999999999999999999"),
        client.delete("/healthz"),
        client.get("/talents/%00"),
    ]
    secrets = [settings.secret_key.get_secret_value(), settings.id_hash_key.get_secret_value(),
               settings.database_url, str(settings.data_dir), "Traceback", 'File "', "sqlalchemy",
               "RuntimeError", "page boom"]  # fmt: skip
    for r in responses:
        for secret in secrets:
            assert secret not in r.text, (r.request.url, r.status_code, secret)
    assert responses[0].status_code == 500
    assert responses[0].json()["code"] == "internal_error"
    assert responses[1].status_code == 500


def test_huge_ids_and_undecodable_bodies_are_422_not_500(
    client: TestClient, db: Session, world: World
) -> None:
    page_login(client, world.users["admin"])
    headers = {"X-CSRF-Token": csrf_from(client.get("/").text)}
    huge = 2**70
    for method, url, body in (
        ("GET", f"/api/v1/talents/{huge}", None),
        ("GET", f"/api/v1/users?organization_id={huge}", None),
        ("PATCH", f"/api/v1/organizations/{huge}", {"name_zh": "x"}),
    ):
        r = client.request(method, url, json=body, headers=headers)
        db.rollback()  # PostgreSQL refused the value: each request has its own session in service
        assert r.status_code in (404, 422), r.text
        assert r.json()["ok"] is False
    r = client.patch(
        f"/api/v1/talents/{world.talents['kejiju'].id}",
        content=b"\xff\xfe\x00",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "body"


# --- hostile text and uploads are inert --------------------------------------------------------


def test_hostile_text_is_escaped_on_every_page_that_shows_it(
    client: TestClient, db: Session, world: World
) -> None:
    world.enterprises["general"].name = XSS
    world.demands["general"].title = XSS
    world.talents["kejiju"].name = XSS
    world.talents["kejiju"].skills = [XSS]
    db.commit()
    page_login(client, world.users["admin"])
    pages = ["/enterprises", f"/enterprises/{world.enterprises['general'].id}",
             f"/enterprises/{world.enterprises['general'].id}/edit", "/demands",
             f"/demands/{world.demands['general'].id}", "/talents",
             f"/talents/{world.talents['kejiju'].id}",
             f"/talents/{world.talents['kejiju'].id}/edit", "/demands/new"]  # fmt: skip
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, path
        assert "<script>alert" not in r.text, path
        assert "<img src=x" not in r.text, path
        soup = BeautifulSoup(r.text, "html.parser")
        assert not soup.find("img", src="x"), path
        assert all(s.get("src") for s in soup.find_all("script")), path
    assert "&lt;script&gt;" in client.get("/enterprises").text


def test_uploaded_spreadsheet_with_markup_is_shown_inert(client: TestClient, world: World) -> None:
    page_login(client, world.users["kejiju"])
    page = client.get("/imports")
    rows = talent_rows(2)
    rows[0][1] = XSS  # the name
    rows[1][8] = XSS  # a bad e-mail: shown back in the error list
    r = client.post(
        "/imports",
        data={"csrf_token": csrf_from(page.text), "kind": "talents"},
        files={"file": ("<script>x</script>.xlsx", xlsx([TALENT_HEADER, *rows]), XLSX)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    preview = client.get(r.headers["location"])
    assert preview.status_code == 200
    assert "<script>alert" not in preview.text
    assert "<script>x</script>" not in preview.text
    soup = BeautifulSoup(preview.text, "html.parser")
    assert not soup.find("img", src="x")
    assert all(s.get("src") for s in soup.find_all("script"))
