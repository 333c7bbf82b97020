"""Text folding shared by scoring and occupation coding: normalising, synonyms, bigrams, phrases.

Text is folded with NFKC (full-width → ASCII) and lower case. Items such as skills, languages,
majors and places are compared after folding and mapping each member of a synonym group in
``synonyms.txt`` to the group's first member (``Golang`` and ``go`` both become ``go``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "canonical_item",
    "char_bigrams",
    "load_synonyms",
    "normalize",
    "split_phrases",
    "tokens",
]

_HERE = Path(__file__).parent
_SPACE_RE = re.compile(r"\s+")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A token is a run of CJK characters or a Latin word (keeping C++ and C# whole).
_TOKEN_RE = re.compile(rf"[{_CJK}]+|[0-9a-z]+(?:\+\+|#)?")
_PHRASE_SPLIT_RE = re.compile(r"[\n\r。；;！!？?，,、：:（）()\[\]【】|/]+")


def normalize(text: str) -> str:
    """Fold text for comparison: NFKC, lower case, single spaces, stripped.

    Examples
    --------
    >>> normalize("  Ｐｙｔｈｏｎ   开发 ")
    'python 开发'
    """
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


@functools.cache
def load_synonyms() -> dict[str, str]:
    """Each folded synonym-group member mapped to its group's first member (folded).

    Examples
    --------
    >>> load_synonyms()["golang"]
    'go'
    """
    mapping: dict[str, str] = {}
    for line in (_HERE / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        members = [normalize(member) for member in line.split(",") if member.strip()]
        for member in members:
            mapping.setdefault(member, members[0])
    return mapping


def canonical_item(item: str) -> str:
    """The form an item is compared in: folded, then its synonym group's first member.

    Examples
    --------
    >>> canonical_item("JS") == canonical_item("javascript")
    True
    >>> canonical_item("机器学习")
    '人工智能'
    """
    folded = normalize(item)
    return load_synonyms().get(folded, folded)


def tokens(text: str) -> list[str]:
    """Runs of CJK characters and Latin words of the folded text.

    Examples
    --------
    >>> tokens("Python后端开发, C++")
    ['python', '后端开发', 'c++']
    """
    return _TOKEN_RE.findall(normalize(text))


def char_bigrams(text: str) -> list[str]:
    """Index terms: overlapping bigrams of each CJK run (a lone character stays), Latin words.

    Examples
    --------
    >>> char_bigrams("护士Java")
    ['护士', 'java']
    >>> char_bigrams("软件开发")
    ['软件', '件开', '开发']
    """
    out: list[str] = []
    for token in tokens(text):
        if token[0].isascii() or len(token) == 1:
            out.append(token)
        else:
            out.extend(token[i : i + 2] for i in range(len(token) - 1))
    return out


def split_phrases(text: str, *, max_phrases: int = 64) -> list[str]:
    """Cut a text into short phrases at punctuation and line breaks, dropping duplicates.

    Examples
    --------
    >>> split_phrases("熟悉Python；有三年后端经验。Python")
    ['熟悉Python', '有三年后端经验', 'Python']
    """
    seen: dict[str, None] = {}
    for part in _PHRASE_SPLIT_RE.split(text):
        part = part.strip()
        if part and part not in seen:
            seen[part] = None
        if len(seen) >= max_phrases:
            break
    return list(seen)


def canonical_set(items: Iterable[str] | None) -> frozenset[str] | None:
    """The canonical forms of some items; None (unknown) stays None."""
    if items is None:
        return None
    return frozenset(canonical_item(item) for item in items if item.strip())
