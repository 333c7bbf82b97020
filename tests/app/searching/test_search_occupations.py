"""Occupations in search: documents carry their occupation's names, and a query that reads as a
job title is pulled towards its likely occupations (a boost, never a filter)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.searching.indexes import DEMANDS
from app.searching.occupations import (
    coder_ready,
    expand_vector,
    occupation_text,
    reads_as_title,
)
from matching import load_encoder
from matching.occupations import default_coder
from search import Document, EmbeddedBackend, Query

# (title, description, occupation code)
DEMANDS_ROWS = [
    ("程序员", "负责公司内部系统的维护", "2-02-10-03"),
    ("Java开发工程师", "负责电商后台开发", "2-02-10-03"),
    ("病房护理", "三甲医院住院部", "2-05-08-01"),
    ("出纳", "负责现金收付和银行对账", "2-06-03-00"),
    ("仓库管理", "负责出入库登记", "4-02-06-01"),
    ("中式烹调", "酒楼后厨", "4-03-02-01"),
    ("门店销售", "商场专柜导购", "4-01-02-01"),
    ("电工", "负责厂区配电维护", "6-31-01-03"),
]
QUERIES = ["Java开发", "后端工程师", "护士", "会计", "销售经理", "厨师", "库管员"]


@pytest.fixture(scope="module")
def encoder() -> Any:
    default_coder()  # built: queries are expanded (before, they wait for it in the background)
    assert coder_ready()
    return load_encoder()


@pytest.fixture
def backend(tmp_path: Path, encoder: Any) -> Any:
    backend = EmbeddedBackend(tmp_path / "s.sqlite3")
    backend.ensure_index(DEMANDS.settings(encoder.dim))
    vectors = encoder.encode([f"{t} {d}" for t, d, _ in DEMANDS_ROWS])
    backend.upsert(
        "demands",
        [
            Document(
                str(i + 1),
                {
                    "title": t,
                    "description": d,
                    "occupation_code": c,
                    "occupation": occupation_text(c),
                    "status": "open",
                },
                vectors[i],
            )
            for i, (t, d, c) in enumerate(DEMANDS_ROWS)
        ],
    )
    yield backend
    backend.close()


def _ids(backend: Any, q: str, vector: Any, ratio: float = 0.5) -> list[str]:
    page = backend.search("demands", Query(q, semantic_ratio=ratio, vector=vector, limit=50))
    return [h.id for h in page.hits]


def test_documents_carry_the_occupation_names_and_aliases(backend: Any) -> None:
    assert "计算机软件工程技术人员" in occupation_text("2-02-10-03")
    assert "架构师" in occupation_text("2-02-10-03").split()  # an alias
    # Keywords only: 架构师 is in no title or description, only in the occupation's aliases.
    assert set(_ids(backend, "架构师", None, ratio=0.0)) == {"1", "2"}


def test_expansion_is_a_boost_never_a_filter(backend: Any, encoder: Any) -> None:
    for q in QUERIES:
        vector = encoder.encode([q])[0]
        expanded = expand_vector(q, vector, encoder.encode)
        assert not np.allclose(expanded, vector), q  # each of these reads as a title
        keyword_hits = set(_ids(backend, q, None, ratio=0.0))
        plain_hits = set(_ids(backend, q, vector))
        expanded_hits = set(_ids(backend, q, expanded))
        assert keyword_hits <= expanded_hits, q
        assert plain_hits <= expanded_hits, q


@pytest.mark.parametrize(("q", "right"), [("Java开发", 0), ("护士", 2), ("会计", 3)])
def test_expansion_pulls_towards_the_likely_occupation(encoder: Any, q: str, right: int) -> None:
    docs = encoder.encode([f"{t} {d}" for t, d, _ in DEMANDS_ROWS])
    vector = encoder.encode([q])[0]
    plain = docs @ vector
    expanded = docs @ expand_vector(q, vector, encoder.encode)
    others = [i for i in range(len(DEMANDS_ROWS)) if DEMANDS_ROWS[i][2] != DEMANDS_ROWS[right][2]]
    assert expanded[right] > plain[right]
    assert expanded[right] - expanded[others].max() > plain[right] - plain[others].max()


def test_descriptions_and_noise_are_not_expanded(encoder: Any) -> None:
    long_text = "负责公司后端服务的设计与开发，熟悉Python和分布式系统，三年以上经验，能带领团队"
    assert not reads_as_title(long_text)
    assert not reads_as_title("！！！")
    vector = encoder.encode([long_text])[0]
    assert expand_vector(long_text, vector, encoder.encode) is vector


def test_expanded_vector_is_a_float32_unit_row(encoder: Any) -> None:
    vector = encoder.encode(["护士"])[0]
    expanded = expand_vector("护士", vector, encoder.encode)
    assert expanded.dtype == np.float32
    assert abs(float(np.linalg.norm(expanded)) - 1.0) < 1e-5
