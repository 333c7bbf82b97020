"""Times as people in the city read them: pages show Beijing time (the TIMEZONE setting), and a
report's month is the local calendar month, not the UTC one."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from app.config import Settings
from app.dashboards.service import cell, parse_month
from app.web import templates

BEIJING = ZoneInfo("Asia/Shanghai")


def test_a_page_time_is_shown_in_beijing_time() -> None:
    late_evening_utc = dt.datetime(2026, 12, 5, 17, 30, tzinfo=dt.UTC)
    shown = templates.env.from_string("{{ t|local }}").render(t=late_evening_utc, zone=BEIJING)
    assert shown == "2026-12-06 01:30"


def test_another_zone_can_be_configured() -> None:
    at = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
    zone = Settings(timezone="Europe/Berlin", _env_file=None).zone  # type: ignore[call-arg]
    shown = templates.env.from_string("{{ t|local('%H:%M') }}").render(t=at, zone=zone)
    assert shown == "14:00"


def test_an_unknown_zone_is_refused_at_start_up() -> None:
    with pytest.raises(ValidationError, match="TIMEZONE"):
        Settings(timezone="Mars/Olympus", _env_file=None)  # type: ignore[call-arg]


def test_a_report_month_is_the_local_calendar_month() -> None:
    march = parse_month("2026-03", BEIJING)
    # 1 March 00:00 in Beijing is 28 February 16:00 UTC; the month ends 31 March 16:00 UTC.
    assert march.start == dt.datetime(2026, 2, 28, 16, 0, tzinfo=dt.UTC)
    assert march.end == dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC)
    hired_just_after_local_midnight = dt.datetime(2026, 2, 28, 16, 30, tzinfo=dt.UTC)
    assert march.has(hired_just_after_local_midnight)
    assert not parse_month("2026-02", BEIJING).has(hired_just_after_local_midnight)


def test_report_cells_show_local_times() -> None:
    assert cell(dt.datetime(2026, 12, 5, 17, 30, tzinfo=dt.UTC), BEIJING) == "2026-12-06 01:30"


def test_the_notifications_page_shows_beijing_time(client: Any, db: Any) -> None:
    from app.models import Notification
    from tests.app.helpers import page_login
    from tests.factories import make_world

    w = make_world(db)
    user = w.users["kejiju"]
    db.add(
        Notification(
            user_id=user.id,
            kind="dispatch_new",
            params={},
            link="/dispatches",
            created_at=dt.datetime(2026, 12, 5, 17, 30, tzinfo=dt.UTC),
        )
    )
    db.flush()
    page_login(client, user)
    html = client.get("/notifications").text
    assert "2026-12-06 01:30" in html
    assert "2026-12-05 17:30" not in html
