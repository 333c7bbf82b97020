"""Occupation coding on the real CSCO 2022 table."""

from __future__ import annotations

import pytest

from matching import (
    MatchingInputError,
    SentenceTransformerEncoder,
    load_occupations,
    suggest_occupations,
)


def test_table_has_every_level_and_clean_names() -> None:
    occupations = load_occupations()
    assert len(occupations) == 2051
    assert sum(o.level == 4 for o in occupations) == 1634
    software = next(o for o in occupations if o.code == "2-02-10-03")
    assert software.name == "计算机软件工程技术人员"
    assert software.is_digital
    assert "Python" in software.aliases
    assert load_occupations() is occupations


@pytest.mark.parametrize("text", ["Python后端开发工程师", "软件开发", "Java开发"])
def test_software_titles_suggest_a_software_occupation(text: str) -> None:
    codes = [s.code for s in suggest_occupations(text, k=5)]
    assert any(code.startswith("2-02-10-") for code in codes), codes


def test_nurse_suggests_nursing_first() -> None:
    best = suggest_occupations("护士")[0]
    assert best.code.startswith("2-05-08-")
    assert "护士" in best.name


def test_suggestions_are_level_4_sorted_and_bounded() -> None:
    out = suggest_occupations("会计", k=7)
    assert 0 < len(out) <= 7
    scores = [s.score for s in out]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 < s <= 1.0 for s in scores)
    assert all(s.code.count("-") == 3 and not s.code.endswith("-00-00") for s in out)


def test_text_without_any_known_term_gives_nothing() -> None:
    assert suggest_occupations("！！！") == ()


def test_bad_k_is_rejected() -> None:
    with pytest.raises(MatchingInputError, match="k must be"):
        suggest_occupations("护士", k=0)


def test_encoder_blend_keeps_nurse_first(encoder: SentenceTransformerEncoder) -> None:
    best = suggest_occupations("医院护士，负责病房护理", encoder=encoder)[0]
    assert best.code.startswith("2-05-08-")
