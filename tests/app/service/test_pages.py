"""Pages as a clerk sees them: login, each role's home, lists, details, zh and en."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.app.helpers import csrf_from, page_login
from tests.factories import PASSWORD, World, make_world


@pytest.fixture
def world(db: Session) -> World:
    return make_world(db)


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_pages_need_login(client: TestClient) -> None:
    response = client.get("/talents", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Ftalents"


def test_login_page_is_chinese_with_english_switch(client: TestClient) -> None:
    page = soup(client.get("/login").text)
    assert page.html["lang"] == "zh-CN"
    assert page.h1.get_text(strip=True) == "登录人才超市"
    switch = page.find("a", string="English")
    assert switch is not None
    assert "lang=en" in switch["href"]
    english = soup(client.get(switch["href"]).text)
    assert english.html["lang"] == "en"
    assert english.h1.get_text(strip=True) == "Log in to the Talent Supermarket"
    # The choice sticks (cookie) for the next page.
    assert soup(client.get("/login").text).html["lang"] == "en"


def test_wrong_password_keeps_username_and_says_why(client: TestClient, world: World) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": world.users["kejiju"].username,
            "password": "wrong",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 400
    html = soup(response.text)
    assert "用户名或密码错误" in html.get_text()
    assert html.select_one("#f-username")["value"] == world.users["kejiju"].username


HOME_EXPECTATIONS = {
    # role: (nav entries that must be there, nav entries that must not)
    "admin": ({"企业", "需求", "人才", "机构", "用户", "操作日志"}, set()),
    "reviewer": ({"企业", "需求", "人才", "机构"}, {"用户"}),
    "chamber": ({"企业", "需求"}, {"人才", "机构"}),
    "enterprise": ({"企业", "需求"}, {"人才", "机构"}),
    "kejiju": ({"需求", "人才"}, {"企业", "机构"}),
}


@pytest.mark.parametrize("role", list(HOME_EXPECTATIONS))
def test_home_per_role(client: TestClient, world: World, role: str) -> None:
    page_login(client, world.users[role])
    page = soup(client.get("/").text)
    nav = {a.get_text(strip=True) for a in page.select("nav .nav a")}
    present, absent = HOME_EXPECTATIONS[role]
    assert present <= nav
    assert not (absent & nav)
    assert world.users[role].display_name in page.get_text()


def test_agency_home_counts_only_its_talents(client: TestClient, world: World) -> None:
    page_login(client, world.users["kejiju"])
    cards = {
        c.select_one(".muted").get_text(strip=True): c.select_one(".stat").get_text()
        for c in soup(client.get("/").text).select(".card")
    }
    assert cards["可推荐人才"] == "1"
    assert cards["招募中的需求"] == "3"


def test_chamber_list_shows_only_its_members_in_both_languages(
    client: TestClient, world: World
) -> None:
    page_login(client, world.users["youth"])
    zh = soup(client.get("/enterprises").text)
    names = [a.get_text(strip=True) for a in zh.select("tbody td a")]
    assert names == [world.enterprises["youth"].name]
    assert "共 1 条" in zh.get_text()
    en = soup(client.get("/enterprises?lang=en").text)
    assert "1 in all" in en.get_text()
    assert en.select_one("th").get_text(strip=True) == "Name"


def test_detail_outside_scope_is_404_page(client: TestClient, world: World) -> None:
    page_login(client, world.users["kejiju"])
    response = client.get(f"/talents/{world.talents['renshe'].id}")
    assert response.status_code == 404
    assert "找不到该内容" in response.text
    assert world.talents["renshe"].name not in response.text


def test_list_filters_survive_paging(client: TestClient, db: Session, world: World) -> None:
    from tests.factories import make_talent

    for i in range(25):
        make_talent(db, world.talents["kejiju"].organization, name=f"王{i}", education="doctor")
    page_login(client, world.users["kejiju"])
    first = soup(client.get("/talents?education=doctor").text)
    assert "共 25 条" in first.get_text()
    next_link = first.select_one("a[rel=next]")["href"]
    assert "education=doctor" in next_link
    assert "offset=20" in next_link
    second = soup(client.get(next_link).text)
    assert len(second.select("tbody tr")) == 5
    assert second.select_one("#f-education option[selected]")["value"] == "doctor"


def test_edit_form_is_prefilled_and_saves(client: TestClient, db: Session, world: World) -> None:
    demand = world.demands["general"]
    page_login(client, world.users["enterprise"])
    form = soup(client.get(f"/demands/{demand.id}/edit").text)
    assert form.select_one("#f-title")["value"] == demand.title
    assert form.select_one("#f-required_skills")["value"] == "Python，SQL"
    data = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
    data.update(
        {
            s["name"]: (s.select_one("option[selected]") or {}).get("value", "")
            for s in form.select("select[name]")
        }
    )
    data["description"] = form.select_one("#f-description").get_text()
    data["headcount"] = "4"
    data.pop("overseas_required", None)
    response = client.post(f"/demands/{demand.id}/edit", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    db.refresh(demand)
    assert demand.headcount == 4
    assert demand.required_skills == ["Python", "SQL"]


def test_logout_ends_the_session(client: TestClient, world: World) -> None:
    page_login(client, world.users["kejiju"])
    home = client.get("/")
    response = client.post(
        "/logout", data={"csrf_token": csrf_from(home.text)}, follow_redirects=False
    )
    assert response.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_login_issues_a_new_session(client: TestClient, world: World) -> None:
    page = client.get("/login")
    planted = client.cookies.get("ts_session")
    token = csrf_from(page.text)
    client.post(
        "/login",
        data={
            "username": world.users["kejiju"].username,
            "password": PASSWORD,
            "csrf_token": token,
        },
    )
    assert client.cookies.get("ts_session") != planted
    assert csrf_from(client.get("/").text) != token


def test_login_is_rate_limited(client: TestClient, world: World) -> None:
    user = world.users["renshe"].username
    statuses = []
    for _ in range(12):
        response = client.post("/api/v1/auth/token", data={"username": user, "password": "bad"})
        statuses.append(response.status_code)
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]
    assert "秒后再试" in response.json()["message"]
    # Even the right password waits until the window passes.
    right = client.post("/api/v1/auth/token", data={"username": user, "password": PASSWORD})
    assert right.status_code == 429


def test_security_headers(client: TestClient) -> None:
    response = client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    cookie = response.headers["set-cookie"]
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()


def test_api_docs_are_served_locally(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert "http" not in docs.text.replace("http-equiv", "")  # no CDN
    assert client.get("/swagger-ui/swagger-ui-bundle.js").status_code == 200
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/v1/organizations",
        "/api/v1/enterprises",
        "/api/v1/demands",
        "/api/v1/talents",
        "/api/v1/auth/token",
    ):
        assert path in spec["paths"]


def test_user_text_is_escaped(client: TestClient, db: Session, world: World) -> None:
    talent = world.talents["kejiju"]
    talent.summary = "<script>alert(1)</script>"
    db.flush()
    page_login(client, world.users["kejiju"])
    html = client.get(f"/talents/{talent.id}").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
