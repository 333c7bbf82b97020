"""What only the Meilisearch backend can do wrong: a server that goes away, a task that fails,
a task that takes too long. Each test runs its own server or index, so the shared one stays
untouched."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import meilisearch
import pytest

from search import (
    Document,
    MeiliBackend,
    Query,
    SearchError,
    SearchTaskFailed,
    SearchTimeout,
    SearchUnavailable,
)
from tests.search.conftest import CORPUS, SPEC
from tests.search.meili_server import MeiliServer, free_port


@pytest.fixture
def own_server(meili_server: MeiliServer, tmp_path: Path) -> Iterator[MeiliServer]:
    """A second server of this test's own, which it may stop and start."""
    server = MeiliServer(meili_server.binary, tmp_path / "meili")
    server.start()
    yield server
    server.stop()


def test_survives_a_server_stop_and_start(own_server: MeiliServer) -> None:
    backend = MeiliBackend(own_server.url, own_server.api_key, timeout_s=2)
    backend.ensure_index(SPEC)
    backend.upsert(SPEC.name, CORPUS[:3])

    own_server.stop()
    assert backend.health().status == "down"
    with pytest.raises(SearchUnavailable) as caught:
        backend.search(SPEC.name, Query("数据"))
    assert caught.value.code == "search_unavailable"
    with pytest.raises(SearchUnavailable):
        backend.upsert(SPEC.name, CORPUS[3:4])
    with pytest.raises(SearchUnavailable):
        backend.delete(SPEC.name, ["1"])

    own_server.start()
    assert backend.health().status == "ok"
    assert [hit.id for hit in backend.search(SPEC.name, Query("数据")).hits] == ["1"]
    backend.upsert(SPEC.name, CORPUS[3:4])
    assert backend.count(SPEC.name) == 4


def test_health_is_down_without_a_server() -> None:
    backend = MeiliBackend(f"http://127.0.0.1:{free_port()}", "key", timeout_s=1)
    health = backend.health()
    assert (health.status, health.backend) == ("down", "meilisearch")


def test_a_wrong_key_is_an_error_with_the_server_code(meili_server: MeiliServer) -> None:
    backend = MeiliBackend(meili_server.url, "not-the-key")
    with pytest.raises(SearchError) as caught:
        backend.ensure_index(dataclasses.replace(SPEC, name="wrong_key"))
    assert caught.value.code == "invalid_api_key"


def test_a_failed_task_raises_with_the_server_code(meili_server: MeiliServer) -> None:
    # An index of the same name made by someone else, with another primary key.
    client = meilisearch.Client(meili_server.url, meili_server.api_key)
    client.wait_for_task(client.create_index("foreign", {"primaryKey": "uid"}).task_uid)
    backend = MeiliBackend(meili_server.url, meili_server.api_key)
    spec = dataclasses.replace(SPEC, name="foreign")
    backend.ensure_index(spec)
    with pytest.raises(SearchTaskFailed) as caught:
        backend.upsert(spec.name, [Document("1", {"name": "李明"})])
    assert caught.value.code == "index_primary_key_already_exists"
    assert caught.value.task_uid is not None


def test_a_slow_task_raises_timeout(meili_server: MeiliServer) -> None:
    backend = MeiliBackend(meili_server.url, meili_server.api_key, task_timeout_s=0.001)
    spec = dataclasses.replace(SPEC, name="slow", vector_dimensions=None)
    documents = [Document(str(i), {"summary": f"第{i}位候选人，熟悉数据分析"}) for i in range(3000)]
    # Either write may be the one that outlasts a millisecond; the upsert always does.
    with pytest.raises(SearchTimeout) as caught:  # noqa: PT012
        backend.ensure_index(spec)
        backend.upsert(spec.name, documents)
    assert caught.value.code == "search_timeout"
