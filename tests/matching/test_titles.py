"""Job-title normalisation: the work stays, employer, perks, places, brackets and ranks go."""

from __future__ import annotations

import pytest

from matching import normalize_title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("高级Java开发工程师", "java开发工程师"),
        ("资深产品经理", "产品"),
        ("实习生-行政助理", "行政"),
        ("销售主管", "销售"),
        ("技术部经理", "技术"),
        ("储备干部", "储备干部"),  # nothing but rank words: kept rather than nothing
    ],
)
def test_rank_and_department_words_go(title: str, expected: str) -> None:
    assert normalize_title(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("软件销售经理（哈尔滨）", "软件销售"),
        ("销售代表（福建省区域）", "销售代表"),
        ("钢铁行业区域销售-西南区域", "钢铁行业销售"),
        ("项目经理（电气主管工程师）", "项目 电气工程师"),  # a bracket may hold the title
        ("上海市浦东新区会计", "会计"),
    ],
)
def test_brackets_and_places(title: str, expected: str) -> None:
    assert normalize_title(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("高州市通顺电子科技招聘手机维修", "手机维修"),
        ("高薪招装卸工8k+（提供食宿）", "装卸工"),
        ("销售内勤/六险一金/双休", "销售内勤"),
        ("温州9k国企办公室销售 五险一金+早午餐", "办公室销售"),
    ],
)
def test_employer_and_perks_go(title: str, expected: str) -> None:
    assert normalize_title(title) == expected


def test_traditional_characters_and_full_width_fold() -> None:
    assert normalize_title("軟體開發工程師") == "软体开发工程师"
    assert normalize_title("ＰＹＴＨＯＮ開發") == "python开发"


def test_english_titles_are_read_with_the_glossary() -> None:
    assert normalize_title("Senior Software Engineer") == "软件 工程师"
    assert normalize_title("Registered Nurse (Shanghai)") == "registered 护士 shanghai"
    assert normalize_title("C++ developer") == "cpp 开发"


def test_nothing_to_keep_gives_empty_text() -> None:
    assert normalize_title("！！！") == ""
    assert normalize_title("") == ""
