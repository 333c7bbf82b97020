"""Hostile text: one text rule for every accepted string (list items included), writers that
never fail on a stored value, one safe spreadsheet writer, integer search hit ids, and the
consent date's bounds."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
from collections.abc import Callable
from email.header import decode_header, make_header
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.context import context_of
from app.matchruns.engine import execute_run
from app.models import Demand, MatchRun, Talent
from tests.app.helpers import csrf_from, page_login, token_headers
from tests.app.imports.test_imports import upload
from tests.factories import World, make_demand, make_talent, make_world

HYPERLINK = '=HYPERLINK("http://x","y")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_FIELDS = [
    ("demands", "required_skills"),
    ("demands", "preferred_skills"),
    ("demands", "majors"),
    ("demands", "languages"),
    ("talents", "skills"),
    ("talents", "languages"),
    ("talents", "preferred_locations"),
]


@pytest.fixture
def world(db: Session) -> World:
    return make_world(db)


def post_json(
    client: TestClient, url: str, headers: dict[str, str], payload: dict[str, Any]
) -> Any:
    """Post `payload` as JSON with \\u escapes, as a hostile client sends a lone surrogate."""
    return client.post(
        url,
        headers={**headers, "Content-Type": "application/json"},
        content=json.dumps(payload),
    )


def creator(client: TestClient, w: World, resource: str) -> dict[str, str]:
    return token_headers(client, w.users["enterprise" if resource == "demands" else "kejiju"])


def base_payload(resource: str) -> dict[str, Any]:
    if resource == "demands":
        return {"kind": "job", "title": "嵌入式软件工程师", "headcount": 1}
    return {"name": "陈静", "consent_date": "2026-03-01"}


def count(db: Session, model: Any) -> int:
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


# --- the text rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(("resource", "field"), LIST_FIELDS)
def test_a_lone_surrogate_in_a_list_item_is_a_field_error_naming_the_item(
    client: TestClient, world: World, db: Session, resource: str, field: str
) -> None:
    h = creator(client, world, resource)
    model = Demand if resource == "demands" else Talent
    before = count(db, model)
    payload = {**base_payload(resource), field: ["Python", "\udfff"]}
    response = post_json(client, f"/api/v1/{resource}?lang=en", h, payload)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["field"], error["index"], error["code"]) == (field, 1, "text_invalid_unicode")
    assert error["message"].startswith("Item 2: ")
    zh = post_json(client, f"/api/v1/{resource}?lang=zh", h, payload).json()["errors"][0]["message"]
    assert zh.startswith("第 2 项：")
    assert count(db, model) == before
    assert client.get(f"/api/v1/{resource}", headers=h).status_code == 200


@pytest.mark.parametrize(
    ("resource", "field", "value", "code", "index"),
    [
        ("demands", "title", "电气\x01工程师", "text_control_character", None),
        ("demands", "title", "电气\n工程师", "text_control_character", None),
        ("demands", "title", "电气\x00工程师", "text_control_character", None),
        ("demands", "work_location", "滨江\u2028区", "text_control_character", None),
        ("demands", "required_skills", ["C", "a\x0bb"], "text_control_character", 1),
        ("demands", "description", "第一行\x0c第二行", "text_control_character", None),
        ("talents", "name", "李\x7f明", "text_control_character", None),
        ("talents", "skills", ["Python\tSQL"], "text_control_character", 0),
        ("talents", "summary", "简历\x1b[31m", "text_control_character", None),
        ("talents", "employer", "临江\ufffe科技", "text_invalid_unicode", None),
        ("talents", "nationality", "\ud83d", "text_invalid_unicode", None),
    ],
)
def test_control_characters_and_invalid_unicode_are_refused_field_by_field(
    client: TestClient,
    world: World,
    db: Session,
    resource: str,
    field: str,
    value: Any,
    code: str,
    index: int | None,
) -> None:
    h = creator(client, world, resource)
    model = Demand if resource == "demands" else Talent
    before = count(db, model)
    response = post_json(client, f"/api/v1/{resource}", h, {**base_payload(resource), field: value})
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["field"], error["code"], error.get("index")) == (field, code, index)
    assert "字符" in error["message"]
    assert count(db, model) == before


def test_multi_line_fields_keep_line_breaks_and_tabs_and_text_is_stored_in_nfc(
    client: TestClient, world: World, db: Session
) -> None:
    h = creator(client, world, "demands")
    payload = {
        "kind": "job",
        "title": "Cafe\u0301 数据工程师",  # e + combining acute: NFC makes it one é
        "description": "第一行\r\n第二行\n\t缩进",
        "required_skills": ["e\u0301", "\u00e9", "SQL"],  # the same skill twice, once stored
    }
    response = post_json(client, "/api/v1/demands", h, payload)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["title"] == "Caf\u00e9 数据工程师"
    assert body["description"] == "第一行\n第二行\n\t缩进"
    assert body["required_skills"] == ["\u00e9", "SQL"]
    stored = db.get(Demand, body["id"])
    assert stored is not None
    db.refresh(stored)
    assert stored.title == "Caf\u00e9 数据工程师"


def test_the_page_form_refuses_the_same_characters_beside_the_field(
    client: TestClient, world: World, db: Session
) -> None:
    page_login(client, world.users["enterprise"])
    form = client.get("/demands/new")
    assert form.status_code == 200, form.text
    before = count(db, Demand)
    response = client.post(
        "/demands/new",
        data={
            "csrf_token": csrf_from(form.text),
            "kind": "job",
            "title": "电气\x01工程师",
            "headcount": "1",
            "required_skills": "Python，a\x0bb",
        },
        follow_redirects=False,
    )
    assert response.status_code == 422, response.text[:500]
    assert "U+0001" in response.text
    assert "第 2 项" in response.text
    assert count(db, Demand) == before


def test_the_public_form_refuses_control_characters(
    client: TestClient, world: World, db: Session
) -> None:
    from app.errors import FieldErrors
    from app.public.service import register_interest

    before = count(db, Talent)
    with pytest.raises(FieldErrors) as caught:
        register_interest(
            db,
            world.demands["general"].id,
            {"name": "王\x01五", "phone": "13800001111", "summary": "多行\n简介", "consent": "yes"},
        )
    assert [(e["field"], e["code"]) for e in caught.value.errors] == [
        ("name", "text_control_character")
    ]
    assert count(db, Talent) == before


def test_a_decision_reason_is_checked_on_the_page_and_the_api(
    client: TestClient, world: World, db: Session
) -> None:
    from app.models import Introduction
    from tests.app.review.test_review import bearer, seed_run

    suggestion = seed_run(db, world)["first"]
    reviewer = bearer(client.app, world.users["reviewer"])
    approved = client.post(f"/api/v1/suggestions/{suggestion.id}/approve", headers=reviewer)
    assert approved.status_code == 200, approved.text
    intro_id = approved.json()["introduction_id"]
    enterprise = bearer(client.app, world.users["enterprise"])
    api = post_json(
        client,
        f"/api/v1/introductions/{intro_id}/interest",
        enterprise,
        {"interested": False, "reason": "不合适\x1b[2J"},
    )
    assert api.status_code == 422, api.text
    assert [(e["field"], e["code"]) for e in api.json()["errors"]] == [
        ("reason", "text_control_character")
    ]
    page_login(client, world.users["enterprise"])
    page = client.get(f"/introductions/{intro_id}")
    response = client.post(
        f"/introductions/{intro_id}/interest",
        data={"csrf_token": csrf_from(page.text), "interested": "no", "reason": "不合适\x00"},
    )
    assert response.status_code == 422, response.text[:300]
    assert "U+0000" in response.text
    intro = db.get(Introduction, intro_id)
    assert intro is not None
    db.refresh(intro)
    assert (intro.status, intro.interested) == ("pending", None)


def test_an_import_row_with_a_control_character_is_a_row_error(
    client: TestClient, world: World
) -> None:
    h = token_headers(client, world.users["kejiju"])
    content = "姓名,授权日期,技能\n王\x01五,2026-03-01,Python\n赵六,2026-03-01,a\x0bb\n"
    response = upload(client, h, "talents", content.encode("utf-8"), "data.csv")
    assert response.status_code in (200, 201), response.text
    body = response.json()
    assert body["rows_valid"] == 0
    codes = {(e["row"], e["code"]) for e in body["errors"]}
    assert codes == {(2, "text_control_character"), (3, "text_control_character")}


# --- consent date ----------------------------------------------------------------------------


BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0001-01-01", "consent_date_too_early"),
        ("1999-12-31", "consent_date_too_early"),
        ("9999-12-31", "consent_date_future"),
        (
            (dt.datetime.now(BEIJING).date() + dt.timedelta(days=2)).isoformat(),
            "consent_date_future",
        ),
    ],
)
def test_consent_date_is_bounded(
    client: TestClient, world: World, db: Session, value: str, code: str
) -> None:
    h = creator(client, world, "talents")
    before = count(db, Talent)
    for lang, word in (("zh", "授权日期"), ("en", "consent date")):
        response = post_json(
            client, f"/api/v1/talents?lang={lang}", h, {"name": "陈静", "consent_date": value}
        )
        assert response.status_code == 422, response.text
        [error] = response.json()["errors"]
        assert (error["field"], error["code"]) == ("consent_date", code)
        assert word in error["message"]
    talent = world.talents["kejiju"]
    patched = client.patch(f"/api/v1/talents/{talent.id}", headers=h, json={"consent_date": value})
    assert patched.status_code == 422
    assert count(db, Talent) == before


def test_consent_date_accepts_2000_and_tomorrow_in_beijing(
    client: TestClient, world: World
) -> None:
    h = creator(client, world, "talents")
    tomorrow = (dt.datetime.now(BEIJING).date() + dt.timedelta(days=1)).isoformat()
    for value in ("2000-01-01", tomorrow):
        response = post_json(client, "/api/v1/talents", h, {"name": "陈静", "consent_date": value})
        assert response.status_code == 201, response.text
        assert response.json()["consent_date"] == value


# --- search hit ids --------------------------------------------------------------------------


def drain(client: TestClient, db: Session) -> None:
    """Apply the search outbox inside the test's transaction (no worker thread runs)."""
    context_of(client.app).indexer.drain(db)  # type: ignore[arg-type]


def test_search_hit_ids_are_integers(client: TestClient, world: World, db: Session) -> None:
    talent = make_talent(db, world.talents["kejiju"].organization, name="整数编号测试员")
    demand = make_demand(db, world.enterprises["general"], title="整数编号测试岗位")
    drain(client, db)
    h = token_headers(client, world.users["admin"])
    for index, q, expected in (
        ("talents", "整数编号测试员", talent.id),
        ("demands", "整数编号测试岗位", demand.id),
    ):
        body = client.get(
            f"/api/v1/search/{index}", params={"q": q, "semantic_ratio": 0}, headers=h
        ).json()
        ids = [hit["id"] for hit in body["items"]]
        assert expected in ids, body
        assert all(type(i) is int for i in ids)


# --- stored hostile values (rows from before the rule) ---------------------------------------


def _raw_json(db: Session, table: str, column: str, row_id: int, value: str) -> None:
    """Write JSON text straight into a column, bypassing every validation (an old row)."""
    cast = "CAST(:v AS JSON)" if db.get_bind().dialect.name == "postgresql" else ":v"
    db.execute(
        text(f"UPDATE {table} SET {column} = {cast} WHERE id = :id"), {"v": value, "id": row_id}
    )
    db.expire_all()


def session_factory_in(db: Session) -> Callable[[], Session]:
    """Sessions on the test's connection, so a match run sees and leaves rolled-back data."""
    return lambda: Session(
        bind=db.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )


HOSTILE_LIST = '["\\udfff", "+cmd\\u000b", "ok\\u0000"]'


@pytest.fixture
def hostile(world: World, db: Session) -> World:
    demand = make_demand(
        db, world.enterprises["general"], title=HYPERLINK + "\x01\n旧数据", description="\x0b\x1b"
    )
    talent = make_talent(
        db, world.talents["kejiju"].organization, name="旧\x01数据", summary="简介\x0c\x7f"
    )
    _raw_json(db, "demands", "required_skills", demand.id, HOSTILE_LIST)
    _raw_json(db, "talents", "skills", talent.id, HOSTILE_LIST)
    world.demands["hostile"], world.talents["hostile"] = demand, talent
    return world


def xlsx_cells(content: bytes) -> list[Any]:
    wb = load_workbook(io.BytesIO(content))
    return [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]


def csv_cells(content: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for c in row]


def test_stored_hostile_text_never_breaks_lists_pages_exports_search_or_match_runs(
    client: TestClient, hostile: World, db: Session
) -> None:
    w = hostile
    admin = token_headers(client, w.users["admin"])
    demand, talent = w.demands["hostile"], w.talents["hostile"]
    listed = client.get("/api/v1/demands", headers=admin)
    assert listed.status_code == 200
    [row] = [d for d in listed.json()["items"] if d["id"] == demand.id]
    assert row["required_skills"] == ["", "+cmd\x0b", "ok\x00"]  # the surrogate is dropped
    assert client.get(f"/api/v1/talents/{talent.id}", headers=admin).status_code == 200
    assert client.get("/public/demands").status_code == 200
    page_login(client, w.users["admin"])
    assert client.get("/demands").status_code == 200
    assert client.get("/talents").status_code == 200
    for resource in ("demands", "talents"):
        for fmt in ("xlsx", "csv"):
            response = client.get(f"/api/v1/{resource}/export?format={fmt}", headers=admin)
            assert response.status_code == 200, (resource, fmt, response.text[:300])
            cells = xlsx_cells(response.content) if fmt == "xlsx" else csv_cells(response.content)
            texts = [c for c in cells if isinstance(c, str)]
            assert not any(t.startswith(FORMULA_STARTS) for t in texts), (resource, fmt)
            assert not any(ch in t for t in texts for ch in "\x00\x01\x0b\x0c\x1b\x7f")
    drain(client, db)
    assert context_of(client.app).indexer.pending(db) == 0  # type: ignore[arg-type]
    found = client.get(
        "/api/v1/search/demands", params={"q": "旧数据", "semantic_ratio": 0}, headers=admin
    ).json()
    assert demand.id in [h["id"] for h in found["items"]]
    response = client.post("/api/v1/match-runs", headers=admin, json={})
    assert response.status_code == 202, response.text
    run_id = response.json()["id"]
    execute_run(session_factory_in(db), run_id, context_of(client.app).settings)  # type: ignore[arg-type]
    run = db.get(MatchRun, run_id)
    assert run is not None
    db.refresh(run)
    assert (run.status, run.error) == ("succeeded", None)


def test_a_text_without_words_is_indexed_by_keyword_and_does_not_block_the_outbox(
    client: TestClient, world: World, db: Session
) -> None:
    org = world.talents["kejiju"].organization
    talent = make_talent(
        db, org, name="👩‍👩‍👧", skills=[], summary="", position=None, major=None,
        professional_title=None,
    )  # fmt: skip
    later = make_talent(db, org, name="排在后面的人才")
    drain(client, db)
    assert context_of(client.app).indexer.pending(db) == 0  # type: ignore[arg-type]
    admin = token_headers(client, world.users["admin"])
    for q, expected in (("排在后面的人才", later.id), ("👩‍👩‍👧", talent.id)):
        found = client.get(
            "/api/v1/search/talents", params={"q": q, "semantic_ratio": 0}, headers=admin
        ).json()
        assert expected in [h["id"] for h in found["items"]], (q, found)


# --- mail ------------------------------------------------------------------------------------


def test_a_newline_in_a_stored_demand_title_does_not_stop_the_mail(
    live_factory: Any, smtp: Any
) -> None:
    controller, inbox = smtp
    live = live_factory(smtp_host="127.0.0.1", smtp_port=controller.port).start()
    with live.session() as s:
        w = make_world(s)
        w.users["kejiju"].email = "kejiju@example.org"
        w.demands["general"].title = "嵌入式\r\nBcc: victim@example.org\n工程师\x01"
        s.commit()
    headers = token_headers(live.client, w.users["admin"])
    due = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    response = live.client.post(
        f"/api/v1/demands/{w.demands['general'].id}/dispatches",
        headers=headers,
        json={"organization_id": w.users["kejiju"].organization_id, "due_date": due},
    )
    assert response.status_code in (200, 201), response.text
    inbox.wait()
    [message] = inbox.messages
    assert message["Bcc"] is None
    subject = str(make_header(decode_header(message["Subject"])))
    assert "嵌入式 Bcc: victim@example.org 工程师" in subject
    assert "\n" not in subject
    assert message["To"] == "kejiju@example.org"


# --- one spreadsheet writer ------------------------------------------------------------------


def _escaped(cells: list[Any]) -> None:
    texts = [c for c in cells if isinstance(c, str)]
    assert not any(t.startswith(FORMULA_STARTS) for t in texts), [
        t for t in texts if t.startswith(FORMULA_STARTS)
    ]


def test_formulas_are_escaped_in_every_download(
    client: TestClient, world: World, db: Session
) -> None:
    demand = make_demand(
        db, world.enterprises["general"], title=HYPERLINK, required_skills=["+cmd", "Python"]
    )
    drain(client, db)
    admin = token_headers(client, world.users["admin"])
    downloads: dict[str, bytes] = {}
    for fmt in ("xlsx", "csv"):
        downloads[f"export.{fmt}"] = client.get(
            f"/api/v1/demands/export?format={fmt}", headers=admin
        ).content
        downloads[f"search.{fmt}"] = client.get(
            "/api/v1/search/demands/export",
            params={"q": "", "format": fmt, "enterprise_id": demand.enterprise_id},
            headers=admin,
        ).content
    downloads["dashboard.csv"] = client.get(
        "/api/v1/dashboards?format=csv&table=demands", headers=admin
    ).content
    month = dt.datetime.now(dt.UTC).strftime("%Y-%m")
    downloads["monthly.xlsx"] = client.get(
        f"/api/v1/dashboards/monthly.xlsx?month={month}", headers=admin
    ).content
    for name, content in downloads.items():
        cells = xlsx_cells(content) if name.endswith("xlsx") else csv_cells(content)
        _escaped(cells)
        assert "'" + HYPERLINK in cells, name
        if name.startswith(("export", "search")):
            assert "'+cmd、Python" in cells, name


def test_the_import_error_report_escapes_its_header_and_cells(
    client: TestClient, world: World
) -> None:
    h = token_headers(client, world.users["kejiju"])
    content = "姓名,授权日期,=cmd|' /C calc'!A0\n王五,不是日期,@SUM(1+1)\n"
    body = upload(client, h, "talents", content.encode("utf-8"), "data.csv").json()
    report = client.get(f"/api/v1/imports/{body['id']}/errors.xlsx", headers=h)
    assert report.status_code == 200, report.text
    cells = xlsx_cells(report.content)
    _escaped(cells)
    assert "'=cmd|' /C calc'!A0" in cells
    assert "'@SUM(1+1)" in cells


# --- property: hostile and odd text through create -> list -> export -> search -> match run --

ODD_TEXT = [
    "😀👩‍👩‍👧",  # emoji with zero-width joiners
    "مرحبا بالعالم",  # Arabic, right to left
    "שלום עולם",  # Hebrew
    "e\u0301te\u0301",  # combining marks (stored as NFC)
    "𠀀𠀁𪚥",  # CJK extension B
    "a\u200db\u200cc",  # zero-width joiner and non-joiner
    "漢字かなカナ",
    "Ａ１＠全角",
]
BAD_CHARS = ["\x00", "\x01", "\x08", "\x1b", "\x7f", "\x9f", "\udfff", "\ud800", "\ufffe"]
LINE_BREAKS = ["\n", "\r", "\t", "\u2028"]  # refused in one-line fields only

FIELDS = {
    "demands": {"title": "one", "description": "multi", "work_location": "one",
                "required_skills": "list", "languages": "list"},
    "talents": {"name": "one", "summary": "multi", "employer": "one", "skills": "list",
                "preferred_locations": "list"},
}  # fmt: skip


def _odd_strategy(max_size: int) -> Any:
    from hypothesis import strategies as st

    generated = st.text(
        alphabet=st.characters(
            exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="\ufffe\uffff"
        ),
        min_size=2,
        max_size=max_size,
    ).filter(lambda s: s == s.strip() and len(s) >= 2)
    return st.one_of(st.sampled_from(ODD_TEXT), generated)


def _nfc(value: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", value)


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def test_hostile_and_odd_text_property(client: TestClient, world: World, db: Session) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    admin = token_headers(client, world.users["admin"])
    makers = {r: creator(client, world, r) for r in FIELDS}
    created: list[tuple[str, int]] = []
    serial = iter(range(10**6))

    def draw_case(draw: Any) -> dict[str, Any]:
        resource = draw(st.sampled_from(sorted(FIELDS)))
        values = {
            name: (
                draw(st.lists(_odd_strategy(12), min_size=1, max_size=3, unique_by=_nfc))
                if kind == "list"
                else draw(_odd_strategy(20))
            )
            for name, kind in FIELDS[resource].items()
        }
        bad = None
        if draw(st.booleans()):
            field = draw(st.sampled_from(sorted(FIELDS[resource])))
            kind = FIELDS[resource][field]
            char = draw(st.sampled_from(BAD_CHARS if kind == "multi" else BAD_CHARS + LINE_BREAKS))
            index = draw(st.integers(0, len(values[field]) - 1)) if kind == "list" else None
            target = values[field][index] if index is not None else values[field]
            at = draw(st.integers(1, len(target) - 1))
            spoiled = target[:at] + char + target[at:]
            if index is not None:
                values[field] = [*values[field][:index], spoiled, *values[field][index + 1 :]]
            else:
                values[field] = spoiled
            bad = (field, index)
        return {"resource": resource, "values": values, "bad": bad}

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(data=st.data())
    def one(data: Any) -> None:
        case = draw_case(data.draw)
        resource, values, bad = case["resource"], dict(case["values"]), case["bad"]
        marker = f"hx{next(serial)}q{time.monotonic_ns() % 10**9}"
        key = "title" if resource == "demands" else "name"
        values[key] = f"{values[key]} {marker}"
        payload = {**base_payload(resource), **values}
        response = post_json(client, f"/api/v1/{resource}", makers[resource], payload)
        if bad is not None:
            assert response.status_code == 422, response.text
            errors = response.json()["errors"]
            assert [(e["field"], e.get("index")) for e in errors] == [bad]
            assert errors[0]["code"] in ("text_invalid_unicode", "text_control_character")
            return
        assert response.status_code == 201, response.text
        body = response.json()
        for name, kind in FIELDS[resource].items():
            expected = [_nfc(v) for v in values[name]] if kind == "list" else _nfc(values[name])
            assert body[name] == expected, name
        created.append((resource, body["id"]))
        listed = client.get(f"/api/v1/{resource}", params={"limit": 100}, headers=admin).json()
        [row] = [item for item in listed["items"] if item["id"] == body["id"]]
        assert row[key] == body[key]
        export = csv_cells(
            client.get(f"/api/v1/{resource}/export?format=csv", headers=admin).content
        )
        assert _cell(body[key]) in export
        list_field = next(n for n, k in FIELDS[resource].items() if k == "list")
        assert _cell("、".join(body[list_field])) in export
        drain(client, db)
        found = client.get(
            f"/api/v1/search/{resource}", params={"q": marker, "semantic_ratio": 0}, headers=admin
        ).json()
        hits = {h["id"]: h["fields"] for h in found["items"]}
        assert body["id"] in hits, found
        assert hits[body["id"]][key] == body[key]

    one()
    assert created, "no good example was generated"
    response = client.post("/api/v1/match-runs", headers=admin, json={})
    assert response.status_code == 202, response.text
    run_id = response.json()["id"]
    execute_run(session_factory_in(db), run_id, context_of(client.app).settings)  # type: ignore[arg-type]
    run = db.get(MatchRun, run_id)
    assert run is not None
    db.refresh(run)
    assert (run.status, run.error) == ("succeeded", None)
