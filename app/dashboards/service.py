"""The office's dashboards: supply–demand gap, time to suggestion and to fill, agency
and chamber figures, their CSV tables and the monthly Excel report.

Rules (documented in the README):

- *Open headcount* is ``headcount − hired_count`` summed over `open` demands.
- A talent *fits* a CSCO major group when it is `active` and either its own occupation code
  starts with the group's digit, or it appears among the latest succeeded run's suggestions for an
  open demand of that group. For an industry, it fits when it fits an open demand of an enterprise
  of that industry by the same two tests (same major group as the demand, or suggested for it).
- *Time to first suggestion*: from the demand's creation to the finish of the first succeeded
  run, finished after the demand was created, that suggested someone for it.
- *Time to fill*: from creation to the hire that reached the headcount (by outcome date).
- Agencies: *approvals* are the introductions opened for their talents (one per approved
  suggestion), *hires* the introductions with outcome `hired`; both also count the anonymised
  outcomes of erased talents. *Response time* is dispatch → first nomination (median, hours);
  *overdue* are open dispatches past their due date.
- Chambers: demands *posted* (every demand but drafts) and *filled* (status `filled`) of their
  enterprises.

Everything is computed in Python from a handful of queries: a city's tables are small.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import dashboards as policy
from app.access.policies.dashboards import DashboardAction
from app.db import utcnow
from app.errors import FieldErrors
from app.i18n import enum_label, translate
from app.models import (
    AnonymousOutcome,
    Demand,
    Dispatch,
    Enterprise,
    Introduction,
    MatchRun,
    Nomination,
    Organization,
    Suggestion,
    Talent,
)
from app.models.enums import INDUSTRY_SECTIONS, DemandStatus, Side, TalentStatus
from app.spreadsheets import Sheet, Styled, csv_bytes, header, xlsx_bytes

TABLES = ("gap_group", "gap_industry", "demands", "agencies", "chambers")

COLUMNS: dict[str, tuple[str, ...]] = {
    "gap_group": ("group", "name", "open_demands", "open_headcount", "fit_talents", "gap"),
    "gap_industry": ("industry", "name", "open_demands", "open_headcount", "fit_talents", "gap"),
    "demands": (
        "id",
        "title",
        "enterprise",
        "status",
        "headcount",
        "hired_count",
        "created_at",
        "first_suggestion_at",
        "hours_to_first_suggestion",
        "filled_at",
        "days_to_fill",
    ),
    "agencies": (
        "agency",
        "dispatches",
        "nominations",
        "approvals",
        "hires",
        "median_response_hours",
        "overdue",
    ),
    "chambers": ("chamber", "demands_posted", "demands_filled"),
}


@dataclass
class Period:
    """A half-open interval [start, end) of UTC times; None bounds are open."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def has(self, at: dt.datetime | None) -> bool:
        if at is None:
            return False
        return (self.start is None or at >= self.start) and (self.end is None or at < self.end)


ALL_TIME = Period()


@dataclass
class Dashboard:
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    generated_at: dt.datetime = field(default_factory=utcnow)


def major_group_names(locale: str) -> dict[str, str]:
    """CSCO 2022 major groups (level 1) by their first digit."""
    from matching import load_occupations

    names = {o.code[0]: o.name for o in load_occupations() if o.level == 1}
    if locale == "en":
        return {k: translate(f"dash.csco.{k}", "en") for k in names}
    return names


def _hours(a: dt.datetime | None, b: dt.datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return round((b - a).total_seconds() / 3600, 1)


def _group(code: str | None) -> str | None:
    return code[0] if code and code[0].isdecimal() else None


def latest_run_id(session: Session) -> int | None:
    return session.scalar(
        select(MatchRun.id).where(MatchRun.status == "succeeded").order_by(MatchRun.id.desc())
    )


def gap_tables(session: Session, locale: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The supply–demand gap by CSCO major group and by industry section."""
    demands = list(session.scalars(select(Demand).where(Demand.status == DemandStatus.open.value)))
    talent_groups = {
        tid: _group(code)
        for tid, code in session.execute(
            select(Talent.id, Talent.occupation_code).where(
                Talent.status == TalentStatus.active.value
            )
        )
    }
    run_id = latest_run_id(session)
    suggested: dict[int, set[int]] = defaultdict(set)
    if run_id is not None:
        for demand_id, talent_id in session.execute(
            select(Suggestion.demand_id, Suggestion.talent_id).where(
                Suggestion.match_run_id == run_id
            )
        ):
            if talent_id in talent_groups:
                suggested[demand_id].add(talent_id)
    by_group: dict[str, set[int]] = defaultdict(set)
    for tid, grp in talent_groups.items():
        if grp:
            by_group[grp].add(tid)

    def fits(d: Demand) -> set[int]:
        grp = _group(d.occupation_code)
        return (by_group[grp] if grp else set()) | suggested.get(d.id, set())

    group_names = major_group_names(locale)
    rows: dict[str, dict[str, Any]] = {}
    industries: dict[str, dict[str, Any]] = {}
    for d in demands:
        grp = _group(d.occupation_code) or "?"
        for key, table in ((grp, rows), (d.enterprise.industry, industries)):
            row = table.setdefault(key, {"demands": 0, "headcount": 0, "talents": set()})
            row["demands"] += 1
            row["headcount"] += d.open_headcount
            row["talents"] |= fits(d)
    for grp, talents in by_group.items():  # groups with supply but no open demand
        rows.setdefault(grp, {"demands": 0, "headcount": 0, "talents": set()})
        rows[grp]["talents"] |= talents

    def finish(
        key_name: str, table: dict[str, dict[str, Any]], name: Callable[[str], str]
    ) -> list[dict[str, Any]]:
        out = []
        for key in sorted(table):
            row = table[key]
            fit = len(row["talents"])
            out.append(
                {
                    key_name: key,
                    "name": name(key),
                    "open_demands": row["demands"],
                    "open_headcount": row["headcount"],
                    "fit_talents": fit,
                    "gap": row["headcount"] - fit,
                }
            )
        return out

    unknown = translate("dash.unknown_group", locale)
    return (
        finish("group", rows, lambda k: group_names.get(k, unknown)),
        finish(
            "industry",
            industries,
            lambda k: enum_label("industry", k, locale) if k in INDUSTRY_SECTIONS else k,
        ),
    )


def _hire_times(session: Session) -> dict[int, list[dt.datetime]]:
    """Hire dates by demand: introductions with outcome `hired` and erased talents' outcomes."""
    times: dict[int, list[dt.datetime]] = defaultdict(list)
    for demand_id, at in session.execute(
        select(Introduction.demand_id, Introduction.outcome_at).where(
            Introduction.outcome == "hired"
        )
    ):
        if at is not None:
            times[demand_id].append(at)
    for anon_demand_id, at in session.execute(
        select(AnonymousOutcome.demand_id, AnonymousOutcome.outcome_at).where(
            AnonymousOutcome.outcome == "hired"
        )
    ):
        if anon_demand_id is not None and at is not None:
            times[anon_demand_id].append(at)
    return times


def demand_rows(session: Session, locale: str, period: Period = ALL_TIME) -> list[dict[str, Any]]:
    """Per posted demand: time to first suggestion and time to fill."""
    demands = [
        d
        for d in session.scalars(
            select(Demand).where(Demand.status != DemandStatus.draft.value).order_by(Demand.id)
        )
        if period.has(d.created_at)
    ]
    first: dict[int, list[dt.datetime]] = defaultdict(list)
    for demand_id, finished in session.execute(
        select(Suggestion.demand_id, MatchRun.finished_at)
        .join(MatchRun, MatchRun.id == Suggestion.match_run_id)
        .where(MatchRun.status == "succeeded", MatchRun.finished_at.is_not(None))
        .distinct()
    ):
        if finished is not None:
            first[demand_id].append(finished)
    hires = _hire_times(session)
    out = []
    for d in demands:
        after = sorted(t for t in first.get(d.id, []) if t >= d.created_at)
        first_at = after[0] if after else None
        hired = sorted(hires.get(d.id, []))
        filled_at = hired[d.headcount - 1] if len(hired) >= d.headcount else None
        to_fill = _hours(d.created_at, filled_at)
        out.append(
            {
                "id": d.id,
                "title": d.title,
                "enterprise": d.enterprise.name,
                "status": enum_label("demand_status", d.status, locale),
                "headcount": d.headcount,
                "hired_count": d.hired_count,
                "created_at": d.created_at,
                "first_suggestion_at": first_at,
                "hours_to_first_suggestion": _hours(d.created_at, first_at),
                "filled_at": filled_at,
                "days_to_fill": None if to_fill is None else round(to_fill / 24, 1),
            }
        )
    return out


def agency_rows(
    session: Session, locale: str, period: Period = ALL_TIME, *, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Per supply agency: dispatches, nominations, approvals, hires, response time, overdue."""
    today = today or utcnow().date()
    agencies = list(
        session.scalars(
            select(Organization)
            .where(Organization.side == Side.supply.value)
            .order_by(Organization.id)
        )
    )
    stats: dict[int, dict[str, Any]] = {
        a.id: {
            "dispatches": 0,
            "nominations": 0,
            "approvals": 0,
            "hires": 0,
            "overdue": 0,
            "response": [],
        }
        for a in agencies
    }
    for d in session.scalars(select(Dispatch)):
        s = stats.get(d.organization_id)
        if s is None or not period.has(d.created_at):
            continue
        s["dispatches"] += 1
        if d.first_nomination_at is not None:
            s["response"].append(_hours(d.created_at, d.first_nomination_at))
        if d.status == "open" and d.due_date < today:
            s["overdue"] += 1
    for org_id, at in session.execute(select(Nomination.organization_id, Nomination.created_at)):
        if org_id in stats and period.has(at):
            stats[org_id]["nominations"] += 1
    intro_rows = [
        *session.execute(
            select(
                Introduction.agency_id,
                Introduction.created_at,
                Introduction.outcome,
                Introduction.outcome_at,
            )
        ),
        *session.execute(
            select(
                AnonymousOutcome.agency_id,
                AnonymousOutcome.introduced_at,
                AnonymousOutcome.outcome,
                AnonymousOutcome.outcome_at,
            )
        ),
    ]
    for agency_id, created, outcome, outcome_at in intro_rows:
        s = stats.get(agency_id)
        if s is None:
            continue
        if period.has(created):
            s["approvals"] += 1
        if outcome == "hired" and period.has(outcome_at):
            s["hires"] += 1
    out = []
    for a in agencies:
        s = stats[a.id]
        out.append(
            {
                "agency": a.display_name(locale),
                "dispatches": s["dispatches"],
                "nominations": s["nominations"],
                "approvals": s["approvals"],
                "hires": s["hires"],
                "median_response_hours": (
                    round(statistics.median(s["response"]), 1) if s["response"] else None
                ),
                "overdue": s["overdue"],
            }
        )
    return out


def chamber_rows(session: Session, locale: str, period: Period = ALL_TIME) -> list[dict[str, Any]]:
    """Per chamber: demands posted (not drafts) and filled."""
    chambers = list(
        session.scalars(
            select(Organization)
            .where(Organization.side == Side.demand.value)
            .order_by(Organization.id)
        )
    )
    posted: dict[int, int] = defaultdict(int)
    filled: dict[int, int] = defaultdict(int)
    hires = _hire_times(session)
    for d, chamber_id in session.execute(
        select(Demand, Enterprise.chamber_id)
        .join(Enterprise, Enterprise.id == Demand.enterprise_id)
        .where(Demand.status != DemandStatus.draft.value)
    ):
        if period.has(d.created_at):
            posted[chamber_id] += 1
        if d.status == DemandStatus.filled.value:
            hired = sorted(hires.get(d.id, []))
            filled_at = hired[d.headcount - 1] if len(hired) >= d.headcount else d.updated_at
            if period.has(filled_at):
                filled[chamber_id] += 1
    return [
        {
            "chamber": c.display_name(locale),
            "demands_posted": posted[c.id],
            "demands_filled": filled[c.id],
        }
        for c in chambers
    ]


def dashboard(session: Session, viewer: Viewer, locale: str) -> Dashboard:
    policy.require(viewer, DashboardAction.read)
    gap_group, gap_industry = gap_tables(session, locale)
    return Dashboard(
        tables={
            "gap_group": gap_group,
            "gap_industry": gap_industry,
            "demands": demand_rows(session, locale),
            "agencies": agency_rows(session, locale),
            "chambers": chamber_rows(session, locale),
        }
    )


def column_label(table: str, column: str, locale: str) -> str:
    return translate(f"dash.col.{column}", locale)


def cell(value: Any, zone: dt.tzinfo = dt.UTC) -> Any:
    """A table value as a spreadsheet shows it: times in the service's time zone."""
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return "" if value is None else value


def table_csv(board: Dashboard, table: str, locale: str, zone: dt.tzinfo = dt.UTC) -> bytes:
    """One table as CSV (UTF-8 with a BOM, so spreadsheet programs read the Chinese)."""
    if table not in TABLES:
        raise FieldErrors.one("table", "dash_table_unknown", tables=", ".join(TABLES))
    cols = COLUMNS[table]
    head = [column_label(table, c, locale) for c in cols]
    return csv_bytes([head, *([cell(row[c], zone) for c in cols] for row in board.tables[table])])


def parse_month(raw: str | None, zone: dt.tzinfo = dt.UTC) -> Period:
    """`YYYY-MM` as the period of that calendar month in `zone` (the office's local month,
    Beijing time by default), in UTC; a field error otherwise."""
    try:
        if raw is None or len(raw) != 7:
            raise ValueError(raw)
        first = dt.datetime.strptime(raw + "-01", "%Y-%m-%d")
    except ValueError:
        raise FieldErrors.one("month", "dash_month_invalid") from None
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(
        first.replace(tzinfo=zone).astimezone(dt.UTC),
        following.replace(tzinfo=zone).astimezone(dt.UTC),
    )


def monthly_report(
    session: Session,
    viewer: Viewer,
    locale: str,
    month: str | None,
    zone: dt.tzinfo = dt.UTC,
) -> bytes:
    """The monthly report: a summary sheet and the month's agency, chamber and demand tables,
    plus the current supply–demand gap."""
    policy.require(viewer, DashboardAction.export)
    period = parse_month(month, zone)
    gap_group, gap_industry = gap_tables(session, locale)
    demands = demand_rows(session, locale, period)
    agencies = agency_rows(session, locale, period)
    chambers = chamber_rows(session, locale, period)

    def t(key: str) -> str:
        return translate(key, locale)

    summary = [
        ("dash.sum.demands_posted", sum(r["demands_posted"] for r in chambers)),
        ("dash.sum.demands_filled", sum(r["demands_filled"] for r in chambers)),
        ("dash.sum.dispatches", sum(r["dispatches"] for r in agencies)),
        ("dash.sum.nominations", sum(r["nominations"] for r in agencies)),
        ("dash.sum.approvals", sum(r["approvals"] for r in agencies)),
        ("dash.sum.hires", sum(r["hires"] for r in agencies)),
    ]
    sheets = [
        Sheet(
            t("dash.sheet.summary"),
            [[Styled(t("dash.report_title"), bold=True), month]]
            + [[t(key), value] for key, value in summary],
        )
    ]
    for table, rows in (
        ("agencies", agencies),
        ("chambers", chambers),
        ("demands", demands),
        ("gap_group", gap_group),
        ("gap_industry", gap_industry),
    ):
        head = header(column_label(table, c, locale) for c in COLUMNS[table])
        body = [[cell(row[c], zone) for c in COLUMNS[table]] for row in rows]
        sheets.append(Sheet(t(f"dash.table.{table}"), [head, *body]))
    return xlsx_bytes(sheets)


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    values: list[tuple[str, int, int]]  # (css class, value, width in px)


def bars(rows: list[dict[str, Any]], series: tuple[str, ...], width: int = 360) -> list[Bar]:
    """Grouped horizontal bars for an SVG chart: one group per row, one bar per series."""
    top = max([1, *(int(r[s]) for r in rows for s in series)])
    out = []
    for i, r in enumerate(rows):
        out.append(
            Bar(
                label=str(r["name"])[:16],
                y=i * (len(series) * 14 + 10),
                values=[
                    (s, int(r[s]), max(1, round(int(r[s]) * width / top)) if r[s] else 0)
                    for s in series
                ],
            )
        )
    return out
