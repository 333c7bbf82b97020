"""One conformance suite for every search backend: what users type, what they must get back.

Each test runs on the embedded backend and on a real Meilisearch server (see ``conftest.py``).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from search import (
    Document,
    Query,
    Range,
    SearchBackend,
    SearchDocumentError,
    SearchError,
    SearchPage,
    SearchQueryError,
    create_backend,
)
from search.base import IndexSpec
from tests.search.conftest import CORPUS, DIMENSIONS, talent, text_vector

BY_ID = {document.id: document for document in CORPUS}


def ids(page: SearchPage) -> set[str]:
    return {hit.id for hit in page.hits}


def find(backend: SearchBackend, index: str, q: str, **options: object) -> set[str]:
    page = backend.search(index, Query(q, limit=100, **options))  # type: ignore[arg-type]
    assert page.total == len(page.hits)
    return ids(page)


# --------------------------------------------------------------------------- Chinese text


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("数据", {"1"}),  # inside 大数据工程师 and 数据平台
        ("后端", {"2"}),  # inside "Python后端开发", however jieba cuts it
        ("处理", {"12"}),  # inside 待处理
        ("大数据", {"1"}),
        ("工程师", {"1", "3", "4", "10", "13"}),
        ("推荐", {"13"}),
    ],
)
def test_chinese_word_fragments_are_found(
    search_backend: SearchBackend, corpus: str, q: str, expected: set[str]
) -> None:
    assert find(search_backend, corpus, q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Python后端", {"2"}),
        ("python 数据", {"1"}),
        ("Java工程师", {"3"}),
        ("Firmware 传感器", set()),
        ("Embedded", {"9"}),
    ],
)
def test_mixed_chinese_and_english_need_every_word(
    search_backend: SearchBackend, corpus: str, q: str, expected: set[str]
) -> None:
    assert find(search_backend, corpus, q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("java", {"3"}),  # never JavaScript
        ("Java", {"3"}),
        ("go", {"5"}),  # never Django
        ("javascript", {"4"}),
        ("django", {"2"}),
        ("script", set()),
        ("c++", {"8"}),
    ],
)
def test_english_words_match_as_whole_words(
    search_backend: SearchBackend, corpus: str, q: str, expected: set[str]
) -> None:
    assert find(search_backend, corpus, q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("人工智能", {"6", "7", "13"}),
        ("AI", {"6", "7", "13"}),
        ("机器学习", {"6", "7", "13"}),
        ("研发", {"8", "9"}),
        ("R&D", {"8", "9"}),
    ],
)
def test_synonyms_find_each_other(
    search_backend: SearchBackend, corpus: str, q: str, expected: set[str]
) -> None:
    assert find(search_backend, corpus, q) == expected


def test_english_typo_still_finds_the_word(search_backend: SearchBackend, corpus: str) -> None:
    assert find(search_backend, corpus, "pyhton") == {"1", "2"}
    assert find(search_backend, corpus, "kubernets") == {"5"}


def test_short_words_get_no_typos(search_backend: SearchBackend, corpus: str) -> None:
    assert find(search_backend, corpus, "jave") == set()


@pytest.mark.parametrize("q", ["软件", "軟件", "軟件 "])
def test_traditional_and_simplified_characters_match(
    search_backend: SearchBackend, corpus: str, q: str
) -> None:
    assert find(search_backend, corpus, q) == {"2", "10", "11"}  # 2 majored in 软件工程


def test_traditional_text_is_found_by_its_simplified_words(
    search_backend: SearchBackend, corpus: str
) -> None:
    assert find(search_backend, corpus, "质量保证") == {"10"}
    assert find(search_backend, corpus, "測試") == {"10"}


# ------------------------------------------------------------------ filters, facets, sort


def test_filters_combine_with_text(search_backend: SearchBackend, corpus: str) -> None:
    assert find(search_backend, corpus, "工程师", filters={"organization_id": 2}) == {
        "3",
        "4",
        "13",
    }
    assert find(search_backend, corpus, "工程师", filters={"education": ["master", "doctor"]}) == {
        "1",
        "13",
    }
    assert find(search_backend, corpus, "python", filters={"preferred_locations": "杭州"}) == {"2"}


def test_filters_on_lists_booleans_and_keywords(search_backend: SearchBackend, corpus: str) -> None:
    assert find(search_backend, corpus, "", filters={"skills": "Python"}) == {"1", "2"}
    assert find(search_backend, corpus, "", filters={"is_returnee": True}) == {"6", "8", "10"}
    assert find(
        search_backend, corpus, "", filters={"status": "inactive", "organization_id": [2, 3]}
    ) == {"7"}
    assert find(search_backend, corpus, "", filters={"education": []}) == set()


def test_ranges_are_inclusive(search_backend: SearchBackend, corpus: str) -> None:
    senior = find(search_backend, corpus, "", filters={"years_experience": Range(gte=8)})
    assert senior == {"3", "8", "9"}
    band = find(
        search_backend, corpus, "", filters={"expected_salary": Range(gte=20000, lte=30000)}
    )
    assert band == {"1", "2", "5"}  # 11 has no salary: a range never matches a missing value


def test_facets_count_every_match(search_backend: SearchBackend, corpus: str) -> None:
    page = search_backend.search(
        corpus, Query("", facets=["education", "is_returnee", "skills"], limit=2)
    )
    assert page.total == len(CORPUS)
    assert len(page.hits) == 2
    assert page.facets["education"] == dict(Counter(d.fields["education"] for d in CORPUS))
    assert next(iter(page.facets["education"])) == "master"  # most frequent first
    assert page.facets["is_returnee"] == {"false": 10, "true": 3}
    assert page.facets["skills"]["Python"] == 2


def test_facets_count_only_text_matches(search_backend: SearchBackend, corpus: str) -> None:
    page = search_backend.search(corpus, Query("工程师", facets=["organization_id", "education"]))
    assert page.total == 5
    assert page.facets["organization_id"] == {"2": 3, "1": 2}
    assert page.facets["education"] == {"bachelor": 2, "master": 2, "associate": 1}


def test_organisation_filter_scopes_hits_totals_and_facets(
    search_backend: SearchBackend, corpus: str
) -> None:
    own = [d for d in CORPUS if d.fields["organization_id"] == 1]
    page = search_backend.search(
        corpus,
        Query(
            "",
            filters={"organization_id": 1},
            facets=["organization_id", "education", "preferred_locations"],
            limit=100,
        ),
    )
    assert ids(page) == {d.id for d in own}
    assert page.total == len(own)
    assert page.facets["organization_id"] == {"1": len(own)}
    assert sum(page.facets["education"].values()) == len(own)
    assert "北京" not in page.facets["preferred_locations"]  # only agencies 2 and 3 have it


def test_sort_comes_before_relevance(search_backend: SearchBackend, corpus: str) -> None:
    page = search_backend.search(corpus, Query("", sort=["years_experience:desc"], limit=5))
    assert [hit.id for hit in page.hits] == ["8", "9", "3", "7", "1"]
    page = search_backend.search(corpus, Query("工程师", sort=["expected_salary:asc"], limit=100))
    assert [hit.id for hit in page.hits] == ["10", "4", "1", "3", "13"]


def test_paging_walks_every_hit_once(search_backend: SearchBackend, corpus: str) -> None:
    seen: list[str] = []
    for offset in range(0, len(CORPUS), 3):
        page = search_backend.search(
            corpus, Query("", sort=["years_experience:asc"], limit=3, offset=offset)
        )
        assert page.total == len(CORPUS)
        seen += [hit.id for hit in page.hits]
    assert sorted(seen) == sorted(BY_ID)
    odd = search_backend.search(corpus, Query("", sort=["years_experience:asc"], limit=4, offset=2))
    assert [hit.id for hit in odd.hits] == seen[2:6]


# ----------------------------------------------------------------------------- hits


def test_hits_carry_a_highlighted_snippet_and_a_score(
    search_backend: SearchBackend, corpus: str
) -> None:
    page = search_backend.search(corpus, Query("数据"))
    (hit,) = page.hits
    assert hit.id == "1"
    assert "<mark>数据</mark>" in hit.snippet
    assert 0 < hit.score <= 1
    assert hit.fields["name"] == "李明"
    assert hit.fields["skills"] == ["Python", "Spark", "Hadoop"]


def test_snippets_mark_traditional_source_text(search_backend: SearchBackend, corpus: str) -> None:
    (hit,) = search_backend.search(corpus, Query("测试")).hits
    assert "<mark>測試</mark>" in hit.snippet


def test_snippets_mark_english_words_and_synonyms(
    search_backend: SearchBackend, corpus: str
) -> None:
    page = search_backend.search(corpus, Query("AI", limit=100))
    snippets = {hit.id: hit.snippet for hit in page.hits}
    assert "<mark>AI</mark>" in snippets["7"]
    assert "<mark>人工智能</mark>" in snippets["6"]
    assert "<mark>机器学习</mark>" in snippets["13"]


def test_contact_fields_are_never_indexed_or_returned(
    search_backend: SearchBackend, corpus: str
) -> None:
    assert find(search_backend, corpus, "13800138000") == set()
    assert find(search_backend, corpus, "liming") == set()
    page = search_backend.search(corpus, Query("", limit=100))
    for hit in page.hits:
        assert "phone" not in hit.fields
        assert "email" not in hit.fields
        assert "13800138000" not in hit.snippet


def test_snippet_escapes_html(search_backend: SearchBackend, fresh: IndexSpec) -> None:
    search_backend.upsert(
        fresh.name, [Document("x", {"summary": "<script>alert(1)</script> 擅长数据分析"})]
    )
    (hit,) = search_backend.search(fresh.name, Query("数据")).hits
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>数据</mark>" in hit.snippet


# --------------------------------------------------------------------------- meaning


def test_semantic_ratio_zero_ranks_by_keywords_only(
    search_backend: SearchBackend, corpus: str
) -> None:
    vector = text_vector("机器学习工程师 TensorFlow 推荐系统 负责推荐排序模型")
    page = search_backend.search(corpus, Query("python", vector=vector, semantic_ratio=0))
    assert ids(page) == {"1", "2"}
    assert page.total == 2


def test_semantic_ratio_one_ranks_by_meaning(search_backend: SearchBackend, corpus: str) -> None:
    for document in (BY_ID["13"], BY_ID["4"]):
        assert document.vector is not None
        page = search_backend.search(corpus, Query("", vector=document.vector, semantic_ratio=1))
        assert page.hits[0].id == document.id
        assert page.hits[0].score == pytest.approx(1.0, abs=1e-3)


def test_hybrid_joins_keyword_and_meaning_matches(
    search_backend: SearchBackend, corpus: str
) -> None:
    vector = BY_ID["13"].vector
    page = search_backend.search(corpus, Query("python", vector=vector, semantic_ratio=0.5))
    assert {"1", "2", "13"} <= ids(page)
    scores = [hit.score for hit in page.hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= score <= 1 for score in scores)


def test_hybrid_respects_filters(search_backend: SearchBackend, corpus: str) -> None:
    vector = BY_ID["13"].vector
    page = search_backend.search(
        corpus, Query("python", vector=vector, semantic_ratio=0.5, filters={"organization_id": 1})
    )
    assert "13" not in ids(page)
    assert ids(page) <= {d.id for d in CORPUS if d.fields["organization_id"] == 1}
    assert {"1", "2"} <= ids(page)


def test_float64_query_vectors_are_kept_as_float32(search_backend: SearchBackend) -> None:
    query = Query("数据", vector=np.ones(DIMENSIONS, dtype=np.float64))
    assert query.vector is not None
    assert query.vector.dtype == np.float32


# -------------------------------------------------------------------------- odd input


@pytest.mark.parametrize("q", ["", " ", "\t\n　 "])
def test_empty_and_blank_queries_list_everything(
    search_backend: SearchBackend, corpus: str, q: str
) -> None:
    page = search_backend.search(corpus, Query(q, limit=100))
    assert page.total == len(CORPUS)
    assert ids(page) == set(BY_ID)


@pytest.mark.parametrize(
    "q",
    [
        "数据" * 500,
        "python " * 143,
        "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(1000)),
        "x" * 1000,
    ],
)
def test_thousand_character_queries_answer(
    search_backend: SearchBackend, corpus: str, q: str
) -> None:
    assert len(q) >= 1000
    page = search_backend.search(corpus, Query(q, facets=["education"]))
    assert page.total >= 0


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '"数据',
        "*",
        "python*",
        "AND",
        "java AND python",
        "OR",
        "NOT",
        "NEAR(",
        "NEAR(java python, 2)",
        "'",
        "O'Reilly",
        "-",
        "-java",
        ":",
        "skills:java",
        "w0 : java",
        "{w0 g0}:数据",
        "^数据",
        "(",
        ")",
        "\\",
        "%_",
        "'; DROP TABLE corpus_docs; --",
        "\x00",
        "\ue000",
        "🙂",
    ],
)
def test_query_syntax_characters_never_raise(
    search_backend: SearchBackend, corpus: str, q: str
) -> None:
    page = search_backend.search(corpus, Query(q, facets=["education"]))
    assert page.total == len(page.hits)


def test_syntax_characters_do_not_change_words(search_backend: SearchBackend, corpus: str) -> None:
    assert find(search_backend, corpus, '"java"') == {"3"}
    assert find(search_backend, corpus, "数据*") == {"1"}
    assert find(search_backend, corpus, "NEAR(数据") == set()


# ---------------------------------------------------------------------------- writes


def test_delete_removes_documents(search_backend: SearchBackend, fresh: IndexSpec) -> None:
    search_backend.upsert(fresh.name, CORPUS[:3])
    search_backend.delete(fresh.name, ["1", "404"])
    assert find(search_backend, fresh.name, "数据") == set()
    assert find(search_backend, fresh.name, "") == {"2", "3"}
    assert search_backend.count(fresh.name) == 2
    search_backend.delete(fresh.name, [])


def test_upsert_replaces_a_document(search_backend: SearchBackend, fresh: IndexSpec) -> None:
    search_backend.upsert(fresh.name, [talent("7", position="前端工程师", organization_id=1)])
    search_backend.upsert(fresh.name, [talent("7", position="后端工程师", organization_id=2)])
    assert find(search_backend, fresh.name, "前端") == set()
    assert find(search_backend, fresh.name, "后端") == {"7"}
    page = search_backend.search(fresh.name, Query("", facets=["organization_id"]))
    assert page.facets["organization_id"] == {"2": 1}
    assert search_backend.count(fresh.name) == 1


def test_the_last_version_in_one_batch_wins(
    search_backend: SearchBackend, fresh: IndexSpec
) -> None:
    search_backend.upsert(fresh.name, [talent("1", position="司机"), talent("1", position="厨师")])
    assert find(search_backend, fresh.name, "厨师") == {"1"}
    assert find(search_backend, fresh.name, "司机") == set()


def test_writes_are_read_at_once(search_backend: SearchBackend, fresh: IndexSpec) -> None:
    for number in range(3):
        search_backend.upsert(
            fresh.name, [talent(f"n{number}", position=f"新能源工程师{number}", skills=["Rust"])]
        )
        assert search_backend.search(fresh.name, Query("新能源")).total == number + 1
    search_backend.clear(fresh.name)
    assert search_backend.search(fresh.name, Query("")).total == 0
    assert search_backend.count(fresh.name) == 0


def test_documents_without_vectors_are_found_by_keywords(
    search_backend: SearchBackend, fresh: IndexSpec
) -> None:
    search_backend.upsert(fresh.name, [Document("plain", {"position": "集成电路设计"})])
    vector = text_vector("集成电路")
    page = search_backend.search(fresh.name, Query("集成电路", vector=vector, semantic_ratio=0.5))
    assert ids(page) == {"plain"}


def test_ensure_index_is_idempotent(search_backend: SearchBackend, fresh: IndexSpec) -> None:
    search_backend.upsert(fresh.name, CORPUS[:2])
    search_backend.ensure_index(fresh)
    assert find(search_backend, fresh.name, "python") == {"1", "2"}


# ---------------------------------------------------------------------------- errors


def test_unknown_index_is_a_query_error(search_backend: SearchBackend) -> None:
    with pytest.raises(SearchQueryError) as caught:
        search_backend.search("nowhere", Query("数据"))
    assert caught.value.code == "index_not_found"
    with pytest.raises(SearchQueryError):
        search_backend.upsert("nowhere", CORPUS[:1])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (Query(filters={"phone": "13800138000"}), "cannot filter on 'phone'"),
        (Query(filters={"name": "李明"}), "cannot filter on 'name'"),
        (Query(filters={"years_experience": "many"}), "filter on 'years_experience'"),
        (Query(filters={"education": Range(gte=1)}), "filter on 'education'"),
        (Query(facets=["summary"]), "cannot count facet 'summary'"),
        (Query(sort=["name:asc"]), "cannot sort by 'name'"),
        (Query("数据", vector=np.ones(DIMENSIONS + 1)), "dimensions"),
    ],
)
def test_bad_queries_raise_query_errors(
    search_backend: SearchBackend, corpus: str, query: Query, message: str
) -> None:
    with pytest.raises(SearchQueryError, match=message) as caught:
        search_backend.search(corpus, query)
    assert caught.value.code == "search_query_invalid"


def test_malformed_queries_are_refused_before_any_backend() -> None:
    with pytest.raises(SearchQueryError):
        Query(semantic_ratio=1.5)
    with pytest.raises(SearchQueryError):
        Query(sort=["years_experience"])
    with pytest.raises(SearchQueryError):
        Query(limit=-1)
    with pytest.raises(SearchQueryError):
        Query(vector=np.zeros(4))
    with pytest.raises(SearchQueryError):
        Range()


def test_bad_documents_raise_document_errors(
    search_backend: SearchBackend, fresh: IndexSpec
) -> None:
    with pytest.raises(SearchDocumentError) as caught:
        search_backend.upsert(fresh.name, [Document("1", {"years_experience": "ten"})])
    assert caught.value.code == "search_document_invalid"
    with pytest.raises(SearchDocumentError, match="dimensions"):
        search_backend.upsert(fresh.name, [Document("2", {}, vector=np.ones(DIMENSIONS - 1))])
    with pytest.raises(SearchDocumentError):
        Document("a/b", {})
    assert search_backend.count(fresh.name) == 0


def test_errors_share_one_base(search_backend: SearchBackend, corpus: str) -> None:
    with pytest.raises(SearchError):
        search_backend.search(corpus, Query(filters={"summary": "x"}))


# ---------------------------------------------------------------------------- health


def test_health_reports_ok(search_backend: SearchBackend) -> None:
    health = search_backend.health()
    assert health.status == "ok"
    assert health.backend in ("embedded", "meilisearch")


def test_create_backend_picks_by_configuration(tmp_path: object) -> None:
    assert type(create_backend(None, None, path=f"{tmp_path}/s.sqlite3")).__name__ == (
        "EmbeddedBackend"
    )
    assert type(create_backend("http://127.0.0.1:1", "k")).__name__ == "MeiliBackend"
    with pytest.raises(ValueError, match="both"):
        create_backend(None, "key")
