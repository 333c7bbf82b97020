"""Import pages: upload through the form, read the errors, commit; bad files re-render."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.app.helpers import csrf_from, page_login, run_import_jobs
from tests.app.imports.test_imports import TALENT_HEADER, XLSX, talent_rows, xlsx
from tests.factories import World, make_world


@pytest.fixture
def world(db: Session) -> World:
    return make_world(db)


def test_upload_preview_and_commit_through_the_pages(
    client: TestClient, world: World, db: Session
) -> None:
    page_login(client, world.users["kejiju"])
    page = client.get("/imports")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.find("a", href="/api/v1/imports/templates/talents?lang=zh")
    rows = talent_rows(3)
    rows[2][8] = "坏邮箱"
    r = client.post(
        "/imports",
        data={"csrf_token": csrf_from(page.text), "kind": "talents"},
        files={"file": ("名单.xlsx", xlsx([TALENT_HEADER, *rows]), XLSX)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    preview = client.get(r.headers["location"])
    soup = BeautifulSoup(preview.text, "html.parser")
    assert soup.select_one("#rows-valid").get_text() == "2"
    cells = [td.get_text() for td in soup.select("#row-errors td")]
    assert cells[:2] == ["4", "电子邮箱"]
    r = client.post(
        r.headers["location"] + "/commit",
        data={"csrf_token": csrf_from(preview.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    # While the job runs, the page shows its progress and polls (app.js), with a plain link.
    running = BeautifulSoup(client.get(r.headers["location"] + "?lang=en").text, "html.parser")
    card = running.select_one("#commit-progress")
    assert card is not None
    assert card["data-import-status"] == "committing"
    assert card.select_one("progress") is not None
    assert not running.select("#row-errors ~ form, form[action$='/commit']")
    assert run_import_jobs(client, db)
    done = client.get(r.headers["location"] + "?lang=en")
    assert "2 created" in done.text
    assert "commit-progress" not in done.text


def test_bad_file_re_renders_the_form_with_the_message(client: TestClient, world: World) -> None:
    page_login(client, world.users["kejiju"])
    page = client.get("/imports")
    r = client.post(
        "/imports",
        data={"csrf_token": csrf_from(page.text), "kind": "talents"},
        files={"file": ("x.xlsx", b"PK\x03\x04broken", XLSX)},
    )
    assert r.status_code == 422
    assert "文件已损坏" in r.text
