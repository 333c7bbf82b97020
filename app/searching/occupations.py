"""Occupations in search: what documents say about their occupation, and queries that read as
job titles, expanded with their likely occupations.

- A talent or demand document carries its occupation's name, aliases (the job titles the
  classification maps to it) and group name as searchable text (`occupation_text`), so
  ``Java开发`` finds a demand coded 计算机软件工程技术人员 whatever its title says.
- A query that reads as a job title (`reads_as_title`) is coded with `matching.suggest_occupations`
  and its meaning vector is pulled towards the likely occupations, each by its confidence
  (`expand_vector`). Only the vector changes: the keyword terms and the filters stay as they
  were, so the expansion re-ranks and adds neighbours but never removes a hit (a boost, never
  a filter), and works the same on both search backends.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

import matching
from matching.occupations import default_coder
from matching.titles import normalize_title

__all__ = ["coder_ready", "expand_vector", "occupation_text", "reads_as_title"]

#: A query reads as a job title when its normalised form is 1 to this many characters long
#: and has at most `TITLE_WORDS` words; longer queries are descriptions, left as they are.
TITLE_CHARS, TITLE_WORDS = 24, 4
#: Occupations below this confidence are not added; at most `EXPAND_OCCUPATIONS` are.
EXPAND_MIN_CONFIDENCE, EXPAND_OCCUPATIONS = 0.2, 3
#: The weight of the likely occupations against the query's own vector (1: as much).
EXPANSION_WEIGHT = 1.0

Suggest = Callable[[str, int], Sequence[matching.OccupationSuggestion]]
Encode = Callable[[list[str]], npt.NDArray[np.float32]]


_WARMING = threading.Lock()
_WARM_STARTED: list[bool] = [False]


def coder_ready() -> bool:
    """Whether the default occupation coder is built; if not, start building it in the
    background (seconds) so that no search waits for it: queries are not expanded meanwhile."""
    if default_coder.cache_info().currsize:
        return True
    with _WARMING:
        if not _WARM_STARTED[0]:
            _WARM_STARTED[0] = True
            threading.Thread(target=default_coder, name="occupation-coder", daemon=True).start()
    return False


@functools.cache
def _occupations() -> dict[str, matching.Occupation]:
    return {o.code: o for o in matching.load_occupations()}


def occupation_text(code: str | None) -> str:
    """The searchable text of an occupation code: name, aliases and group name ("" if none).

    Examples
    --------
    >>> occupation_text("2-05-08-01").split()[0]
    '内科护士'
    >>> occupation_text(None), occupation_text("9-99-99-99")
    ('', '')
    """
    occupations = _occupations()
    occ = occupations.get(code or "")
    if occ is None:
        return ""
    group = occupations.get(occ.code[:7] + "-00")
    names = [occ.name, *occ.aliases]
    if group is not None and group.code != occ.code:
        names.append(group.name)
    return " ".join(dict.fromkeys(names))


def _occupation_meaning(code: str) -> str:
    occ = _occupations().get(code)
    return f"{occ.name}：{occ.definition}" if occ is not None else ""


def reads_as_title(q: str) -> bool:
    """Whether a query looks like a job title (short, a few words) rather than a description.

    Examples
    --------
    >>> reads_as_title("高级Java开发工程师（北京）"), reads_as_title("！！！")
    (True, False)
    >>> reads_as_title("负责公司后端服务的设计与开发，熟悉Python和分布式系统，三年以上经验")
    False
    """
    normal = normalize_title(q)
    return 0 < len(normal.replace(" ", "")) <= TITLE_CHARS and len(normal.split()) <= TITLE_WORDS


def expand_vector(
    q: str,
    vector: npt.NDArray[np.float32],
    encode: Encode,
    suggest: Suggest | None = None,
) -> npt.NDArray[np.float32]:
    """The query's meaning vector pulled towards the occupations its title most likely names.

    Parameters
    ----------
    q : the query text.
    vector : its unit meaning vector.
    encode : texts -> unit vectors (the index's encoder).
    suggest : title, k -> occupation suggestions; by default `matching.suggest_occupations`
        once its coder is built (`coder_ready`), no expansion before.

    Returns
    -------
    ndarray
        A float32 unit vector: ``vector`` itself when the query does not read as a title or no
        occupation is likely enough; else ``vector + EXPANSION_WEIGHT * mean(occupations)``,
        the occupations' vectors weighted by confidence, scaled to unit length.
    """
    if not reads_as_title(q):
        return vector
    if suggest is None:
        if not coder_ready():
            return vector
        suggest = matching.suggest_occupations
    likely = [
        s
        for s in suggest(q, EXPAND_OCCUPATIONS)[:EXPAND_OCCUPATIONS]
        if s.score >= EXPAND_MIN_CONFIDENCE and _occupation_meaning(s.code)
    ]
    if not likely:
        return vector
    occupation_vectors = np.asarray(
        encode([_occupation_meaning(s.code) for s in likely]), dtype=np.float64
    )
    weights = np.asarray([s.score for s in likely])
    pull = (weights @ occupation_vectors) / weights.sum()
    blended = np.asarray(vector, dtype=np.float64) + EXPANSION_WEIGHT * pull
    norm = float(np.linalg.norm(blended))
    if not np.isfinite(norm) or norm == 0.0:
        return vector
    expanded: npt.NDArray[np.float32] = (blended / norm).astype(np.float32)
    return expanded
