"""Journeys in a real browser, once in Chinese and once in English, with a screenshot of each
step saved under test-artifacts/ and no browser console error allowed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.models import (
    Demand,
    Dispatch,
    Enterprise,
    Introduction,
    MatchRun,
    Nomination,
    Suggestion,
    Talent,
)
from tests.e2e.conftest import Pages
from tests.factories import PASSWORD, credit_code, make_talent, make_world


@pytest.fixture
def out(artifacts_dir: Path) -> Path:
    path = artifacts_dir / "e2e"
    path.mkdir(parents=True, exist_ok=True)
    return path


def seed(live: Any) -> Any:
    with live.session() as s:
        w = make_world(s)
        org = w.talents["kejiju"].organization
        for i, (position, skills) in enumerate(
            [("数据分析师", ["Python", "数据分析"]), ("Java后端开发", ["Java", "Spring"])] * 3
        ):
            make_talent(s, org, name=f"候选人{i}", position=position, skills=skills)
        s.commit()
        return w


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_post_demand_add_talent_run_matching_and_search(
    browser: Any, served: Any, out: Path, locale: str
) -> None:
    w = seed(served.live)
    base = served.url
    n = 900 + (0 if locale == "zh" else 1)

    # 1. chamber staff registers a member enterprise and posts a demand for it
    chamber = Pages(browser, base, out, "chamber", locale)
    chamber.login(w.users["chamber"].username, PASSWORD)
    chamber.shot("home")
    chamber.goto("/enterprises/new")
    chamber.page.fill("#f-name", f"临江浏览器测试科技有限公司{locale}")
    chamber.page.fill("#f-credit_code", credit_code(n))
    chamber.page.select_option("#f-industry", "I")
    chamber.page.fill("#f-district", "高新区")
    chamber.page.select_option("#f-size", "small")
    chamber.page.fill("#f-contact_name", "周经理")
    chamber.page.fill("#f-contact_phone", "138 0013 8000")
    chamber.shot("enterprise_form")
    chamber.page.click("form.form button[type=submit]")
    chamber.page.wait_for_load_state()
    chamber.shot("enterprise_saved")
    with served.live.session() as s:
        enterprise = s.scalar(select(Enterprise).where(Enterprise.credit_code == credit_code(n)))
        assert enterprise is not None
        assert enterprise.contact_phone.replace(" ", "").endswith("13800138000")
    chamber.goto("/demands/new")
    chamber.page.select_option("#f-enterprise_id", str(enterprise.id))
    chamber.page.fill("#f-title", "数据分析工程师" if locale == "zh" else "Data analyst")
    chamber.page.fill("#f-headcount", "2")
    chamber.page.fill("#f-required_skills", "Python、数据分析")
    chamber.page.wait_for_timeout(700)  # occupation suggestions appear under the code field
    chamber.shot("demand_form")
    chamber.page.click("form.form button[type=submit]")
    chamber.page.wait_for_load_state()
    chamber.shot("demand_saved")
    with served.live.session() as s:
        demand = s.scalar(select(Demand).where(Demand.enterprise_id == enterprise.id))
        assert demand is not None
        assert (demand.headcount, demand.status) == (2, "open")
    assert chamber.errors == []
    chamber.close()

    # 2. agency staff adds a talent
    agency = Pages(browser, base, out, "agency", locale)
    agency.login(w.users["kejiju"].username, PASSWORD)
    agency.goto("/talents/new")
    agency.page.fill("#f-name", "王浏览" if locale == "zh" else "Wang Browser")
    agency.page.select_option("#f-education", "master")
    agency.page.fill("#f-position", "数据分析师")
    agency.page.fill("#f-skills", "Python、数据分析、SQL")
    agency.page.fill("#f-phone", "13900139000")
    agency.shot("talent_form")
    agency.page.click("form.form button[type=submit]")
    agency.page.wait_for_load_state()
    agency.shot("talent_saved")
    with served.live.session() as s:
        talent = s.scalar(select(Talent).where(Talent.phone.like("%13900139000")))
        assert talent is not None
        assert talent.organization_id == w.users["kejiju"].organization_id
    served.live.settle()
    agency.goto("/search/talents?q=数据&semantic_ratio=0")
    agency.shot("search")
    assert agency.page.locator("article.hit").count() >= 1
    assert agency.page.locator("mark").count() >= 1
    assert agency.errors == []
    agency.close()

    # 3. the office dispatches the demand to 科技局, which nominates its new talent;
    #    then the office runs matching, watches it finish and reads the ranked, explained list
    office = Pages(browser, base, out, "office", locale)
    office.login(w.users["admin"].username, PASSWORD)
    office.goto("/dispatches")
    office.page.select_option("select[name=demand_id]", str(demand.id))
    office.page.select_option(
        "select[name=organization_id]", str(w.users["kejiju"].organization_id)
    )
    office.page.fill("input[name=due_date]", "2027-01-31")
    office.shot("dispatch")
    office.page.click("button[name=action][value=manual]")
    office.page.wait_for_load_state()
    with served.live.session() as s:
        dispatch = s.scalar(select(Dispatch).where(Dispatch.demand_id == demand.id))
        assert dispatch is not None
    agency = Pages(browser, base, out, "agency_board", locale)
    agency.login(w.users["kejiju"].username, PASSWORD)
    agency.goto("/dispatches")
    agency.page.select_option(f"#nominate-{dispatch.id}", [str(talent.id)])
    agency.shot("task_board")
    agency.page.click(f"form[action='/dispatches/{dispatch.id}/nominations'] button[type=submit]")
    agency.page.wait_for_load_state()
    with served.live.session() as s:
        assert s.scalar(select(Nomination).where(Nomination.talent_id == talent.id)) is not None
    assert agency.errors == []
    agency.close()
    office.goto("/match-runs")
    office.shot("runs")
    office.page.click("form[action='/match-runs'] button[type=submit]")
    office.page.wait_for_load_state()
    office.shot("run_started")
    office.page.wait_for_selector("progress[value='100']", timeout=60_000)
    office.page.wait_for_load_state()
    office.shot("run_done")
    with served.live.session() as s:
        run = s.scalar(select(MatchRun).order_by(MatchRun.id.desc()))
        assert run is not None
        assert run.status == "succeeded", run.error
    office.goto(f"/match-runs/{run.id}/demands/{demand.id}")
    office.page.locator("details.explain").first.click()
    office.shot("demand_ranked")
    assert office.page.locator("ol.ranked > li").count() >= 1

    # 4. the office reviews and approves the proposal for this demand
    with served.live.session() as s:
        proposal = s.scalar(
            select(Suggestion).where(
                Suggestion.match_run_id == run.id,
                Suggestion.demand_id == demand.id,
                Suggestion.is_proposed.is_(True),
            )
        )
        assert proposal is not None
        talent_org = s.get_one(Talent, proposal.talent_id).organization_id
    office.goto("/review?proposed=1")
    office.page.check(f"#s{proposal.id}")
    office.shot("review")
    office.page.click("#review-form button[type=submit]")
    office.page.wait_for_load_state()
    office.shot("approved")
    with served.live.session() as s:
        intro = s.scalar(select(Introduction).where(Introduction.suggestion_id == proposal.id))
        assert intro is not None
    assert office.errors == []

    # 5. the chamber, for its member enterprise, says it is interested (sees a masked profile)
    chamber = Pages(browser, base, out, "chamber2", locale)
    chamber.login(w.users["chamber"].username, PASSWORD)
    chamber.goto(f"/introductions/{intro.id}")
    chamber.shot("introduction_masked")
    # no answer is pre-selected: the chamber picks "yes" itself
    assert chamber.page.locator("input[name=interested]:checked").count() == 0
    chamber.page.check("input[name=interested][value=yes]")
    chamber.page.click(f"form[action='/introductions/{intro.id}/interest'] button[type=submit]")
    chamber.page.wait_for_load_state()

    # 6. the submitting agency records the talent's consent
    agency_user = next(
        u for u in (w.users["kejiju"], w.users["renshe"]) if u.organization_id == talent_org
    )
    agency = Pages(browser, base, out, "agency2", locale)
    agency.login(agency_user.username, PASSWORD)
    agency.goto(f"/introductions/{intro.id}")
    agency.page.select_option("#f-method", "phone")
    agency.shot("consent")
    agency.page.click(f"form[action='/introductions/{intro.id}/consent'] button[type=submit]")
    agency.page.wait_for_load_state()

    # 7. now the enterprise side sees the contact, and records the hire
    chamber.goto(f"/introductions/{intro.id}")
    chamber.page.click(f"form[action='/introductions/{intro.id}/contact'] button[type=submit]")
    chamber.page.wait_for_load_state()
    chamber.shot("contact_revealed")
    with served.live.session() as s:
        phone = s.get_one(Talent, proposal.talent_id).phone
        assert s.get_one(Introduction, intro.id).status == "connected"
    if phone:
        assert phone[-4:] in chamber.page.content()
    chamber.goto(f"/introductions/{intro.id}")
    chamber.page.select_option("#f-outcome", "hired")
    chamber.page.click(f"form[action='/introductions/{intro.id}/outcome'] button[type=submit]")
    chamber.page.wait_for_load_state()
    chamber.shot("hired")
    with served.live.session() as s:
        assert s.get_one(Introduction, intro.id).outcome == "hired"
        assert s.get_one(Demand, demand.id).hired_count == 1

    # 8. the agency's page shows what became of its talent; the office dashboards count it
    agency.goto("/introductions")
    agency.shot("agency_dashboard")
    assert agency.page.locator("text=" + ("已录用" if locale == "zh" else "Hired")).count() >= 1
    office.goto("/dashboards")
    office.shot("dashboards")
    assert office.page.locator("svg").count() >= 1
    for pages in (office, chamber, agency):
        assert pages.errors == []
        pages.close()
