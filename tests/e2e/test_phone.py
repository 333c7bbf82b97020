"""The pages on a phone: at 390 px, for every role, every list and table page keeps each cell's
column label and is no wider than the screen; the menu folds behind one button. Screenshots of
each role's main pages at 390 and 1280 px, in Chinese and English, are saved under
test-artifacts/ (``screens_<role>_<locale>_<width>_<page>.png``)."""

from __future__ import annotations

import time
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.demo import load_demo

DEMO_PASSWORD = "talent-demo"

# {run}, {demand}, {talent} and {intro} are filled from the demo city after a match run.
ROLE_PAGES: dict[str, list[str]] = {
    "office": [
        "/",
        "/organizations",
        "/users",
        "/enterprises",
        "/demands",
        "/demands/{demand}",
        "/talents",
        "/search/talents?q=工程师",
        "/search/demands?q=工程师",
        "/match-runs",
        "/match-runs/{run}",
        "/match-runs/{run}/demands/{demand}",
        "/match-runs/{run}/talents/{talent}",
        "/review",
        "/introductions",
        "/introductions/{intro}",
        "/dispatches",
        "/duplicates",
        "/dashboards",
        "/audit",
        "/notifications",
        "/imports",
        "/public-interests",
    ],
    "reviewer": ["/", "/review", "/introductions", "/dashboards", "/match-runs"],
    "chamber": ["/", "/enterprises", "/demands", "/introductions", "/search/demands?q=工程师"],
    "enterprise": ["/", "/demands", "/introductions", "/introductions/{intro}"],
    "kejiju": ["/", "/talents", "/dispatches", "/introductions", "/search/talents?q=工程师"],
    "renshe": ["/", "/public-interests", "/talents"],
}
# The pages whose screenshots are kept at both widths and in both languages.
SHOWN = {"/", "/introductions/{intro}", "/dashboards", "/audit", "/dispatches", "/review"}

# Body cells of tables with a header row that carry no label, and the page's width overflow.
CHECK = """() => {
  const bare = [];
  for (const table of document.querySelectorAll('table')) {
    if (!table.tHead) continue;
    for (const body of table.tBodies) for (const row of body.rows) for (const cell of row.cells) {
      const text = cell.textContent.trim();
      if (text && !cell.dataset.label) bare.push(text.slice(0, 30));
    }
  }
  return {bare: bare.slice(0, 5), bareCount: bare.length,
          width: document.documentElement.scrollWidth, screen: window.innerWidth};
}"""


def _api(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    token = client.post(
        "/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
    ).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def _demo_city(served: Any) -> dict[str, int]:
    """The demo city with one finished match run and one approved suggestion."""
    with served.live.session() as s:
        load_demo(s, id_key=served.live.settings.id_hash_key.get_secret_value())
        s.commit()
    with closing(_api(served.url, "office")) as office:
        run = office.post("/api/v1/match-runs", json={}).json()
        deadline = time.monotonic() + 120
        while run["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, run
            time.sleep(0.5)
            run = office.get(f"/api/v1/match-runs/{run['id']}").json()
        assert run["status"] == "succeeded", run
        suggestion = office.get(
            "/api/v1/suggestions",
            params={"match_run_id": run["id"], "is_proposed": True, "limit": 1},
        ).json()["items"][0]
        approved = office.post(f"/api/v1/suggestions/{suggestion['id']}/approve", json={})
        assert approved.status_code == 200, approved.text
        intro = office.get("/api/v1/introductions", params={"limit": 1}).json()["items"][0]
    return {
        "run": run["id"],
        "demand": suggestion["demand_id"],
        "talent": suggestion["talent_id"],
        "intro": intro["id"],
    }


def _enterprise_of(served: Any, intro_id: int) -> str:
    """The demo login that belongs to the introduced demand's enterprise, if any."""
    with closing(_api(served.url, "office")) as office:
        intro = office.get(f"/api/v1/introductions/{intro_id}").json()
        demand = office.get(f"/api/v1/demands/{intro['demand_id']}").json()
        users = office.get("/api/v1/users", params={"limit": 100}).json()["items"]
    for user in users:
        if user.get("enterprise_id") == demand["enterprise_id"]:
            return str(user["username"])
    return "enterprise"


@pytest.mark.slow
def test_every_table_page_fits_a_phone_and_labels_every_cell(
    browser: Any, served: Any, artifacts_dir: Path
) -> None:
    ids = _demo_city(served)
    logins = {
        "office": "office",
        "reviewer": "reviewer",
        "chamber": "chamber",
        "enterprise": _enterprise_of(served, ids["intro"]),
        "kejiju": "kejiju",
        "renshe": "renshe",
    }
    problems: dict[str, Any] = {}
    for role, paths in ROLE_PAGES.items():
        for locale in ("zh", "en"):
            for width in (390, 1280):
                if width == 1280 and locale == "en" and role not in ("office", "enterprise"):
                    continue
                context = browser.new_context(viewport={"width": width, "height": 844})
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                page.goto(f"{served.url}/login?lang={locale}")
                page.fill("#f-username", logins[role])
                page.fill("#f-password", DEMO_PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state()
                for raw in paths if width == 390 else [p for p in paths if p in SHOWN]:
                    path = raw.format(**ids)
                    sep = "&" if "?" in path else "?"
                    response = page.goto(f"{served.url}{path}{sep}lang={locale}")
                    key = f"{role} {locale} {width} {path}"
                    if response is None or response.status >= 400:
                        # an enterprise sees only its own introductions: a 404 elsewhere is right
                        if not (role != "office" and "{intro}" in raw):
                            problems[key] = f"status {response.status if response else None}"
                        continue
                    found = page.evaluate(CHECK)
                    if width == 390 and (found["bareCount"] or found["width"] > found["screen"]):
                        problems[key] = found
                    if raw in SHOWN:
                        label = raw.strip("/").replace("/", "_").replace("{", "").replace("}", "")
                        page.screenshot(
                            path=str(
                                artifacts_dir
                                / f"screens_{role}_{locale}_{width}_{label or 'home'}.png"
                            ),
                            full_page=False,
                        )
                if width == 390:
                    # the menu folds behind its button and opens with it
                    page.goto(f"{served.url}/?lang={locale}")
                    assert not page.is_visible("#main-nav"), key
                    page.click(".nav-toggle")
                    assert page.is_visible("#main-nav"), key
                assert errors == [], (role, errors)
                context.close()
    assert problems == {}
