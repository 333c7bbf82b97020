"""Each role's home page puts what waits for it first, each to-do a link to where it is done,
and its figures link to the lists behind them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup
from sqlalchemy.orm import Session

from app.models import Dispatch, Introduction
from tests.app.helpers import page_login
from tests.factories import make_world


def _todos(client: Any) -> dict[str, str]:
    soup = BeautifulSoup(client.get("/").text, "html.parser")
    return {
        " ".join(a.get_text(" ", strip=True).split()): str(a["href"])
        for a in soup.select("ul.todos a")
    }


def test_each_side_sees_what_waits_for_it(client: Any, db: Session) -> None:
    w = make_world(db)
    demand, talent = w.demands["general"], w.talents["kejiju"]
    db.add(
        Introduction(
            demand_id=demand.id,
            talent_id=talent.id,
            enterprise_id=demand.enterprise_id,
            agency_id=talent.organization_id,
        )
    )
    yesterday = dt.date.today() - dt.timedelta(days=2)
    db.add(
        Dispatch(demand_id=demand.id, organization_id=talent.organization_id, due_date=yesterday)
    )
    db.flush()

    page_login(client, w.users["enterprise"])
    assert _todos(client) == {"1 个对接等待企业答复意向 ›": "/introductions"}
    client.cookies.clear()
    page_login(client, w.users["kejiju"])
    todos = _todos(client)
    assert todos["1 个对接等待登记人才意见 ›"] == "/introductions"
    assert todos["1 个派单已逾期 ›"] == "/dispatches?overdue=1"
    assert todos["1 个派单等待推荐人选 ›"] == "/dispatches"
    client.cookies.clear()
    # another agency has nothing waiting: neither the introduction nor the dispatch is its own
    page_login(client, w.users["renshe"])
    assert _todos(client) == {}
    assert "目前没有待办事项" in client.get("/").text
    client.cookies.clear()
    page_login(client, w.users["admin"])
    assert _todos(client)["1 个派单已逾期 ›"] == "/dispatches?overdue=1"


def test_home_figures_link_to_their_lists(client: Any, db: Session) -> None:
    w = make_world(db)
    page_login(client, w.users["chamber"])
    soup = BeautifulSoup(client.get("/").text, "html.parser")
    links = {str(a["href"]) for a in soup.select("a.card-link")}
    assert "/demands?status=open" in links
    assert "/enterprises" in links
