"""Chinese-aware text analysis shared by both backends: normalising, segmenting, bigrams,
query terms with synonyms, typo budgets and HTML snippets.

Text is normalised first (NFKC, traditional → simplified characters with OpenCC's character
table ``t2s.txt``, lower case), then cut
into runs of CJK characters and runs of Latin letters/digits. A document yields, per run:

- *words*: the jieba segmentation of a CJK run (search mode, with sub-words, and the domain
  dictionary ``userdict.txt``) and each Latin word whole;
- *grams*: the overlapping character bigrams of a CJK run, then its single characters, so a
  word inside a longer word is still found (数据 in 大数据工程师, 处理 in 待处理).

A query becomes at most `MAX_QUERY_TERMS` terms, all of which must match. A term is a Latin
word or a CJK word (jieba's cut, single characters glued to a neighbour, function words such as
的 dropped); a term that is a member of a group in ``synonyms.txt`` also matches the group's
other members. Latin words match whole (``java`` never matches ``javascript``); CJK words match
as substrings through the bigrams.
"""

from __future__ import annotations

import functools
import html
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import rjieba

__all__ = [
    "MAX_QUERY_TERMS",
    "Piece",
    "QueryTerms",
    "Term",
    "TextAnalysis",
    "analyze_fields",
    "analyze_query",
    "analyze_text",
    "make_snippet",
    "normalize",
    "osa_distance",
    "synonym_groups",
    "typo_budget",
    "typo_match",
]

MAX_QUERY_TERMS = 10
GAP = "\ue000"  # a token that never matches: keeps bigram phrases inside one CJK run
SNIPPET_CHARS = 120

_HERE = Path(__file__).parent
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f"
_LATIN = "0-9a-z\u00b5\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f\u0370-\u03ff\u0400-\u04ff"
_RUN_RE = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<latin>[{_LATIN}]+)(?P<suffix>\+\+|#)?")
_MAX_LATIN = 64
_LATIN_RUN_RE = re.compile(rf"([{_LATIN}]+)(\+\+|#)?")
# Function characters that carry no meaning on their own in a query.
_STOP_CHARS = frozenset("的了和与及或在是等并且之也而")
_SEGMENTER_LOCK = threading.Lock()


# ------------------------------------------------------------------------------ normalise


@functools.cache
def _t2s() -> dict[int, str]:
    """Traditional → simplified, character by character: both sides of a match are folded the
    same way, so the phrase-level subtleties of full OpenCC conversion do not matter here."""
    table: dict[int, str] = {}
    for line in (_HERE / "t2s.txt").read_text(encoding="utf-8").splitlines():
        if len(line) == 2 and not line.startswith("#"):
            table[ord(line[0])] = line[1]
    return table


def normalize(text: str) -> str:
    """Fold text for matching: NFKC (full-width → ASCII), simplified Chinese, lower case.

    Parameters
    ----------
    text : any text.

    Returns
    -------
    str
        The folded text.

    Examples
    --------
    >>> normalize("軟件開發 ＰＹＴＨＯＮ")
    '软件开发 python'
    """
    return unicodedata.normalize("NFKC", text).translate(_t2s()).lower()


def _segmenter() -> rjieba.Jieba:
    """The jieba (Rust) segmenter with the domain dictionary and synonym members added."""
    segmenter: rjieba.Jieba | None = _SEGMENTER[0]
    if segmenter is None:
        with _SEGMENTER_LOCK:
            segmenter = _SEGMENTER[0]
            if segmenter is None:
                segmenter = _SEGMENTER[0] = _new_segmenter()
    return segmenter


_SEGMENTER: list[rjieba.Jieba | None] = [None]


def _new_segmenter() -> rjieba.Jieba:
    segmenter = rjieba.Jieba()
    words = [
        line.split()[0]
        for line in (_HERE / "userdict.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    words += [member for group in _raw_synonyms() for member in group if _is_cjk_word(member)]
    for word in words:
        segmenter.add_word(normalize(word), None, None)
    return segmenter


def _is_cjk_word(text: str) -> bool:
    return bool(re.fullmatch(f"[{_CJK}]+", normalize(text)))


def _runs(text: str) -> Iterator[tuple[Literal["cjk", "latin"], str]]:
    """Yield the CJK runs and Latin words of normalised text, in order."""
    for match in _RUN_RE.finditer(text):
        cjk = match.group("cjk")
        if cjk:
            yield "cjk", cjk
            continue
        word = match.group("latin")[:_MAX_LATIN]
        suffix = match.group("suffix")
        # c++ and c# would lose their symbols to any tokenizer: spell them as words.
        if suffix == "++":
            word += "pp"
        elif suffix == "#":
            word += "sharp"
        yield "latin", word


# ------------------------------------------------------------------------------ documents


@dataclass(frozen=True)
class TextAnalysis:
    """What one text is indexed as.

    Attributes
    ----------
    words : jieba words of the CJK runs and the Latin words, in order.
    latin : the Latin words alone.
    grams : per CJK run, its bigrams then its single characters, runs separated by `GAP`.
    """

    words: tuple[str, ...]
    latin: tuple[str, ...]
    grams: tuple[str, ...]


def analyze_text(text: str) -> TextAnalysis:
    """Cut text into the words and character grams it is indexed as.

    Parameters
    ----------
    text : raw text (any script; traditional characters are folded to simplified).

    Returns
    -------
    TextAnalysis

    Examples
    --------
    >>> a = analyze_text("Python後端")
    >>> a.words, a.latin, a.grams
    (('python', '后端'), ('python',), ('后端', '\\ue000', '后', '端', '\\ue000'))
    """
    segmenter = _segmenter()
    words: list[str] = []
    latin: list[str] = []
    grams: list[str] = []
    for kind, run in _runs(normalize(text)):
        if kind == "latin":
            words.append(run)
            latin.append(run)
            continue
        words.extend(segmenter.cut_for_search(run))
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
        grams.append(GAP)
        grams.extend(run)
        grams.append(GAP)
    return TextAnalysis(tuple(words), tuple(latin), tuple(grams))


@functools.lru_cache(maxsize=1 << 16)
def _analyze_short(text: str) -> TextAnalysis:
    return analyze_text(text)


def analyze_fields(fields: Mapping[str, object], weights: Mapping[str, int]) -> list[TextAnalysis]:
    """The analysis of a document's searchable fields, one per weight tier (highest first).

    Short values (skills, titles, schools, cities) repeat across documents, so their analysis
    is cached; that is most of the cost of indexing.

    Parameters
    ----------
    fields : the document's fields.
    weights : searchable field → weight.

    Returns
    -------
    list of TextAnalysis
        One per distinct weight, highest first; a tier without text is empty.

    Examples
    --------
    >>> high, low = analyze_fields({"skills": ["Go", "后端"], "summary": "R&D"}, {"skills": 2,
    ...                             "summary": 1})
    >>> high.words, low.latin
    (('go', '后端'), ('r', 'd'))
    """
    tiers = sorted(set(weights.values()), reverse=True)
    parts: list[tuple[list[str], list[str], list[str]]] = [([], [], []) for _ in tiers]
    for name, weight in weights.items():
        value = fields.get(name)
        if value is None:
            continue
        words, latin, grams = parts[tiers.index(weight)]
        items = value if isinstance(value, list | tuple) else [field_text(value)]
        for item in items:
            text = str(item)
            analysis = _analyze_short(text) if len(text) <= 64 else analyze_text(text)
            words.extend(analysis.words)
            latin.extend(analysis.latin)
            grams.extend(analysis.grams)
    return [TextAnalysis(tuple(w), tuple(la), tuple(g)) for w, la, g in parts]


def field_text(value: object) -> str:
    """The text of a field value: lists are joined, other values are their str().

    Examples
    --------
    >>> field_text(["Python", "Go"])
    'Python, Go'
    """
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


# -------------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Piece:
    """One word of a query term: a Latin word (matched whole) or CJK text (matched inside
    words)."""

    kind: Literal["latin", "cjk"]
    text: str


@dataclass(frozen=True)
class Term:
    """One query term: it matches when any alternative matches (all of its pieces).

    ``alternatives[0]`` is what the user typed; the others are its synonyms. ``group`` is the
    synonym group's number, or None.
    """

    alternatives: tuple[tuple[Piece, ...], ...]
    group: int | None = None

    @property
    def typed(self) -> tuple[Piece, ...]:
        return self.alternatives[0]


@dataclass(frozen=True)
class QueryTerms:
    """The analysed query: every term must match. No terms means "everything"."""

    terms: tuple[Term, ...]

    def pieces(self) -> Iterator[Piece]:
        """Every piece of every alternative, for highlighting."""
        for term in self.terms:
            for alternative in term.alternatives:
                yield from alternative


def _pieces(text: str) -> list[Piece]:
    """Cut normalised text into query pieces (see the module docstring)."""
    segmenter = _segmenter()
    pieces: list[Piece] = []
    for kind, run in _runs(text):
        if kind == "latin":
            pieces.append(Piece("latin", run))
            continue
        # Function characters split the run; single characters glue to a neighbour so that
        # 大数据 stays one substring rather than 大 AND 数据.
        segment: list[str] = []
        for word in [*segmenter.cut(run), "的"]:
            if word in _STOP_CHARS:
                glued: list[str] = []
                for part in segment:
                    if glued and (len(part) == 1 or len(glued[-1]) == 1):
                        glued[-1] += part
                    else:
                        glued.append(part)
                pieces.extend(Piece("cjk", part) for part in glued)
                segment = []
            else:
                segment.append(word)
    return pieces


def _raw_synonyms() -> list[list[str]]:
    groups = []
    for line in (_HERE / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            members = [member.strip() for member in line.split(",") if member.strip()]
            if len(members) > 1:
                groups.append(members)
    return groups


@functools.cache
def synonym_groups() -> tuple[tuple[tuple[Piece, ...], ...], ...]:
    """The synonym groups of ``synonyms.txt``, each member cut into query pieces.

    Examples
    --------
    >>> [p.text for member in synonym_groups()[0] for p in member][:3]
    ['人工智能', 'ai', '机器学习']
    """
    groups = []
    for members in _raw_synonyms():
        cut = tuple(tuple(_pieces(normalize(member))) for member in members)
        groups.append(tuple(dict.fromkeys(member for member in cut if member)))
    return tuple(groups)


@functools.cache
def _synonym_keys() -> tuple[dict[tuple[str, ...], int], int]:
    keys: dict[tuple[str, ...], int] = {}
    for number, group in enumerate(synonym_groups()):
        for member in group:
            keys.setdefault(tuple(piece.text for piece in member), number)
    return keys, max((len(key) for key in keys), default=1)


def analyze_query(q: str) -> QueryTerms:
    """Cut a query into terms, with synonyms.

    Parameters
    ----------
    q : the query as typed; any characters (query syntax has no meaning here).

    Returns
    -------
    QueryTerms
        At most `MAX_QUERY_TERMS` terms.

    Examples
    --------
    >>> terms = analyze_query('大数据 "java" AND 人工智能*').terms
    >>> [t.typed[0].text for t in terms]
    ['大数据', 'java', 'and', '人工智能']
    >>> [p.text for p in terms[3].alternatives[1]]
    ['ai']
    """
    pieces = _pieces(normalize(q[:4000]))
    keys, longest = _synonym_keys()
    groups = synonym_groups()
    terms: list[Term] = []
    i = 0
    while i < len(pieces) and len(terms) < MAX_QUERY_TERMS:
        for size in range(min(longest, len(pieces) - i), 0, -1):
            key = tuple(piece.text for piece in pieces[i : i + size])
            number = keys.get(key)
            if number is not None:
                typed = tuple(pieces[i : i + size])
                others = tuple(member for member in groups[number] if member != typed)
                terms.append(Term((typed, *others), number))
                i += size
                break
        else:
            terms.append(Term(((pieces[i],),)))
            i += 1
    return QueryTerms(tuple(terms))


# ---------------------------------------------------------------------------------- typos


def typo_budget(word: str) -> int:
    """How many typos a Latin query word may carry: 0 below 5 letters, 1 below 9, else 2.

    These are Meilisearch's defaults; digits never get typos.

    Examples
    --------
    >>> typo_budget("java"), typo_budget("python"), typo_budget("kubernetes"), typo_budget("12345")
    (0, 1, 2, 0)
    """
    if not word.isalpha():
        return 0
    return 0 if len(word) < 5 else 1 if len(word) < 9 else 2


def typo_match(query_word: str, word: str) -> bool:
    """Whether ``word`` is ``query_word`` with at most its typo budget of edits.

    An edit is an insertion, deletion, substitution or swap of neighbours; the first letter must
    agree.

    Examples
    --------
    >>> typo_match("pyhton", "python"), typo_match("java", "javascript")
    (True, False)
    """
    if query_word == word:
        return True
    budget = typo_budget(query_word)
    if (
        not budget
        or not word
        or word[0] != query_word[0]
        or abs(len(word) - len(query_word)) > budget
    ):
        return False
    return osa_distance(query_word, word, budget) <= budget


def osa_distance(a: str, b: str, cutoff: int) -> int:
    """Optimal string alignment distance (edits plus swaps of neighbours), or ``cutoff + 1``
    as soon as it must exceed ``cutoff``.

    Examples
    --------
    >>> osa_distance("pyhton", "python", 2), osa_distance("golang", "django", 1)
    (1, 2)
    """
    if abs(len(a) - len(b)) > cutoff:
        return cutoff + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > cutoff:
            return cutoff + 1
        previous2, previous = previous, current
    return min(previous[len(b)], cutoff + 1)


# ------------------------------------------------------------------------------- snippets


@functools.lru_cache(maxsize=1 << 14)
def _aligned(text: str) -> tuple[str, tuple[int, ...] | None]:
    """Normalise text keeping, for each folded character, the index of its source character
    (None when folding kept every character in place). Cached: field values repeat."""
    folded = normalize(text)
    if len(folded) == len(text):
        return folded, None
    parts = [normalize(char) for char in text]
    return "".join(parts), tuple(i for i, part in enumerate(parts) for _ in part)


def _latin_words(folded: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) of each Latin word, spelled as it is indexed (c++ → cpp)."""
    for match in _LATIN_RUN_RE.finditer(folded):
        word, suffix = match.group(1)[:_MAX_LATIN], match.group(2)
        if suffix:
            word += "pp" if suffix == "++" else "sharp"
        yield match.start(), match.end(), word


def _spans(
    folded: str, cjk: set[str], latin: set[str], typos: list[tuple[str, int]]
) -> list[tuple[int, int, str]]:
    """Matched spans (start, end, needle) in folded text; ``typos`` are the Latin needles that
    may carry typos, with their budget."""
    spans: list[tuple[int, int, str]] = []
    for needle in cjk:
        start = folded.find(needle)
        while start >= 0:
            spans.append((start, start + len(needle), needle))
            start = folded.find(needle, start + 1)
    if latin:
        for start, end, word in _latin_words(folded):
            if word in latin:
                spans.append((start, end, word))
                continue
            for needle, budget in typos:
                if (
                    word[0] == needle[0]
                    and abs(len(word) - len(needle)) <= budget
                    and osa_distance(needle, word, budget) <= budget
                ):
                    spans.append((start, end, needle))
                    break
    spans.sort()
    return spans


def make_snippet(
    texts: Sequence[tuple[str, int]],
    query: QueryTerms,
    *,
    fallback: str = "",
    max_chars: int = SNIPPET_CHARS,
) -> str:
    """Cut a short extract around the query's matches, as safe HTML.

    Parameters
    ----------
    texts : (text, weight) of each searchable field of a hit.
    query : the analysed query; every piece of every alternative is highlighted.
    fallback : text to show when nothing matches (e.g. the summary).
    max_chars : the longest extract, in characters of the source text.

    Returns
    -------
    str
        HTML: matches inside ``<mark>…</mark>``, everything else escaped.

    Examples
    --------
    >>> make_snippet([("<b>大數據</b>工程师", 1)], analyze_query("数据"))
    '&lt;b&gt;大<mark>數據</mark>&lt;/b&gt;工程师'
    """
    cjk = {piece.text for piece in query.pieces() if piece.kind == "cjk"}
    latin = {piece.text for piece in query.pieces() if piece.kind == "latin"}
    typos = [(word, budget) for word in sorted(latin) if (budget := typo_budget(word))]
    best: tuple[float, str, list[tuple[int, int]]] | None = None
    if cjk or latin:
        for text, weight in texts:
            if not text:
                continue
            folded, source = _aligned(text)
            spans = _spans(folded, cjk, latin, typos)
            if not spans:
                continue
            score = weight * len({needle for _, _, needle in spans})
            if best is None or score > best[0]:
                if source is None:
                    mapped = [(start, end) for start, end, _ in spans]
                else:
                    mapped = [(source[start], source[end - 1] + 1) for start, end, _ in spans]
                best = (score, text, mapped)
    if best is None:
        return _render(fallback, [], max_chars)
    return _render(best[1], best[2], max_chars)


def _render(text: str, spans: Iterable[tuple[int, int]], max_chars: int) -> str:
    """Escape ``text`` cropped around its first span, with spans wrapped in ``<mark>``."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    first = merged[0][0] if merged else 0
    begin = max(0, min(first - 20, len(text) - max_chars))
    finish = min(len(text), begin + max_chars)
    out = ["…"] if begin > 0 else []
    cursor = begin
    for start, end in merged:
        if start >= finish:
            break
        start, end = max(start, cursor), min(end, finish)
        if start >= end:
            continue
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    out.append(html.escape(text[cursor:finish]))
    if finish < len(text):
        out.append("…")
    return "".join(out)


def searchable_texts(
    fields: Mapping[str, object], weights: Mapping[str, int]
) -> list[tuple[str, int]]:
    """(text, weight) of each searchable field present in ``fields``, for `make_snippet`.

    Examples
    --------
    >>> searchable_texts({"name": "李明", "age": 3}, {"name": 3})
    [('李明', 3)]
    """
    return [
        (field_text(fields[name]), weight) for name, weight in weights.items() if name in fields
    ]
