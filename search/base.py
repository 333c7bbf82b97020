"""The search protocol every backend implements, its typed values and its errors.

Values
------
A backend stores `Document`\\ s in indexes described by an `IndexSpec`, answers a `Query` with
a `SearchPage` of `Hit`\\ s and reports its `Health`. All of them are frozen dataclasses of
plain data: no server response (dict) ever leaves a backend.

Errors
------
Every error a backend raises derives from `SearchError`, and each carries a stable snake_case
``code`` (for Meilisearch, the server's own error code when it sent one, as meilisearch-python
keeps it)::

    SearchError                  any failure of the search layer; ``code``, ``message``
    ├── SearchUnavailable        the server cannot be reached, or answered 5xx
    ├── SearchTimeout            a request, or a write task, took longer than allowed
    ├── SearchQueryError         the query is invalid: unknown index, a field the index does
    │                            not filter/sort/facet on, a bad value, a vector of the wrong size
    ├── SearchDocumentError      a document does not fit its index's spec (wrong field type,
    │                            wrong vector size)
    └── SearchTaskFailed         Meilisearch processed a write and failed it; ``code`` is the
                                 server's error code, ``task_uid`` the task

The app maps them to its own errors (``SearchUnavailable`` → 503 ``search_unavailable``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeAlias, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = [
    "Document",
    "FieldKind",
    "FieldValue",
    "FilterValue",
    "FloatVector",
    "Health",
    "Hit",
    "IndexSpec",
    "Query",
    "Range",
    "SearchBackend",
    "SearchDocumentError",
    "SearchError",
    "SearchPage",
    "SearchQueryError",
    "SearchTaskFailed",
    "SearchTimeout",
    "SearchUnavailable",
    "check_query",
]

FloatVector: TypeAlias = npt.NDArray[np.float32]
FieldValue: TypeAlias = str | int | float | bool | list[str] | None
FieldKind: TypeAlias = Literal["text", "keyword", "keywords", "int", "float", "bool"]

MAX_LIMIT = 1000
MAX_OFFSET = 100_000
_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,511}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_SORT_RE = re.compile(r"^([a-z][a-z0-9_]*):(asc|desc)$")


# --------------------------------------------------------------------------------- errors


class SearchError(Exception):
    """Any failure of the search layer.

    Parameters
    ----------
    message : what went wrong, for logs (never shown to users as is).
    code : a stable snake_case code; defaults to the class's own.

    Examples
    --------
    >>> err = SearchTaskFailed("index is full", code="no_space_left_on_device", task_uid=7)
    >>> (err.code, err.task_uid, isinstance(err, SearchError))
    ('no_space_left_on_device', 7, True)
    """

    code: str = "search_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class SearchUnavailable(SearchError):
    """The search server cannot be reached or answered with a server error (5xx)."""

    code = "search_unavailable"


class SearchTimeout(SearchError):
    """A request or a write task did not finish in time; the write may still happen later."""

    code = "search_timeout"


class SearchQueryError(SearchError):
    """The query (or the index it names) is invalid; nothing was searched."""

    code = "search_query_invalid"


class SearchDocumentError(SearchError):
    """A document does not fit its index's spec; nothing was written."""

    code = "search_document_invalid"


class SearchTaskFailed(SearchError):
    """Meilisearch processed a write task and failed it; ``code`` is the server's error code."""

    code = "search_task_failed"

    def __init__(self, message: str, *, code: str | None = None, task_uid: int | None = None):
        super().__init__(message, code=code)
        self.task_uid = task_uid


# --------------------------------------------------------------------------------- values


def _as_unit_vector(value: object, what: str, error: type[SearchError]) -> FloatVector:
    """Return ``value`` as a 1-d float32 array of unit length (cosine needs only direction)."""
    array = np.asarray(value, dtype=np.float32)
    if array.ndim != 1 or array.size == 0:
        raise error(f"{what} must be a non-empty 1-d array, got shape {array.shape}")
    norm = float(np.linalg.norm(array))
    if not math.isfinite(norm) or norm == 0.0:
        raise error(f"{what} must be finite and non-zero")
    unit: FloatVector = (array / np.float32(norm)).astype(np.float32, copy=False)
    unit.flags.writeable = False
    return unit


@dataclass(frozen=True)
class Document:
    """One record to index: a stable id, its fields and optionally its embedding.

    Parameters
    ----------
    id : the record's id as text (e.g. ``str(talent.id)``): 1-511 characters of
        ``A-Z a-z 0-9 _ -``, the characters Meilisearch accepts.
    fields : field name to value. Fields the index's spec does not list are dropped on upsert
        (contact details are never indexed).
    vector : the record's embedding (any float dtype; stored as a float32 unit vector).

    Examples
    --------
    >>> doc = Document("42", {"name": "李明", "skills": ["Python"]}, vector=[3.0, 4.0])
    >>> doc.vector.dtype.name, doc.vector.tolist()
    ('float32', [0.6000000238418579, 0.800000011920929])
    """

    id: str
    fields: Mapping[str, FieldValue]
    vector: FloatVector | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _ID_RE.match(self.id):
            raise SearchDocumentError(
                f"document id must be 1-511 characters of A-Z a-z 0-9 _ -, got {self.id!r}"
            )
        if self.vector is not None:
            unit = _as_unit_vector(
                self.vector, f"vector of document {self.id}", SearchDocumentError
            )
            object.__setattr__(self, "vector", unit)


@dataclass(frozen=True)
class Range:
    """An inclusive numeric range filter; a missing bound is open.

    Examples
    --------
    >>> Range(gte=3, lte=10)
    Range(gte=3, lte=10)
    """

    gte: float | None = None
    lte: float | None = None

    def __post_init__(self) -> None:
        for bound in (self.gte, self.lte):
            if bound is not None and (
                isinstance(bound, bool)
                or not isinstance(bound, int | float)
                or not math.isfinite(bound)
            ):
                raise SearchQueryError(f"range bounds must be finite numbers, got {bound!r}")
        if self.gte is None and self.lte is None:
            raise SearchQueryError("a range needs at least one bound")


#: A filter on one field: a value (equality; for list fields "contains"), a list or tuple of
#: values (any of them), a `Range` (numbers), or a bool.
FilterValue: TypeAlias = str | int | bool | Range | Sequence[str | int]


@dataclass(frozen=True)
class Query:
    """What to search for in one index.

    Parameters
    ----------
    q : the words as the user typed them: Chinese, English, fragments, traditional characters.
        Empty or blank returns every document that passes the filters.
    filters : field name to `FilterValue`; all must hold.
    facets : fields to count values of, over every hit (not just this page).
    sort : ``"field:asc"`` or ``"field:desc"``, first key first; sorting comes before relevance.
    semantic_ratio : 0 ranks by keywords only, 1 by meaning (``vector``) only.
    vector : the query's embedding, used when ``semantic_ratio > 0``; kept as float32.
    limit, offset : the page.

    Examples
    --------
    >>> Query("数据分析", filters={"education": ["master", "doctor"]}, limit=5).limit
    5
    """

    q: str = ""
    filters: Mapping[str, FilterValue] = field(default_factory=dict)
    facets: Sequence[str] = ()
    sort: Sequence[str] = ()
    semantic_ratio: float = 0.5
    vector: FloatVector | None = None
    limit: int = 20
    offset: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.q, str):
            raise SearchQueryError("q must be a string")
        ratio = self.semantic_ratio
        if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not 0 <= ratio <= 1:
            raise SearchQueryError(f"semantic_ratio must be within [0, 1], got {ratio!r}")
        if not isinstance(self.limit, int) or not 0 <= self.limit <= MAX_LIMIT:
            raise SearchQueryError(f"limit must be within [0, {MAX_LIMIT}], got {self.limit!r}")
        if not isinstance(self.offset, int) or not 0 <= self.offset <= MAX_OFFSET:
            raise SearchQueryError(f"offset must be within [0, {MAX_OFFSET}], got {self.offset!r}")
        for key in self.sort:
            if not isinstance(key, str) or not _SORT_RE.match(key):
                raise SearchQueryError(f"sort keys look like 'field:asc' or 'field:desc': {key!r}")
        object.__setattr__(self, "facets", tuple(self.facets))
        object.__setattr__(self, "sort", tuple(self.sort))
        if self.vector is not None:
            object.__setattr__(
                self, "vector", _as_unit_vector(self.vector, "query vector", SearchQueryError)
            )

    @property
    def uses_vector(self) -> bool:
        """Whether meaning takes part in the ranking (a vector and a ratio above 0)."""
        return self.vector is not None and self.semantic_ratio > 0


@dataclass(frozen=True)
class Hit:
    """One result.

    Attributes
    ----------
    id : the document's id.
    fields : the document's stored fields (only those its spec allows).
    snippet : a short extract as safe HTML: matches in ``<mark>…</mark>``, the rest escaped.
    score : relevance in [0, 1]; comparable within one page only.
    """

    id: str
    fields: Mapping[str, FieldValue]
    snippet: str
    score: float


@dataclass(frozen=True)
class SearchPage:
    """One page of results.

    Attributes
    ----------
    hits : this page, best first (or in the requested sort order).
    total : how many documents match in all (exact).
    facets : for each requested facet field, value → number of matching documents, most
        frequent first. Booleans count as ``"true"``/``"false"``, numbers as their text.
    """

    hits: tuple[Hit, ...]
    total: int
    facets: Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class Health:
    """A backend's state: ``"ok"`` or ``"down"``, which backend, and why."""

    status: Literal["ok", "down"]
    backend: Literal["embedded", "meilisearch"]
    detail: str = ""


@dataclass(frozen=True)
class IndexSpec:
    """What an index holds and what it can do with each field.

    Parameters
    ----------
    name : the index name (lower snake case).
    fields : every field a document may carry, with its kind. Anything else is dropped on
        upsert, so contact details never reach the index.

        ``text``: free text, searchable; ``keyword``: one exact value; ``keywords``: a list of
        exact values; ``int``/``float``: numbers; ``bool``.
    searchable : field → weight (≥ 1; higher ranks first) for the fields words are looked for in.
    filterable, sortable, facets : fields the query may filter on, sort by and count.
        Facet fields are filterable too.
    snippet_fields : fields a snippet is cut from when no searched word matched.
    vector_dimensions : the size of document and query vectors, or None for no vectors.

    Examples
    --------
    >>> spec = IndexSpec("notes", {"title": "text", "tag": "keyword"}, {"title": 1},
    ...                  filterable=("tag",), facets=("tag",))
    >>> spec.clean({"title": "数据", "phone": "13800000000"})
    {'title': '数据'}
    """

    name: str
    fields: Mapping[str, FieldKind]
    searchable: Mapping[str, int]
    filterable: tuple[str, ...] = ()
    sortable: tuple[str, ...] = ()
    facets: tuple[str, ...] = ()
    snippet_fields: tuple[str, ...] = ()
    vector_dimensions: int | None = None

    def __post_init__(self) -> None:
        if not _NAME_RE.match(self.name):
            raise ValueError(f"index name must be lower snake case, got {self.name!r}")
        for name, kind in self.fields.items():
            if not _NAME_RE.match(name):
                raise ValueError(f"field names must be lower snake case, got {name!r}")
            if kind not in ("text", "keyword", "keywords", "int", "float", "bool"):
                raise ValueError(f"field {name!r} has unknown kind {kind!r}")
        groups = {
            "searchable": tuple(self.searchable),
            "filterable": self.filterable,
            "sortable": self.sortable,
            "facets": self.facets,
            "snippet_fields": self.snippet_fields,
        }
        for group, names in groups.items():
            unknown = sorted(set(names) - set(self.fields))
            if unknown:
                raise ValueError(f"{group} names fields the spec does not list: {unknown}")
        for name, weight in self.searchable.items():
            if isinstance(weight, bool) or not isinstance(weight, int) or weight < 1:
                raise ValueError(f"weight of {name!r} must be an int >= 1, got {weight!r}")
            if self.fields[name] not in ("text", "keyword", "keywords"):
                raise ValueError(f"searchable field {name!r} must hold text")
        for name in self.sortable:
            if self.fields[name] not in ("int", "float", "keyword", "bool"):
                raise ValueError(f"sortable field {name!r} must hold one value")
        for name in self.facets:
            if self.fields[name] == "float":
                raise ValueError(f"facet field {name!r} must not be a float")
        if self.vector_dimensions is not None and not 1 <= self.vector_dimensions <= 4096:
            raise ValueError("vector_dimensions must be within [1, 4096]")
        object.__setattr__(self, "filterable", tuple(dict.fromkeys(self.filterable + self.facets)))

    def clean(self, fields: Mapping[str, object]) -> dict[str, FieldValue]:
        """Keep the fields this spec lists, checked against their kind.

        Parameters
        ----------
        fields : a document's fields; unknown ones are dropped silently.

        Returns
        -------
        dict
            The allowed fields; lists become lists of str, None values are dropped.

        Raises
        ------
        SearchDocumentError
            When a value does not fit its field's kind.

        Examples
        --------
        >>> spec = IndexSpec("t", {"n": "int", "tags": "keywords"}, {"tags": 1})
        >>> spec.clean({"n": 3, "tags": ("a", "b"), "email": "x@example.com"})
        {'n': 3, 'tags': ['a', 'b']}
        """
        clean: dict[str, FieldValue] = {}
        for name, value in fields.items():
            kind = self.fields.get(name)
            if kind is None or value is None:
                continue
            clean[name] = _check_value(name, kind, value)
        return clean


def _check_value(name: str, kind: FieldKind, value: object) -> FieldValue:
    """Return ``value`` if it fits ``kind`` (lists as list[str]), else raise."""
    ok: bool
    if kind in ("text", "keyword"):
        ok = isinstance(value, str)
    elif kind == "keywords":
        if isinstance(value, list | tuple | set | frozenset) and all(
            isinstance(item, str) for item in value
        ):
            return list(value)
        ok = False
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "float":
        ok = (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(float(value))
        )
    else:
        ok = isinstance(value, bool)
    if not ok:
        raise SearchDocumentError(f"field {name!r} must be {kind}, got {value!r}")
    return value  # type: ignore[return-value]


def check_query(spec: IndexSpec, query: Query) -> None:
    """Check a query against an index's spec, as both backends must.

    Parameters
    ----------
    spec : the index's spec.
    query : the query.

    Raises
    ------
    SearchQueryError
        When a filter, facet or sort names a field the spec does not allow for it, a filter
        value does not fit its field, or the vector does not have the spec's size.

    Examples
    --------
    >>> spec = IndexSpec("t", {"n": "int", "tag": "keyword"}, {"tag": 1}, filterable=("tag",))
    >>> check_query(spec, Query(filters={"tag": ["a", "b"]}))
    >>> check_query(spec, Query(filters={"n": 1}))
    Traceback (most recent call last):
    ...
    search.base.SearchQueryError: cannot filter on 'n'
    """
    for name, value in query.filters.items():
        if name not in spec.filterable:
            raise SearchQueryError(f"cannot filter on {name!r}")
        _check_filter(name, spec.fields[name], value)
    for name in query.facets:
        if name not in spec.facets:
            raise SearchQueryError(f"cannot count facet {name!r}")
    for key in query.sort:
        name = key.partition(":")[0]
        if name not in spec.sortable:
            raise SearchQueryError(f"cannot sort by {name!r}")
    if query.uses_vector:
        assert query.vector is not None
        if spec.vector_dimensions is None:
            raise SearchQueryError(f"index {spec.name!r} holds no vectors")
        if query.vector.shape[0] != spec.vector_dimensions:
            raise SearchQueryError(
                f"query vector has {query.vector.shape[0]} dimensions, "
                f"index {spec.name!r} has {spec.vector_dimensions}"
            )


def _check_filter(name: str, kind: FieldKind, value: object) -> None:
    numeric = kind in ("int", "float")
    textual = kind in ("keyword", "keywords", "text")
    if isinstance(value, Range):
        ok = numeric
    elif isinstance(value, bool):
        ok = kind == "bool"
    elif isinstance(value, str):
        ok = textual
    elif isinstance(value, int | float):
        ok = numeric and math.isfinite(value)
    elif isinstance(value, list | tuple | set | frozenset):
        ok = all(
            (textual and isinstance(item, str))
            or (
                numeric
                and isinstance(item, int | float)
                and not isinstance(item, bool)
                and math.isfinite(item)
            )
            for item in value
        )
    else:
        ok = False
    if not ok:
        raise SearchQueryError(f"filter on {name!r} ({kind}) cannot be {value!r}")


# ------------------------------------------------------------------------------- protocol


@runtime_checkable
class SearchBackend(Protocol):
    """What the app needs from a search engine; `create_backend` returns one.

    Every write has happened when the call returns (a caller reads its own writes).
    Methods that take an index name need `ensure_index` to have been called with its spec on
    this backend object first (else `SearchQueryError` with code ``index_not_found``).
    """

    def ensure_index(self, spec: IndexSpec) -> None:
        """Create the index if needed and apply the spec's settings (idempotent)."""
        ...

    def upsert(self, index: str, documents: Iterable[Document]) -> None:
        """Add documents, replacing those with the same id."""
        ...

    def delete(self, index: str, ids: Iterable[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""
        ...

    def search(self, index: str, query: Query) -> SearchPage:
        """Answer a query."""
        ...

    def count(self, index: str) -> int:
        """How many documents the index holds."""
        ...

    def clear(self, index: str) -> None:
        """Remove every document, keeping the index and its settings."""
        ...

    def health(self) -> Health:
        """Report whether the backend can serve; never raises."""
        ...

    def close(self) -> None:
        """Release connections; the object must not be used afterwards."""
        ...
