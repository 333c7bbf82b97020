"""The office's dashboards, checked against a small constructed world: the gap by CSCO
major group and by industry, time to first suggestion and to fill, agency and chamber figures,
the CSV and Excel exports and the refusals."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from app.models import (
    AnonymousOutcome,
    Dispatch,
    Introduction,
    MatchRun,
    Nomination,
    Suggestion,
    TalentErasure,
    User,
)
from app.models.enums import OrgKind
from tests.app import helpers
from tests.app.helpers import page_login
from tests.factories import World, make_talent, make_world


def at(month: int, day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC)


def bearer(app: Any, user: User) -> dict[str, str]:
    return helpers.bearer(app, user)


@pytest.fixture
def world(db: Session) -> World:
    """general: posted 1 March, filled by two hires (3 and 5 March, one of an erased talent);
    general2: industry C, CSCO group 6, one of three hired; youth: group 2, three open."""
    w = make_world(db)
    kejiju, renshe = w.orgs[OrgKind.science_bureau], w.orgs[OrgKind.hrss_bureau]
    general, general2, youth = w.demands["general"], w.demands["general2"], w.demands["youth"]
    general.created_at = at(3, 1)
    general.status, general.hired_count = "filled", 2
    w.enterprises["general2"].industry = "C"
    general2.occupation_code, general2.headcount, general2.hired_count = "6-01-01-01", 3, 1
    youth.headcount = 3
    w.talents["kejiju"].occupation_code = "2-02-10-03"
    make_talent(db, renshe, occupation_code="2-02-10-03", status="inactive")  # never counted
    run1 = MatchRun(status="succeeded", finished_at=at(2, 1), created_at=at(2, 1))
    run2 = MatchRun(status="succeeded", finished_at=at(3, 1, 6), created_at=at(3, 1, 5))
    db.add_all([run1, run2])
    db.flush()
    for run, demand, talent in (
        (run1, general, w.talents["kejiju"]),  # before the demand was posted: not counted
        (run2, general, w.talents["kejiju"]),
        (run2, general2, w.talents["renshe"]),  # renshe has no code: fits group 6 by this
    ):
        db.add(
            Suggestion(
                match_run_id=run.id,
                demand_id=demand.id,
                talent_id=talent.id,
                rank=1,
                score=0.8,
                confidence=0.9,
            )
        )
    d1 = Dispatch(
        demand_id=general.id,
        organization_id=kejiju.id,
        due_date=dt.date(2026, 3, 9),
        status="answered",
        created_at=at(3, 1),
        first_nomination_at=at(3, 1, 10),
    )
    d2 = Dispatch(
        demand_id=general2.id,
        organization_id=kejiju.id,
        due_date=dt.date(2026, 3, 9),
        status="answered",
        created_at=at(3, 2),
        first_nomination_at=at(3, 2, 20),
    )
    d3 = Dispatch(
        demand_id=youth.id,
        organization_id=renshe.id,
        due_date=dt.date(2026, 4, 1),
        status="open",
        created_at=at(3, 20),
    )
    db.add_all([d1, d2, d3])
    db.flush()
    for d in (d1, d2):
        db.add(
            Nomination(
                dispatch_id=d.id,
                demand_id=d.demand_id,
                organization_id=kejiju.id,
                talent_id=w.talents["kejiju"].id,
                created_at=d.first_nomination_at,
            )
        )
    db.add(
        Introduction(
            demand_id=general.id,
            talent_id=w.talents["kejiju"].id,
            enterprise_id=general.enterprise_id,
            agency_id=kejiju.id,
            status="connected",
            outcome="hired",
            outcome_at=at(3, 3),
            created_at=at(3, 2),
        )
    )
    db.add(
        Introduction(
            demand_id=general2.id,
            talent_id=w.talents["renshe"].id,
            enterprise_id=general2.enterprise_id,
            agency_id=renshe.id,
        )
    )
    erasure = TalentErasure(organization_id=renshe.id, counts={})
    db.add(erasure)
    db.flush()
    db.add(
        AnonymousOutcome(
            erasure_id=erasure.id,
            agency_id=renshe.id,
            demand_id=general.id,
            enterprise_id=general.enterprise_id,
            status="connected",
            outcome="hired",
            introduced_at=at(3, 2),
            outcome_at=at(3, 5),
        )
    )
    db.flush()
    return w


def _by(rows: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    return {r[key]: r for r in rows}


def test_figures_match_the_constructed_world(app: Any, client: Any, world: World) -> None:
    r = client.get("/api/v1/dashboards?lang=en", headers=bearer(app, world.users["reviewer"]))
    assert r.status_code == 200, r.text
    t = r.json()["tables"]
    group = _by(t["gap_group"], "group")
    assert {
        k: (v["open_demands"], v["open_headcount"], v["fit_talents"], v["gap"])
        for k, v in group.items()
    } == {"2": (1, 3, 1, 2), "6": (1, 2, 1, 1)}
    assert group["2"]["name"] == "Professionals"
    industry = _by(t["gap_industry"], "industry")
    assert {k: (v["open_headcount"], v["fit_talents"]) for k, v in industry.items()} == {
        "C": (2, 1),
        "I": (3, 1),
    }
    demands = _by(t["demands"], "id")
    general = demands[world.demands["general"].id]
    assert general["hours_to_first_suggestion"] == 6.0
    assert general["days_to_fill"] == 4.0
    # general2 was posted today: the March run's suggestion came before it, so it does not count
    assert demands[world.demands["general2"].id]["hours_to_first_suggestion"] is None
    assert demands[world.demands["youth"].id]["hours_to_first_suggestion"] is None
    assert world.demands["youth_draft"].id not in demands
    agencies = _by(t["agencies"], "agency")
    kejiju = agencies["Science and Technology Bureau"]
    assert (
        kejiju["dispatches"],
        kejiju["nominations"],
        kejiju["approvals"],
        kejiju["hires"],
        kejiju["median_response_hours"],
        kejiju["overdue"],
    ) == (2, 2, 1, 1, 15.0, 0)
    renshe = agencies["Human Resources and Social Security Bureau"]
    assert (renshe["dispatches"], renshe["approvals"], renshe["hires"], renshe["overdue"]) == (
        1,
        2,
        1,
        1,
    )
    assert renshe["median_response_hours"] is None
    chambers = _by(t["chambers"], "chamber")
    assert chambers["General Chamber of Commerce"] == {
        "chamber": "General Chamber of Commerce",
        "demands_posted": 2,
        "demands_filled": 1,
    }
    assert chambers["Young Entrepreneurs' Association"]["demands_posted"] == 1


@pytest.mark.parametrize("who", ["chamber", "enterprise", "kejiju"])
def test_only_office_staff_see_dashboards(app: Any, client: Any, world: World, who: str) -> None:
    h = bearer(app, world.users[who])
    for url in (
        "/api/v1/dashboards",
        "/api/v1/dashboards/monthly.xlsx?month=2026-03",
        "/api/v1/dashboards?format=csv&table=agencies",
    ):
        r = client.get(url, headers=h)
        assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    assert client.get("/api/v1/dashboards").status_code == 401


def test_csv_export_of_each_table(app: Any, client: Any, world: World) -> None:
    h = bearer(app, world.users["admin"])
    r = client.get("/api/v1/dashboards?format=csv&table=agencies", headers=h)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["机构", "派单", "推荐"]
    kejiju = next(row for row in rows if row[0] == "科技局")
    assert kejiju[1:] == ["2", "2", "1", "1", "15.0", "0"]
    for table in ("gap_group", "gap_industry", "demands", "chambers"):
        r = client.get(f"/api/v1/dashboards?format=csv&table={table}&lang=en", headers=h)
        assert r.status_code == 200
        assert len(r.content.decode("utf-8-sig").splitlines()) > 1
    bad = client.get("/api/v1/dashboards?format=csv&table=nope", headers=h)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "table"
    missing = client.get("/api/v1/dashboards?format=csv&lang=en", headers=h)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["message"] == "This field is required"


def test_monthly_excel_report(app: Any, client: Any, world: World) -> None:
    h = bearer(app, world.users["admin"])
    r = client.get("/api/v1/dashboards/monthly.xlsx?month=2026-03", headers=h)
    assert r.status_code == 200, r.text
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[0] == "汇总"
    summary = {row[0]: row[1] for row in wb["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary == {
        "新发布需求": 1,
        "已满足需求": 1,
        "派单": 3,
        "机构推荐": 2,
        "审核通过（对接）": 2,
        "录用": 2,
    }
    april = client.get("/api/v1/dashboards/monthly.xlsx?month=2026-04&lang=en", headers=h)
    sheet = load_workbook(io.BytesIO(april.content))["Summary"]
    assert {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}["Hires"] == 0
    for bad in ("2026-13", "03-2026", ""):
        r = client.get(f"/api/v1/dashboards/monthly.xlsx?month={bad}&lang=en", headers=h)
        assert r.status_code == 422, bad
        assert r.json()["errors"][0]["field"] == "month"


def test_dashboard_page_draws_svg_charts_without_inline_styles(client: Any, world: World) -> None:
    page_login(client, world.users["reviewer"])
    page = client.get("/dashboards")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert len(soup.select("figure.chart svg")) == 2
    assert soup.select("svg rect.chart-bar")
    assert not soup.select("[style]")
    assert not soup.select("script:not([src])")
    assert soup.select_one('a[href="/dashboards"]') is not None  # the nav item
    assert 'href="/dashboards?format=csv&amp;table=agencies"' in page.text
    r = client.get("/dashboards?format=csv&table=chambers&lang=en")
    assert r.status_code == 200
    assert r.content.decode("utf-8-sig").startswith("Chamber,")
    assert client.get("/dashboards?format=csv&table=x").status_code == 422
    assert "Dashboards" in client.get("/dashboards?lang=en").text


def test_dashboard_page_is_office_only(client: Any, world: World) -> None:
    page_login(client, world.users["kejiju"])
    assert client.get("/dashboards").status_code == 403
    assert 'href="/dashboards"' not in client.get("/").text
