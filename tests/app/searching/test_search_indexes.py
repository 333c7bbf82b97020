"""Each search index is described once (`app.searching.indexes`): the API, the pages, the export
and the backend's settings all read that description."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from app.context import context_of
from app.searching.indexes import DEMANDS, INDEXES, TALENTS, Filter, Text
from search import Document, EmbeddedBackend, Query
from tests.app.helpers import page_login, token_headers
from tests.factories import make_world

BAD_QUERIES = [
    ("talents", {"semantic_ratio": "2"}, "semantic_ratio"),
    ("talents", {"education": "phd"}, "education"),
    ("talents", {"min_years": "-1"}, "min_years"),
    ("talents", {"sort": "name:asc"}, "sort"),
    ("talents", {"offset": "20000"}, "offset"),
    ("demands", {"kind": "spaceship"}, "kind"),
    ("demands", {"salary_max": "x"}, "salary_max"),
    ("demands", {"industry": "AB"}, "industry"),
]


def _page_errors(text: str) -> dict[str, str]:
    found = re.findall(r'<li data-field="([^"]+)"><code>[^<]*</code>：(.*?)</li>', text)
    return {field: html.unescape(message) for field, message in found}


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_page_and_api_refuse_the_same_bad_query_with_the_same_field_error(
    live: Any, locale: str
) -> None:
    with live.session() as s:
        w = make_world(s)
        s.commit()
    live.settle()
    admin = w.users["admin"]
    headers = token_headers(live.client, admin)
    page_login(live.client, admin)
    for index, params, field in BAD_QUERIES:
        api = live.client.get(
            f"/api/v1/search/{index}", params={**params, "lang": locale}, headers=headers
        )
        assert api.status_code == 422, (index, params, api.text)
        api_errors = {e["field"]: e["message"] for e in api.json()["errors"]}
        assert field in api_errors, api.text
        page = live.client.get(f"/search/{index}", params={**params, "lang": locale})
        assert page.status_code == 200, (index, params)
        assert _page_errors(page.text) == api_errors, (index, params)
        assert '<article class="hit">' not in page.text  # a refused query runs no search
    for index in ("talents", "demands"):
        ok = live.client.get(f"/search/{index}", params={"semantic_ratio": "0", "lang": locale})
        assert ok.status_code == 200
        assert not _page_errors(ok.text)
        assert '<article class="hit">' in ok.text


def test_a_filter_added_to_the_spec_reaches_the_settings_the_query_model_and_the_backend(
    tmp_path: Path,
) -> None:
    spec = replace(
        TALENTS,
        fields={**TALENTS.fields, "hobby": "keyword"},
        filters=(*TALENTS.filters, Filter("hobby", "hobby", Text)),
    )
    assert "hobby" in spec.settings().filterable
    assert "hobby" not in TALENTS.settings().filterable
    assert "hobby" not in TALENTS.query_model.model_fields
    query = spec.query_model.model_validate({"hobby": "围棋", "q": ""})
    assert query.filters() == {"hobby": "围棋"}
    with pytest.raises(ValidationError) as refused:
        spec.query_model.model_validate({"hobby": "x" * 101})
    assert refused.value.errors()[0]["loc"] == ("hobby",)

    backend = EmbeddedBackend(tmp_path / "s.sqlite3")
    try:
        backend.ensure_index(spec.settings())
        backend.upsert(
            "talents",
            [Document("1", {"name": "甲", "hobby": "围棋"}), Document("2", {"name": "乙"})],
        )
        page = backend.search("talents", Query("", filters=query.filters()))
        assert [h.id for h in page.hits] == ["1"]
    finally:
        backend.close()


def test_the_service_reads_the_one_description(live: Any) -> None:
    indexer = context_of(live.app).indexer
    assert indexer.specs() == (
        TALENTS.settings(indexer.encoder.dim or None),
        DEMANDS.settings(indexer.encoder.dim or None),
    )
    schema = live.client.get("/openapi.json").json()
    for name, spec in INDEXES.items():
        for path in (f"/api/v1/search/{name}", f"/api/v1/search/{name}/export"):
            accepted = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
            assert set(spec.query_model.model_fields) <= accepted, path
            assert {f.param for f in spec.filters} <= accepted, path
