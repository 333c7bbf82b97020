"""Spreadsheet import: templates, preview with row errors, commit, idempotent re-upload,
bad files, scoping; and exports that re-import as they are."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.context import context_of
from app.models import Demand, Enterprise, ImportBatch, Talent
from app.models.enums import OrgKind
from tests.app.helpers import commit_import, token_headers
from tests.factories import World, credit_code, make_talent, make_world

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TALENT_HEADER = ["本单位编号", "姓名*", "性别", "出生年份", "最高学历", "毕业院校", "现工作单位",
                 "手机号码", "电子邮箱", "授权日期*", "技能"]  # fmt: skip


@pytest.fixture
def world(db: Session) -> World:
    return make_world(db)


def headers(client: TestClient, w: World, role: str) -> dict[str, str]:
    if role not in w.headers:
        w.headers[role] = token_headers(client, w.users[role])
    return w.headers[role]


def xlsx(rows: list[list[Any]], *, title_row: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if title_row:
        ws.append([title_row])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(
    client: TestClient, h: dict[str, str], kind: str, content: bytes, name: str = "data.xlsx",
    lang: str = "zh", **form: Any,
) -> Any:  # fmt: skip
    return client.post(
        f"/api/v1/imports?lang={lang}",
        headers=h,
        data={"kind": kind, **form},
        files={"file": (name, content, XLSX if name.endswith("xlsx") else "text/csv")},
    )


def talent_rows(n: int, *, prefix: str = "KJ") -> list[list[Any]]:
    return [
        [f"{prefix}-{i:04d}", f"测试{i}", "男", 1985 + i % 10, "硕士", "浙江大学", "临江数智",
         f"1370000{i:04d}", f"t{i}@example.com", "2026-03-01", "Python、SQL"]
        for i in range(n)
    ]  # fmt: skip


def count(db: Session, model: Any, *where: Any) -> int:
    return int(db.scalar(select(func.count()).select_from(model).where(*where)) or 0)


# --- templates -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["talents", "enterprises", "demands"])
def test_template_has_chinese_headers_dropdowns_examples_and_instructions(
    client: TestClient, world: World, kind: str
) -> None:
    role = {"talents": "kejiju", "enterprises": "chamber", "demands": "chamber"}[kind]
    r = client.get(f"/api/v1/imports/templates/{kind}", headers=headers(client, world, role))
    assert r.status_code == 200
    assert r.headers["content-type"] == XLSX
    wb = load_workbook(io.BytesIO(r.content))
    data, examples, info = wb.worksheets[0], wb.worksheets[1], wb.worksheets[2]
    header = [c.value for c in data[1]]
    assert examples.title == "填写示例"
    assert info.title == "填写说明"
    assert examples.max_row >= 2
    assert data.data_validations.dataValidation, "enumerations need drop-downs"
    if kind == "talents":
        assert "姓名*" in header
        assert "最高学历" in header
        lists = wb["选项"]
        col = header.index("最高学历") + 1
        assert [lists.cell(row=i, column=col).value for i in range(2, 7)] == [
            "高中及以下", "大专", "本科", "硕士", "博士",
        ]  # fmt: skip


def test_template_in_english(client: TestClient, world: World) -> None:
    r = client.get(
        "/api/v1/imports/templates/talents?lang=en", headers=headers(client, world, "kejiju")
    )
    header = [c.value for c in load_workbook(io.BytesIO(r.content)).worksheets[0][1]]
    assert "Name*" in header
    assert "Highest education" in header


def test_template_round_trip_of_examples_imports_cleanly(client: TestClient, world: World) -> None:
    h = headers(client, world, "kejiju")
    wb = load_workbook(
        io.BytesIO(client.get("/api/v1/imports/templates/talents", headers=h).content)
    )
    wb.move_sheet("填写示例", offset=-1)  # the examples sheet first: upload it as data
    out = io.BytesIO()
    wb.save(out)
    body = upload(client, h, "talents", out.getvalue()).json()
    assert body["rows_read"] == 2, body
    assert body["errors"] == []


# --- preview, errors, commit -----------------------------------------------------------------


def test_preview_then_commit_then_reupload_creates_nothing(
    client: TestClient, world: World, db: Session
) -> None:
    h = headers(client, world, "kejiju")
    content = xlsx([TALENT_HEADER, *talent_rows(30)])
    before = count(db, Talent)
    preview = upload(client, h, "talents", content)
    assert preview.status_code == 201, preview.text
    body = preview.json()
    assert (body["rows_read"], body["rows_valid"], body["errors"]) == (30, 30, [])
    assert body["to_create"] == 30
    assert count(db, Talent) == before, "a preview writes nothing"
    assert client.get(f"/api/v1/imports/{body['id']}", headers=h).json()["rows_valid"] == 30

    result = commit_import(client, db, body["id"], h)
    assert result["created"] == 30
    assert result["updated"] == 0
    assert count(db, Talent) == before + 30
    again = client.post(f"/api/v1/imports/{body['id']}/commit", headers=h)
    assert again.status_code == 409

    second = upload(client, h, "talents", content).json()
    assert second["to_create"] == 0
    assert second["to_update"] == 30
    result = commit_import(client, db, second["id"], h)
    assert result == {"id": second["id"], "status": "committed", "created": 0, "updated": 0,
                      "unchanged": 30, "skipped": 0}  # fmt: skip
    assert count(db, Talent) == before + 30


def test_changed_rows_update_by_external_key(client: TestClient, world: World, db: Session) -> None:
    h = headers(client, world, "kejiju")
    rows = talent_rows(3)
    first = upload(client, h, "talents", xlsx([TALENT_HEADER, *rows])).json()
    commit_import(client, db, first["id"], h)
    rows[1][5] = "清华大学"
    second = upload(client, h, "talents", xlsx([TALENT_HEADER, *rows])).json()
    result = commit_import(client, db, second["id"], h)
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 1, 2)
    talent = db.scalar(select(Talent).where(Talent.external_key == "KJ-0001"))
    assert talent is not None
    assert talent.school == "清华大学"


def test_a_dozen_typical_mistakes_are_named_by_row_and_column(
    client: TestClient, world: World
) -> None:
    h = headers(client, world, "kejiju")
    good = talent_rows(14)
    mistakes = {
        0: (1, ""),  # name missing
        1: (4, "小学文凭"),  # unknown education
        2: (7, "1380013800"),  # phone too short
        3: (8, "not-an-email"),
        4: (9, "2024-13-45"),  # impossible date
        5: (3, "一九九零"),  # birth year not a number
        6: (3, 2999),  # birth year in the future
        7: (2, "未知"),  # gender
        8: (0, "KJ-0000"),  # external key repeated (row 2 has it)
        9: (9, ""),  # consent date missing
        10: (3, 1800),  # too old
        11: (8, "a@b"),  # e-mail without a domain dot
    }
    for i, (col, value) in mistakes.items():
        good[i + 1][col] = value
    body = upload(client, h, "talents", xlsx([TALENT_HEADER, *good])).json()
    assert body["rows_read"] == 14
    assert body["rows_valid"] == 2
    by_row = {(e["row"], e["column"]) for e in body["errors"]}
    expected = {
        (3, "姓名*"), (4, "最高学历"), (5, "手机号码"), (6, "电子邮箱"), (7, "授权日期*"),
        (8, "出生年份"), (9, "出生年份"), (10, "性别"), (11, "本单位编号"), (12, "授权日期*"),
        (13, "出生年份"), (14, "电子邮箱"),
    }  # fmt: skip
    assert by_row == expected
    messages = {e["row"]: e["message"] for e in body["errors"]}
    assert "硕士" in messages[4]
    assert "本科" in messages[4]
    assert "第 2 行" in messages[11]


def test_errors_in_english(client: TestClient, world: World) -> None:
    h = headers(client, world, "kejiju")
    rows = talent_rows(1)
    rows[0][4] = "小学文凭"
    body = upload(client, h, "talents", xlsx([TALENT_HEADER, *rows]), lang="en").json()
    assert body["errors"][0]["message"].startswith("Use one of: High school or below")
    imp = client.get(f"/api/v1/imports/{body['id']}?lang=en", headers=h).json()
    assert imp["errors"][0]["message"].startswith("Use one of")


def test_cells_as_people_type_them(client: TestClient, world: World, db: Session) -> None:
    h = headers(client, world, "kejiju")
    header = ["本单位编号", "姓名", "学历", "出生年份", "手机", "邮箱", "授权日期", "留学回国人员",
              "期望月薪（元）", "工作年限"]  # fmt: skip
    rows = [
        ["Ａ-1", " 李  明 ", "大学本科", "１９９０", "+86 138 0013 8000", " LI@Example.com ",
         dt.datetime(2024, 3, 1), "是", "1.5万", "8年"],
        ["A-2", "王芳", "学士", "1991年", "138-0013-8001", "wf@example.com", "2024/3/1", "否",
         15000, 5],
        ["A-3", "赵磊", "硕士研究生", 1992.0, "(+86)13800138002", "zl@example.com", "2024年3月1日",
         "Y", "12000", "3"],
        ["A-4", "陈静", "博士", "1993", "0086 13800138003", "cj@example.com", 45352, "N", None, None],  # noqa: E501
    ]  # fmt: skip
    body = upload(client, h, "talents", xlsx([header, *rows])).json()
    assert body["errors"] == [], body["errors"]
    commit_import(client, db, body["id"], h)
    li = db.scalar(select(Talent).where(Talent.external_key == "A-1"))
    assert li is not None
    assert (li.name, li.education, li.birth_year, li.phone) == (
        "李明",
        "bachelor",
        1990,
        "13800138000",
    )
    assert li.consent_date == dt.date(2024, 3, 1)
    assert li.is_returnee
    assert li.expected_salary == 15000
    assert li.years_experience == 8
    assert li.email == "LI@example.com"
    others = {
        t.external_key: t for t in db.scalars(select(Talent).where(Talent.external_key.like("A-%")))
    }
    assert others["A-2"].education == "bachelor"
    assert others["A-3"].education == "master"
    assert all(t.consent_date == dt.date(2024, 3, 1) for t in others.values())
    assert others["A-4"].phone == "13800138003"


def test_merged_title_row_above_the_header(client: TestClient, world: World) -> None:
    h = headers(client, world, "kejiju")
    body = upload(
        client, h, "talents", xlsx([TALENT_HEADER, *talent_rows(2)], title_row="科技局人才名单")
    ).json()
    assert (body["rows_valid"], body["errors"]) == (2, [])


def test_two_row_header_from_merged_group_cells(client: TestClient, world: World) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "授权日期", "联系方式", None])
    ws.append([None, None, "手机号码", "电子邮箱"])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws.merge_cells("C1:D1")
    ws.append(["周敏", "2026-01-02", "13900001111", "zm@example.com"])
    out = io.BytesIO()
    wb.save(out)
    body = upload(client, headers(client, world, "kejiju"), "talents", out.getvalue()).json()
    assert (body["rows_read"], body["rows_valid"], body["errors"]) == (1, 1, [])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_usual_encoding(client: TestClient, world: World, encoding: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([TALENT_HEADER, *talent_rows(3)])
    content = buffer.getvalue().encode(encoding)
    body = upload(client, headers(client, world, "kejiju"), "talents", content, "名单.csv").json()
    assert (body["rows_valid"], body["errors"]) == (3, [])


def test_error_report_has_the_original_rows_and_an_error_column(
    client: TestClient, world: World
) -> None:
    h = headers(client, world, "kejiju")
    rows = talent_rows(3)
    rows[1][7] = "12345"
    body = upload(client, h, "talents", xlsx([TALENT_HEADER, *rows])).json()
    r = client.get(f"/api/v1/imports/{body['id']}/errors.xlsx", headers=h)
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    values = list(ws.iter_rows(values_only=True))
    assert values[0][:3] == ("行号", "错误说明", "本单位编号")
    assert len(values) == 2
    assert values[1][0] == 3
    assert "手机号码" in values[1][1]
    assert values[1][2] == "KJ-0001"


# --- bad files -----------------------------------------------------------------------------


def _broken_xlsx() -> bytes:
    good = xlsx([TALENT_HEADER, *talent_rows(2)])
    return good[: len(good) // 2]


def _empty_xlsx() -> bytes:
    return xlsx([[None]])


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        (
            "photo.xlsx",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
            "import_not_spreadsheet",
        ),
        ("data.xlsx", b"PK\x03\x04broken", "import_file_corrupt"),
        ("data.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "import_xls_unsupported"),
        ("data.xlsx", b"", "import_empty"),
        ("data.csv", "姓名,授权日期\n".encode(), "import_empty"),
        ("data.csv", "名字,电话\n张三,13800000000\n".encode(), "import_missing_columns"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    client: TestClient, world: World, db: Session, name: str, content: bytes, code: str
) -> None:
    before = count(db, ImportBatch)
    r = upload(client, headers(client, world, "kejiju"), "talents", content, name)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == code
    assert r.json()["message"]
    assert count(db, ImportBatch) == before


def test_truncated_and_empty_xlsx(client: TestClient, world: World) -> None:
    h = headers(client, world, "kejiju")
    assert upload(client, h, "talents", _broken_xlsx()).json()["code"] == "import_file_corrupt"
    assert upload(client, h, "talents", _empty_xlsx()).json()["code"] == "import_empty"
    assert zipfile.is_zipfile(io.BytesIO(_empty_xlsx()))


def test_missing_required_columns_are_named(client: TestClient, world: World) -> None:
    content = xlsx([["姓名", "手机号码"], ["张三", "13800000000"]])
    body = upload(client, headers(client, world, "kejiju"), "talents", content).json()
    assert body["code"] == "import_missing_columns"
    assert "授权日期" in body["message"]
    en = upload(client, headers(client, world, "kejiju"), "talents", content, lang="en").json()
    assert "Consent date" in en["message"]


def test_more_than_the_row_limit_is_refused(client: TestClient, world: World, db: Session) -> None:
    from app.imports import reader

    # Rows with only a remark: cheap to read, and still counted.
    lines = ["姓名,授权日期,备注"] + [",,x"] * (reader.MAX_ROWS + 1)
    before = count(db, ImportBatch)
    r = upload(
        client, headers(client, world, "kejiju"), "talents", "\n".join(lines).encode(), "big.csv"
    )
    assert r.status_code == 422
    assert r.json()["code"] == "import_too_many_rows"
    assert count(db, ImportBatch) == before


def test_upload_over_the_size_limit_is_413(client: TestClient, world: World, app: Any) -> None:
    limit = context_of(app).settings.max_upload_bytes
    r = upload(client, headers(client, world, "kejiju"), "talents", b"a" * (limit + 10), "big.csv")
    assert r.status_code == 413
    assert r.json()["code"] == "body_too_large"


# --- scoping ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "kind", "status"),
    [
        ("chamber", "talents", 403),
        ("enterprise", "talents", 403),
        ("kejiju", "enterprises", 403),
        ("kejiju", "demands", 403),
        ("enterprise", "enterprises", 403),
        ("reviewer", "talents", 403),
        ("admin", "talents", 422),  # the office must name the agency
    ],
)
def test_who_may_import_what(
    client: TestClient, world: World, role: str, kind: str, status: int
) -> None:
    r = upload(client, headers(client, world, role), kind, xlsx([TALENT_HEADER, *talent_rows(1)]))
    assert r.status_code == status, r.text


def test_another_agencys_import_is_not_found(client: TestClient, world: World) -> None:
    body = upload(client, headers(client, world, "kejiju"), "talents",
                  xlsx([TALENT_HEADER, *talent_rows(1)])).json()  # fmt: skip
    other = headers(client, world, "renshe")
    assert client.get(f"/api/v1/imports/{body['id']}", headers=other).status_code == 404
    assert client.post(f"/api/v1/imports/{body['id']}/commit", headers=other).status_code == 404
    assert client.get(f"/api/v1/imports/{body['id']}/errors.xlsx", headers=other).status_code == 404


def test_agency_cannot_update_another_agencys_talent_by_system_id(
    client: TestClient, world: World
) -> None:
    content = xlsx(
        [["系统编号", "姓名", "授权日期"], [world.talents["renshe"].id, "篡改", "2026-01-01"]]
    )
    body = upload(client, headers(client, world, "kejiju"), "talents", content).json()
    assert body["rows_valid"] == 0
    assert body["errors"][0]["column"] == "系统编号"


def test_office_imports_for_a_named_agency(client: TestClient, world: World, db: Session) -> None:
    h = headers(client, world, "admin")
    org = world.orgs[OrgKind.science_bureau]
    body = upload(client, h, "talents", xlsx([TALENT_HEADER, *talent_rows(2, prefix="OF")]),
                  organization_id=str(org.id)).json()  # fmt: skip
    commit_import(client, db, body["id"], h)
    assert (
        count(db, Talent, Talent.external_key.like("OF-%"), Talent.organization_id == org.id) == 2
    )


def test_chamber_imports_enterprises_and_their_demands(
    client: TestClient, world: World, db: Session
) -> None:
    h = headers(client, world, "chamber")
    code = credit_code(987654)
    ent = xlsx([["企业名称", "统一社会信用代码", "行业门类", "所在区县", "企业规模", "联系人", "联系电话"],  # noqa: E501
                ["临江新导入科技有限公司", code, "I", "滨江区", "小型", "刘经理", "0371-65551234"],
                ["被占用的公司", world.enterprises["youth"].credit_code, "C 制造业", "高新区", "中",
                 "李", "13800000000"]])  # fmt: skip
    body = upload(client, h, "enterprises", ent).json()
    assert body["rows_valid"] == 1
    assert body["errors"][0]["row"] == 3
    assert body["errors"][0]["code"] == "credit_code_taken"
    commit_import(client, db, body["id"], h)
    new = db.scalar(select(Enterprise).where(Enterprise.credit_code == code))
    assert new is not None
    assert new.chamber_id == world.orgs[OrgKind.general_chamber].id

    dem = xlsx([["企业统一社会信用代码", "需求类型", "标题", "需求人数", "最低学历", "最低月薪", "最高月薪"],  # noqa: E501
                [code, "岗位", "数据工程师", 2, "本科", 10000, 20000],
                [world.enterprises["youth"].credit_code, "岗位", "越界需求", 1, "本科", None, None],
                [code, "项目", "联合研发", 1, None, 30000, 20000]])  # fmt: skip
    body = upload(client, h, "demands", dem).json()
    assert body["rows_valid"] == 1
    assert {(e["row"], e["code"]) for e in body["errors"]} == {
        (3, "enterprise_unknown"), (4, "salary_range"),
    }  # fmt: skip
    result = commit_import(client, db, body["id"], h)
    assert (result["created"], result["skipped"]) == (1, 2)
    assert count(db, Demand, Demand.enterprise_id == new.id) == 1


# --- export ----------------------------------------------------------------------------------


def test_agency_export_reimports_as_is(client: TestClient, world: World, db: Session) -> None:
    h = headers(client, world, "kejiju")
    kejiju = world.orgs[OrgKind.science_bureau]
    make_talent(db, kejiju, name="=HYPERLINK(\"http://evil\")", external_key="K-EVIL",
                skills=["-rm", "@SUM(A1)"])  # fmt: skip
    make_talent(db, kejiju, name="Anna Müller", external_key="K-ANNA", gender=None,
                education="doctor", is_foreign_national=True, nationality="德国")  # fmt: skip
    total = count(db, Talent, Talent.organization_id == kejiju.id)
    for fmt in ("xlsx", "csv"):
        r = client.get(f"/api/v1/talents/export?format={fmt}", headers=h)
        assert r.status_code == 200, r.text
        body = upload(client, h, "talents", r.content, f"export.{fmt}").json()
        assert (body["rows_read"], body["errors"]) == (total, []), body["errors"]
        result = commit_import(client, db, body["id"], h)
        assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, total)
    evil = db.scalar(select(Talent).where(Talent.external_key == "K-EVIL"))
    assert evil is not None
    assert evil.name.startswith("=HYPERLINK")
    assert evil.skills == ["-rm", "@SUM(A1)"]


def test_export_escapes_formulas(client: TestClient, world: World, db: Session) -> None:
    make_talent(db, world.orgs[OrgKind.science_bureau], name="=1+2", major="+SUM", school="@x")
    h = headers(client, world, "kejiju")
    text = client.get("/api/v1/talents/export?format=csv", headers=h).content.decode("utf-8-sig")
    assert "'=1+2" in text
    assert "'+SUM" in text
    assert "'@x" in text
    ws = load_workbook(io.BytesIO(client.get("/api/v1/talents/export", headers=h).content)).active
    assert ws is not None
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "'=1+2" in cells
    assert not any(c.startswith("=") for c in cells)


def test_export_applies_scope_masking_and_filters(
    client: TestClient, world: World, db: Session
) -> None:
    r = client.get("/api/v1/talents/export?format=csv", headers=headers(client, world, "kejiju"))
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert world.talents["kejiju"].name in rows[1]
    assert (
        client.get("/api/v1/talents/export", headers=headers(client, world, "chamber")).status_code
        == 403
    )
    # Enterprise contact phones are masked for agencies, as in the list.
    r = client.get(
        "/api/v1/enterprises/export?format=csv", headers=headers(client, world, "kejiju")
    )
    text = r.content.decode("utf-8-sig")
    assert "138****5678" in text
    assert "13812345678" not in text
    r = client.get(
        "/api/v1/demands/export?format=csv&status=draft", headers=headers(client, world, "youth")
    )
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row[3] for row in rows[1:]] == ["草稿需求"]


def test_export_in_english(client: TestClient, world: World) -> None:
    r = client.get(
        "/api/v1/talents/export?format=csv&lang=en", headers=headers(client, world, "kejiju")
    )
    header = next(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert "Name" in header
    assert "Highest education" in header
