"""Hostile and awkward import files: decompression bombs and other limits, row errors that must
stay row errors, parallel commits of one import, and erasure reaching an error report."""

from __future__ import annotations

import io
import re
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import get_session
from app.imports.service import run_commit
from app.main import create_app
from app.models import ImportBatch, ImportRow, Talent
from app.models.enums import OrgKind
from tests.app.helpers import commit_import, page_login, sessions_in, token_headers
from tests.factories import World, make_talent, make_world

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["本单位编号", "姓名*", "手机号码", "电子邮箱", "授权日期*", "职业编码"]
MIB = 1_048_576


@pytest.fixture
def world(db: Session) -> World:
    return make_world(db)


def agency(client: TestClient, w: World) -> dict[str, str]:
    return token_headers(client, w.users["kejiju"])


def workbook(rows: list[list[Any]]) -> bytes:
    wb = Workbook()  # the full writer keeps texts in xl/sharedStrings.xml, as Excel does
    ws = wb.active
    assert ws is not None
    for row in [HEADER, *rows]:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rows(n: int, prefix: str = "F") -> list[list[Any]]:
    return [
        [f"{prefix}-{i:04d}", f"文件{i}", f"1390000{i:04d}", f"f{i}@example.com", "2026-03-01", ""]
        for i in range(n)
    ]


def upload(client: TestClient, h: dict[str, str], content: bytes, lang: str = "zh") -> Any:
    return client.post(
        f"/api/v1/imports?lang={lang}",
        headers=h,
        data={"kind": "talents"},
        files={"file": ("data.xlsx", content, XLSX)},
    )


def count(db: Session, model: Any) -> int:
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def with_part(content: bytes, name: str, write: Any) -> bytes:
    """The workbook with one part replaced or added: `write(stream)` writes the part,
    streamed, so a part of hundreds of megabytes never sits in memory and the file stays
    small. (openpyxl writes no shared strings: Excel does, and any part is unpacked.)"""
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            if item.filename != name:
                dst.writestr(item, src.read(item.filename))
        with dst.open(name, "w", force_zip64=True) as stream:
            write(stream)
    return out.getvalue()


SST_HEAD = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def huge_string(megabytes: int) -> Any:
    def write(stream: Any) -> None:
        stream.write(SST_HEAD + b"<si><t>")
        block = b"a" * MIB
        for _ in range(megabytes):
            stream.write(block)
        stream.write(b"</t></si></sst>")

    return write


def many_strings(n: int) -> Any:
    def write(stream: Any) -> None:
        stream.write(SST_HEAD)
        block = b"<si><t>x</t></si>" * 10_000
        for _ in range(n // 10_000 + 1):
            stream.write(block)
        stream.write(b"</sst>")

    return write


def assert_refused(
    db: Session, r: Any, status: int, code: str, before: tuple[int, int], *, message: str
) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code
    assert message in body["message"]
    assert (count(db, ImportBatch), count(db, ImportRow)) == before


# --- limits ------------------------------------------------------------------------------------


def test_shared_strings_unpacking_beyond_the_limit_are_refused_with_413(
    client: TestClient, world: World, db: Session, settings: Settings
) -> None:
    limit_mb = settings.import_max_unpacked_bytes // MIB
    bomb = with_part(workbook(rows(2)), "xl/sharedStrings.xml", huge_string(limit_mb + 1))
    assert len(bomb) < 2 * MIB  # small on disk: it is the unpacked size that is refused
    before = (count(db, ImportBatch), count(db, ImportRow))
    h = agency(client, world)
    r = upload(client, h, bomb)
    assert_refused(db, r, 413, "import_unpacked_too_large", before, message=f"{limit_mb} MB")
    en = upload(client, h, bomb, lang="en")
    assert_refused(db, en, 413, "import_unpacked_too_large", before, message="unpacks to more")


def test_a_bomb_whose_headers_understate_its_size_is_refused_while_streaming(
    client: TestClient, world: World, db: Session, settings: Settings
) -> None:
    limit_mb = settings.import_max_unpacked_bytes // MIB
    bomb = bytearray(
        with_part(workbook(rows(2)), "xl/sharedStrings.xml", huge_string(limit_mb + 1))
    )
    # Make the part's central directory entry (what readers trust) claim 1 KiB unpacked.
    name = b"xl/sharedStrings.xml"
    entry = bomb.rfind(b"PK\x01\x02", 0, bomb.rfind(name))
    assert bomb[entry + 46 : entry + 46 + len(name)] == name
    bomb[entry + 24 : entry + 28] = (1024).to_bytes(4, "little")
    archive = zipfile.ZipFile(io.BytesIO(bytes(bomb)))
    assert sum(i.file_size for i in archive.infolist()) < MIB  # the headers now lie
    before = (count(db, ImportBatch), count(db, ImportRow))
    r = upload(client, agency(client, world), bytes(bomb))
    assert r.status_code in (413, 422), r.text
    assert r.json()["code"] in ("import_unpacked_too_large", "import_file_corrupt")
    assert (count(db, ImportBatch), count(db, ImportRow)) == before


def test_millions_of_shared_strings_are_refused_before_parsing(
    client: TestClient, world: World, db: Session, settings: Settings
) -> None:
    limit = settings.import_max_shared_strings
    bomb = with_part(workbook(rows(2)), "xl/sharedStrings.xml", many_strings(limit + 1))
    assert len(bomb) < MIB
    before = (count(db, ImportBatch), count(db, ImportRow))
    r = upload(client, agency(client, world), bomb)
    assert_refused(db, r, 422, "import_too_many_strings", before, message=str(limit))


@pytest.fixture
def small_limits(settings: Settings, engine: Any, db: Session) -> TestClient:
    """The service with small limits, to refuse ordinary files."""
    tight = settings.model_copy(update={"import_max_cells": 1000})
    application = create_app(tight, engine=engine, background=False)
    application.dependency_overrides[get_session] = lambda: db
    return TestClient(application, raise_server_exceptions=False)


def test_more_cells_than_the_limit_are_refused(
    small_limits: TestClient, world: World, db: Session
) -> None:
    h = agency(small_limits, world)
    before = (count(db, ImportBatch), count(db, ImportRow))
    r = upload(small_limits, h, workbook(rows(200)), lang="en")  # 1,206 cells
    assert_refused(db, r, 422, "import_too_many_cells", before, message="more than 1000 cells")
    ok = upload(small_limits, h, workbook(rows(100)))  # 606 cells
    assert ok.status_code in (201, 202), ok.text


def test_a_sheet_claiming_huge_dimensions_reads_quickly(
    client: TestClient, world: World, db: Session
) -> None:
    """A declared size of every column and row, and a cell in the last row, do not make the
    reader pad rows with millions of empty cells."""
    content = workbook(rows(3))

    def sheet(stream: Any) -> None:
        src = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
        src, found = re.subn(
            rb'<dimension ref="A1:F4"\s*/>', b'<dimension ref="A1:XFD1048576"/>', src
        )
        assert found == 1
        last = b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'
        stream.write(src.replace(b"</sheetData>", last))

    started = time.monotonic()
    r = upload(client, agency(client, world), with_part(content, "xl/worksheets/sheet1.xml", sheet))
    assert r.status_code in (201, 202), r.text
    assert time.monotonic() - started < 30
    assert r.json()["rows_read"] == 3  # the lone cell lies beyond the columns read


# --- row errors ----------------------------------------------------------------------------------


def test_an_unknown_occupation_code_is_a_row_error(
    client: TestClient, world: World, db: Session
) -> None:
    data = rows(2)
    data[1][5] = "9-99-99-99"
    r = upload(client, agency(client, world), workbook(data))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["rows_valid"] == 1
    assert [(e["row"], e["code"]) for e in body["errors"]] == [(3, "occupation_unknown")]


# --- erasure -------------------------------------------------------------------------------------


def test_erasure_removes_the_person_from_an_earlier_error_report(
    client: TestClient, world: World, db: Session
) -> None:
    kejiju = world.orgs[OrgKind.science_bureau]
    person = make_talent(db, kejiju, name="司马相如", phone="13912345678", email="sima@example.com")
    h = agency(client, world)
    data = rows(2)
    # The person's row, with a mistake, and another person's row with one.
    data[0][:4] = ["SM-1", "司马相如", "139 1234 5678", "not-an-email"]
    data[1][3] = "also-not-an-email"
    imp = upload(client, h, workbook(data))
    assert imp.status_code == 201, imp.text
    report_url = f"/api/v1/imports/{imp.json()['id']}/errors.xlsx"

    def report() -> list[list[Any]]:
        r = client.get(report_url, headers=h)
        assert r.status_code == 200
        ws = load_workbook(io.BytesIO(r.content)).active
        assert ws is not None
        return [list(row) for row in ws.iter_rows(values_only=True)]

    assert any("司马相如" in row for row in report())
    r = client.post(f"/api/v1/talents/{person.id}/erase", headers=h)
    assert r.status_code == 200, r.text
    after = report()
    cells = [str(c) for row in after for c in row if c is not None]
    assert not any("司马相如" in c or "1234 5678" in c or "sima" in c for c in cells)
    assert len(after) == 2  # the header and the other person's row, which stays
    assert "文件1" in after[1]
    preview = client.get(f"/api/v1/imports/{imp.json()['id']}", headers=h).json()
    assert [e["row"] for e in preview["errors"]] == [3]


# --- parallel commits ----------------------------------------------------------------------------


def test_ten_parallel_commits_of_one_import_write_its_rows_once(live: Any) -> None:
    with live.session() as s:
        w = make_world(s)
        s.commit()
        before = int(s.scalar(select(func.count()).select_from(Talent)) or 0)
    h = token_headers(live.client, w.users["kejiju"])
    imp = upload(live.client, h, workbook(rows(300, prefix="P")))
    assert imp.status_code == 201, imp.text
    url = f"/api/v1/imports/{imp.json()['id']}/commit"
    barrier = threading.Barrier(10)

    def commit(_: int) -> int:
        barrier.wait()
        return int(live.client.post(url, headers=h).status_code)

    with ThreadPoolExecutor(10) as pool:
        statuses = sorted(pool.map(commit, range(10)))
    live.settle()
    assert statuses == [202] + [409] * 9
    with live.session() as s:
        assert int(s.scalar(select(func.count()).select_from(Talent)) or 0) == before + 300
    with live.session() as s:
        batch = s.get_one(ImportBatch, imp.json()["id"])
        assert (batch.status, batch.progress) == ("committed", 100)
        assert batch.result is not None
        assert batch.result["commit"]["created"] == 300


# --- the commit job ------------------------------------------------------------------------------

KEY = "test-id-key"  # the tests' id_hash_key: the job hashes ID numbers with the service's key


def test_commit_answers_202_and_the_job_reaches_committed_with_counts(live: Any) -> None:
    with live.session() as s:
        w = make_world(s)
        s.commit()
    h = token_headers(live.client, w.users["kejiju"])
    data = rows(5, prefix="J")
    data[4][3] = "not-an-email"
    imp = upload(live.client, h, workbook(data)).json()
    r = live.client.post(f"/api/v1/imports/{imp['id']}/commit", headers=h)
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "committing"
    assert r.headers["location"] == f"/api/v1/imports/{imp['id']}"
    live.settle()
    body = live.client.get(r.headers["location"], headers=h).json()
    assert (body["status"], body["progress"], body["failure"]) == ("committed", 100, None)
    assert body["result"] == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 1}
    assert body["committed_at"] is not None


def test_the_commit_job_shows_its_progress_chunk_by_chunk(
    client: TestClient, world: World, db: Session
) -> None:
    h = agency(client, world)
    before = int(db.scalar(select(func.count()).select_from(Talent)) or 0)
    imp = upload(client, h, workbook(rows(10, prefix="C"))).json()
    assert client.post(f"/api/v1/imports/{imp['id']}/commit", headers=h).status_code == 202
    seen = []
    for _ in range(3):
        run_commit(sessions_in(db), imp["id"], KEY, chunk_rows=4, max_chunks=1)
        db.expire_all()
        body = client.get(f"/api/v1/imports/{imp['id']}", headers=h).json()
        written = int(db.scalar(select(func.count()).select_from(Talent)) or 0) - before
        seen.append((body["status"], body["progress"], written, body["result"]))
    assert seen == [
        ("committing", 40, 4, None),
        ("committing", 80, 8, None),
        ("committed", 100, 10, {"created": 10, "updated": 0, "unchanged": 0, "skipped": 0}),
    ]


def test_the_page_shows_the_progress_while_committing(
    client: TestClient, world: World, db: Session
) -> None:
    h = agency(client, world)
    imp = upload(client, h, workbook(rows(10, prefix="G"))).json()
    assert client.post(f"/api/v1/imports/{imp['id']}/commit", headers=h).status_code == 202
    run_commit(sessions_in(db), imp["id"], KEY, chunk_rows=3, max_chunks=1)
    page_login(client, world.users["kejiju"])
    html = client.get(f"/imports/{imp['id']}").text
    assert re.search(r'<progress max="100" value="30"', html), html
    assert f'data-import-id="{imp["id"]}"' in html
    assert f'<a href="/imports/{imp["id"]}">' in html  # the plain refresh link
    assert "<script>" not in html  # the polling lives in app.js (the CSP allows no inline)


def test_a_failing_chunk_marks_the_import_failed_and_keeps_the_chunks_before(
    client: TestClient, world: World, db: Session
) -> None:
    h = agency(client, world)
    before = int(db.scalar(select(func.count()).select_from(Talent)) or 0)
    imp = upload(client, h, workbook(rows(6, prefix="F"))).json()
    # A staged row the writer cannot take (as a bug or a stale stage would leave it): row 7,
    # the second of the third chunk of two rows; the chunk's first row must not stay either.
    bad = db.scalar(
        select(ImportRow).where(ImportRow.import_id == imp["id"], ImportRow.row_number == 7)
    )
    assert bad is not None
    bad.data = {**bad.data, "no_such_column": 1}
    db.flush()
    assert client.post(f"/api/v1/imports/{imp['id']}/commit", headers=h).status_code == 202
    run_commit(sessions_in(db), imp["id"], KEY, chunk_rows=2)
    db.expire_all()
    body = client.get(f"/api/v1/imports/{imp['id']}?lang=en", headers=h).json()
    assert (body["status"], body["failure"], body["progress"]) == (
        "failed",
        "import_commit_failed",
        66,
    )
    assert body["failure_message"] == "an unexpected error occurred while writing"
    assert body["result"] is None
    keys = set(db.scalars(select(Talent.external_key).where(Talent.external_key.like("F-%"))))
    assert keys == {"F-0000", "F-0001", "F-0002", "F-0003"}, (
        "the two chunks before stay, none of the third"
    )
    assert int(db.scalar(select(func.count()).select_from(Talent)) or 0) == before + 4

    # Repaired, committed again: the job goes on after the last written chunk.
    bad.data = {k: v for k, v in bad.data.items() if k != "no_such_column"}
    db.flush()
    result = commit_import(client, db, imp["id"], h)
    assert result == {"id": imp["id"], "status": "committed", "created": 6, "updated": 0,
                      "unchanged": 0, "skipped": 0}  # fmt: skip
    assert int(db.scalar(select(func.count()).select_from(Talent)) or 0) == before + 6
    again = client.post(f"/api/v1/imports/{imp['id']}/commit", headers=h)
    assert again.status_code == 409


def test_a_restarted_process_resumes_a_committing_import(live_factory: Any) -> None:
    first = live_factory(background=False).start()  # no job runner: the commit stays queued
    with first.session() as s:
        w = make_world(s)
        s.commit()
        before = int(s.scalar(select(func.count()).select_from(Talent)) or 0)
    h = token_headers(first.client, w.users["kejiju"])
    imp = upload(first.client, h, workbook(rows(30, prefix="R"))).json()
    assert first.client.post(f"/api/v1/imports/{imp['id']}/commit", headers=h).status_code == 202
    # The process wrote one chunk, then stopped.
    run_commit(first.session_factory, imp["id"], KEY, chunk_rows=10, max_chunks=1)
    with first.session() as s:
        batch = s.get_one(ImportBatch, imp["id"])
        assert (batch.status, batch.progress) == ("committing", 33)
    first.stop()

    second = live_factory().start()  # resumes what it finds committing
    second.settle()
    with second.session() as s:
        batch = s.get_one(ImportBatch, imp["id"])
        assert (batch.status, batch.progress) == ("committed", 100)
        assert batch.result is not None
        assert batch.result["commit"]["created"] == 30
        assert int(s.scalar(select(func.count()).select_from(Talent)) or 0) == before + 30


def test_procrastinate_workers_run_import_commits_on_postgresql(
    live_factory: Any, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("the procrastinate job queue needs PostgreSQL")
    from app.matchruns.jobs import ProcrastinateRunner, apply_procrastinate_schema

    live = live_factory(job_queue="procrastinate").start()
    apply_procrastinate_schema(live.engine, live.settings, live.session_factory)
    with live.session() as s:
        w = make_world(s)
        s.commit()
    h = token_headers(live.client, w.users["kejiju"])
    imp = upload(live.client, h, workbook(rows(12, prefix="Q"))).json()
    assert live.client.post(f"/api/v1/imports/{imp['id']}/commit", headers=h).status_code == 202
    time.sleep(0.3)  # nothing executes in the web process: the commit waits for a worker
    assert live.client.get(f"/api/v1/imports/{imp['id']}", headers=h).json()["status"] == (
        "committing"
    )
    ProcrastinateRunner(live.settings, live.session_factory).run_worker(wait=False)
    body = live.client.get(f"/api/v1/imports/{imp['id']}", headers=h).json()
    assert (body["status"], body["result"]["created"]) == ("committed", 12)
