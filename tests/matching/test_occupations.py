"""Occupation coding on the real CSCO 2022 table."""

from __future__ import annotations

import pytest

from matching import (
    MatchingInputError,
    OccupationCoder,
    SentenceTransformerEncoder,
    code_occupation,
    load_labelled_titles,
    load_occupations,
    suggest_occupations,
)
from matching.occupations import UNKNOWN_BELOW


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


def test_suggestions_are_of_distinct_groups() -> None:
    out = suggest_occupations("Java开发工程师", k=5)
    groups = [s.code[:7] for s in out]
    assert len(out) == 5
    assert len(set(groups)) == len(groups)


def test_coding_a_clear_title_is_confident() -> None:
    coding = code_occupation("高级Java开发工程师（北京）")
    assert coding.code is not None
    assert coding.code.startswith("2-02-10-")
    assert coding.name == "计算机软件工程技术人员"
    assert UNKNOWN_BELOW <= coding.confidence <= 1.0
    assert coding.suggestions[0].score == coding.confidence


def test_a_vague_title_is_less_confident_than_a_clear_one() -> None:
    clear = code_occupation("护士").confidence
    vague = code_occupation("工作人员").confidence
    assert 0.0 < vague < clear


def test_unknown_below_the_threshold_keeps_suggestions() -> None:
    coding = code_occupation("工作人员")
    assert coding.confidence < UNKNOWN_BELOW
    assert coding.code is None
    assert coding.name is None
    assert coding.suggestions  # still offered to a person choosing by hand


def test_nothing_known_is_unknown_with_nothing_to_suggest() -> None:
    coding = code_occupation("！！！")
    assert (coding.code, coding.confidence, coding.suggestions) == (None, 0.0, ())


def test_english_titles_are_coded() -> None:
    assert suggest_occupations("Senior Software Engineer", k=1)[0].code.startswith("2-02-10-")
    assert suggest_occupations("Registered Nurse", k=1)[0].code.startswith("2-05-08-")


def test_labelled_neighbours_teach_the_coder() -> None:
    title = "订奶业务员"
    untaught = OccupationCoder(labelled=[]).suggest(title, k=1)
    taught = OccupationCoder(labelled=[("订奶配送业务员", "4-02-07-08")]).suggest(title, k=1)
    assert not untaught or untaught[0].code != "4-02-07-08"
    assert taught[0].code == "4-02-07-08"


def test_labels_outside_the_classification_are_ignored() -> None:
    coder = OccupationCoder(labelled=[("订奶配送业务员", "9-99-99-99")])
    assert all(s.code != "9-99-99-99" for s in coder.suggest("订奶配送业务员", k=5))


def test_shipped_labelled_titles_load() -> None:
    labelled = load_labelled_titles()
    assert len(labelled) == 2946
    assert all(title and code.count("-") == 3 for title, code in labelled)
