"""A demand's page speaks to a clerk: its occupation by name, its salary as a range under a
range's label, and how many were hired beside the headcount."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from sqlalchemy.orm import Session

from tests.app.helpers import page_login
from tests.factories import make_world


def _details(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    return {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True)
        for dt in soup.select("dl.details dt")
    }


def test_demand_page_names_the_occupation_and_labels_the_salary_range(
    client: Any, db: Session
) -> None:
    w = make_world(db)
    demand = w.demands["general"]
    demand.occupation_code = "2-02-10-03"
    demand.salary_min, demand.salary_max = 15000, 25000
    demand.hired_count = 1
    db.flush()
    page_login(client, w.users["chamber"])
    shown = _details(client.get(f"/demands/{demand.id}").text)
    assert shown["职业编码（职业分类大典 2022）"] == "计算机软件工程技术人员（2-02-10-03）"
    assert shown["月薪范围（元）"] == "15000–25000"
    assert "最低月薪（元）" not in shown
    assert shown["已录用人数"] == "1"
