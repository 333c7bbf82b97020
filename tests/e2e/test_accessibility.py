"""Accessibility in a real browser: axe-core (npm, run inside each page) finds no serious or
critical violation on the main pages, and the login and a form work from the keyboard alone."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Pages
from tests.factories import PASSWORD, make_world

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

PAGES = {
    "office": [
        "/",
        "/enterprises",
        "/demands",
        "/talents",
        "/talents/new",
        "/search/talents?q=数据",
        "/match-runs",
        "/matching/weights",
        "/review",
        "/introductions",
        "/imports",
        "/duplicates",
        "/dispatches",
        "/dashboards",
        "/notifications",
    ],
    "chamber": ["/", "/enterprises/new", "/demands/new", "/search/demands?q=工程师"],
    "kejiju": ["/", "/talents", "/search/talents?q=Python", "/imports", "/dispatches"],
    "renshe": ["/public-interests", "/public-interests?status=accepted"],
}


@pytest.fixture
def axe() -> str:
    if not AXE.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but no axe-core at {AXE}: run scripts/meili_install.sh")
        pytest.skip("axe-core not installed (npm ci)")
    return AXE.read_text(encoding="utf-8")


def _violations(pages: Pages, axe: str) -> list[str]:
    pages.page.add_script_tag(content=axe)
    result = pages.page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][:3]}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_main_pages_have_no_serious_accessibility_violations(
    browser: Any, served: Any, artifacts_dir: Path, axe: str, locale: str
) -> None:
    w = make_world_committed(served.live)
    users = {"office": w.users["admin"], "chamber": w.users["chamber"], "kejiju": w.users["kejiju"],
             "renshe": w.users["renshe"]}  # fmt: skip
    found: dict[str, list[str]] = {}
    for role, paths in PAGES.items():
        pages = Pages(browser, served.url, artifacts_dir, f"a11y_{role}", locale, inject=True)
        pages.login(users[role].username, PASSWORD)
        for path in paths:
            pages.goto(path)
            problems = _violations(pages, axe)
            if problems:
                found[f"{role} {path}"] = problems
        assert pages.errors == [], pages.errors
        pages.close()
    assert found == {}


def make_world_committed(live: Any) -> Any:
    with live.session() as s:
        w = make_world(s)
        s.commit()
        return w


def test_login_and_a_form_work_from_the_keyboard_alone(
    browser: Any, served: Any, artifacts_dir: Path
) -> None:
    w = make_world_committed(served.live)
    pages = Pages(browser, served.url, artifacts_dir, "keyboard", "zh")
    page = pages.page
    pages.goto("/login")
    # Tab from the top of the page reaches the username field, then the password, then submit.
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-username":
            break
    assert page.evaluate("document.activeElement.id") == "f-username"
    page.keyboard.type(w.users["kejiju"].username)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/login" not in page.url
    # a focused element is visibly outlined (focus styles are not removed)
    pages.goto("/talents/new")
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.boxShadow; })()"
    )
    assert outline != "none 0px none", outline
    # every input, select and textarea of the form has a label
    unlabeled = page.evaluate(
        "[...document.querySelectorAll('form.form input:not([type=hidden]), form.form select,"
        " form.form textarea')].filter(e => !(e.labels && e.labels.length) &&"
        " !e.getAttribute('aria-label')).map(e => e.name)"
    )
    assert unlabeled == []
    pages.shot("keyboard_form")
    assert pages.errors == []
    pages.close()
