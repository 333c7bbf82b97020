"""Fixtures for the search conformance suite: each backend, a shared corpus, fresh indexes.

Every test that asks for ``search_backend`` runs once on the embedded backend (a SQLite file in
a temporary folder) and once on a real Meilisearch server started for the session by
`tests.search.meili_server` (skipped with the reason when it cannot start, failed instead when
``REQUIRE_MEILI=1``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from app.searching.indexes import TALENTS
from search import Document, EmbeddedBackend, MeiliBackend, SearchBackend
from search.base import FloatVector, IndexSpec
from tests.search.meili_server import MeiliServer, meili_session

DIMENSIONS = 64
SPEC = TALENTS.settings(DIMENSIONS)
_COUNTER = itertools.count()


def text_vector(text: str, dimensions: int = DIMENSIONS) -> FloatVector:
    """A deterministic stand-in embedding: signed hashes of the text's character bigrams.

    Texts sharing bigrams point the same way, so the nearest document of a text's vector is the
    document made from that text.
    """
    vector = np.zeros(dimensions, dtype=np.float32)
    folded = text.lower()
    for gram in itertools.pairwise(folded):
        number = int.from_bytes(hashlib.blake2b("".join(gram).encode(), digest_size=8).digest())
        vector[number % dimensions] += 1.0 if (number >> 32) & 1 else -1.0
    if not vector.any():
        vector[0] = 1.0
    return vector


def talent(doc_id: str, **fields: Any) -> Document:
    """A talent document whose vector is made from its position, skills and summary."""
    words = [str(fields.get("position", "")), *fields.get("skills", []), fields.get("summary", "")]
    return Document(doc_id, fields, vector=text_vector(" ".join(words)))


#: The shared corpus: realistic profiles in Chinese and English, three agencies.
CORPUS = [
    talent(
        "1", organization_id=1, name="李明", position="大数据工程师",
        skills=["Python", "Spark", "Hadoop"], summary="负责数据平台建设和数据仓库开发",
        education="master", major="计算机科学与技术", years_experience=6, expected_salary=30000,
        preferred_locations=["上海"], is_returnee=False, status="active",
        phone="13800138000", email="liming@example.com",
    ),
    talent(
        "2", organization_id=1, name="王芳", position="Python后端开发",
        skills=["Python", "Django", "PostgreSQL"], summary="熟悉Web服务与接口设计",
        education="bachelor", major="软件工程", years_experience=3, expected_salary=20000,
        preferred_locations=["杭州", "上海"], is_returnee=False, status="active",
    ),
    talent(
        "3", organization_id=2, name="张伟", position="Java开发工程师",
        skills=["Java", "Spring Boot", "MySQL"], summary="金融行业核心系统开发",
        education="bachelor", major="计算机科学与技术", years_experience=8, expected_salary=35000,
        preferred_locations=["北京"], is_returnee=False, status="active",
    ),
    talent(
        "4", organization_id=2, name="陈静", position="前端工程师",
        skills=["JavaScript", "React", "TypeScript"], summary="负责电商网站前端页面",
        education="associate", major="数字媒体技术", years_experience=4, expected_salary=18000,
        preferred_locations=["深圳"], is_returnee=False, status="active",
    ),
    talent(
        "5", organization_id=3, name="刘洋", position="Go语言开发",
        skills=["Go", "Kubernetes", "Docker"], summary="云原生平台运维与开发",
        education="bachelor", major="通信工程", years_experience=5, expected_salary=28000,
        preferred_locations=["成都"], is_returnee=False, status="active",
    ),
    talent(
        "6", organization_id=1, name="赵敏", position="人工智能算法研究员",
        skills=["PyTorch", "深度学习"], summary="海外博士，研究计算机视觉",
        education="doctor", major="人工智能", years_experience=2, expected_salary=50000,
        preferred_locations=["上海"], is_returnee=True, status="active",
    ),
    talent(
        "7", organization_id=2, name="孙磊", position="AI产品经理",
        skills=["产品设计", "需求分析"], summary="负责智能客服产品规划",
        education="master", major="工商管理", years_experience=7, expected_salary=40000,
        preferred_locations=["北京"], is_returnee=False, status="inactive",
    ),
    talent(
        "8", organization_id=3, name="周杰", position="研发经理",
        skills=["团队管理", "C++"], summary="带领三十人团队完成车载系统",
        education="master", major="自动化", years_experience=12, expected_salary=60000,
        preferred_locations=["苏州"], is_returnee=True, status="active",
    ),
    talent(
        "9", organization_id=3, name="Emily Wang", position="R&D Engineer",
        skills=["Embedded C", "RTOS"], summary="Firmware for industrial sensors",
        education="master", major="Electrical Engineering", years_experience=9,
        expected_salary=45000, languages=["English", "中文"], preferred_locations=["苏州"],
        is_returnee=False, is_foreign_national=True, nationality="英国", status="active",
    ),
    talent(
        "10", organization_id=1, name="吳剛", position="軟件測試工程師",
        skills=["Selenium", "自動化測試"], summary="負責質量保證",
        education="bachelor", major="資訊工程", years_experience=4, expected_salary=16000,
        preferred_locations=["厦门"], is_returnee=True, status="active",
    ),
    talent(
        "11", organization_id=2, name="郑爽", position="软件实施顾问",
        skills=["ERP", "SQL"], summary="客户现场软件部署与培训",
        education="associate", major="信息管理", years_experience=3,
        preferred_locations=["南京"], is_returnee=False, status="active",
    ),
    talent(
        "12", organization_id=3, name="黄磊", position="运营专员",
        skills=["Excel", "客户服务"], summary="跟进待处理订单，维护客户关系",
        education="high_school", major="市场营销", years_experience=1, expected_salary=8000,
        preferred_locations=["合肥"], is_returnee=False, status="active",
    ),
    talent(
        "13", organization_id=2, name="马超", position="机器学习工程师",
        skills=["TensorFlow", "推荐系统"], summary="负责推荐排序模型",
        education="master", major="统计学", years_experience=5, expected_salary=42000,
        preferred_locations=["北京", "杭州"], is_returnee=False, status="active",
    ),
]  # fmt: skip


@pytest.fixture(scope="session")
def meili_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MeiliServer]:
    """One Meilisearch server for the session (see `tests.search.meili_server`)."""
    yield from meili_session(tmp_path_factory)


@pytest.fixture(scope="session", params=["embedded", "meilisearch"])
def search_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SearchBackend]:
    """Each backend in turn, for the whole session."""
    backend: SearchBackend
    if request.param == "embedded":
        backend = EmbeddedBackend(tmp_path_factory.mktemp("embedded") / "search.sqlite3")
    else:
        server: MeiliServer = request.getfixturevalue("meili_server")
        backend = MeiliBackend(server.url, server.api_key)
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def corpus(search_backend: SearchBackend) -> str:
    """The name of an index holding `CORPUS`; tests must not write to it."""
    spec = dataclasses.replace(SPEC, name="corpus")
    search_backend.ensure_index(spec)
    search_backend.clear(spec.name)
    search_backend.upsert(spec.name, CORPUS)
    return spec.name


@pytest.fixture
def fresh(search_backend: SearchBackend) -> IndexSpec:
    """An empty index of its own for a test that writes; its spec is returned."""
    spec = dataclasses.replace(SPEC, name=f"fresh_{next(_COUNTER)}")
    search_backend.ensure_index(spec)
    search_backend.clear(spec.name)
    return spec
