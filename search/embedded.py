"""The embedded backend: SQLite FTS5 in its own file, filters and vectors in memory.

Storage (one SQLite file, WAL mode; the database is the source of truth)::

    search_meta           index name → spec (JSON), analyzer version, generation
    <index>_docs          rowid (AUTOINCREMENT), doc_id, fields (JSON), vector (float32 blob)
    <index>_fts           FTS5: per weight tier, a words column w<i> and a grams column g<i>

An upsert deletes the old row and inserts a new one, so rowids only grow. Each process keeps a
columnar cache of every index it serves, in rowid order: filter, sort and facet fields (codes
and numbers), the vector matrix (float32, unit rows) and the vocabulary of Latin words (for
typos). Its own writes update the cache; a write by another process (``cli reindex``) bumps
the index's generation, and the next search reloads the cache.

Ranking
-------
Keyword score: FTS5 ``bm25()`` with the spec's field weights (grams count half a word). BM25
adds up over terms, so each query piece (a word, or CJK text) is looked up on its own and its
matches and scores are kept in a small in-memory cache (``term_cache_size`` pieces; a write does
not empty it: deleted documents drop out, documents written since are looked up on the next use,
and a piece is looked up in full again once 1 % of the index has changed); a term scores the
best of its synonyms, a document the sum of its terms, divided by the best score of the query so
that it lies in (0, 1]. Filters are numpy masks over the
columnar cache, so they cost the same whatever the words. Meaning: the cosine of the
document's and the query's unit vectors, clipped to [0, 1]; a document without a vector scores
0. With ``r = semantic_ratio`` the score is ``(1 - r) * keywords + r * meaning``. The hits are
the keyword matches plus, when a vector is given and ``r > 0``, the ``offset + limit`` nearest
documents that pass the filters (every document passing the filters when ``q`` is empty);
``total`` and the facets count exactly those.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController

from search.base import (
    MAX_LIMIT,
    Document,
    FieldValue,
    FilterValue,
    FloatVector,
    Health,
    Hit,
    IndexSpec,
    Query,
    Range,
    SearchDocumentError,
    SearchError,
    SearchPage,
    SearchQueryError,
    SearchTimeout,
    SearchUnavailable,
    check_query,
)
from search.text import (
    GAP,
    Piece,
    QueryTerms,
    analyze_fields,
    analyze_query,
    field_text,
    make_snippet,
    osa_distance,
    searchable_texts,
    typo_budget,
)

__all__ = ["EmbeddedBackend"]

#: Bump when analysis changes what is indexed: stored indexes are then rebuilt from their rows.
ANALYZER_VERSION = 1
MAX_FACET_VALUES = 1000
_GRAM_WEIGHT = 0.5
_MAX_TYPO_VARIANTS = 16
TERM_CACHE_SIZE = 256
_BATCH = 2000

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
F64Array = npt.NDArray[np.float64]


def _tiers(spec: IndexSpec) -> list[int]:
    """The distinct searchable weights, highest first: one pair of FTS columns each."""
    return sorted(set(spec.searchable.values()), reverse=True)


def _spec_json(spec: IndexSpec) -> str:
    data = asdict(spec)
    data["analyzer_version"] = ANALYZER_VERSION
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def _fold(value: str) -> str:
    """Filter values compare case-insensitively, as in Meilisearch."""
    return value.strip().lower()


# ---------------------------------------------------------------------------- the cache


class _Growable:
    """A numpy array that grows by doubling; ``view()`` is the filled part."""

    def __init__(self, dtype: Any, fill: Any, width: int = 0) -> None:
        self.dtype, self.fill, self.width, self.size = dtype, fill, width, 0
        self.data = self._new(1024)

    def _new(self, capacity: int) -> Any:
        shape = (capacity, self.width) if self.width else (capacity,)
        return np.full(shape, self.fill, dtype=self.dtype)

    def extend(self, values: Any) -> None:
        values = np.asarray(values, dtype=self.dtype)
        count = values.shape[0]
        if self.size + count > self.data.shape[0]:
            bigger = self._new(max(2 * self.data.shape[0], self.size + count))
            bigger[: self.size] = self.data[: self.size]
            self.data = bigger
        self.data[self.size : self.size + count] = values
        self.size += count

    def view(self) -> Any:
        return self.data[: self.size]


class _Column:
    """One filterable/sortable/facet field in memory, by position (rowid order)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.codes: dict[str, int] = {}  # folded keyword → code
        self.display: list[str] = []  # code → value as first seen
        if kind == "keywords":
            self.starts = _Growable(np.int64, 0)
            self.starts.extend([0])
            self.pair_codes = _Growable(np.int32, -1)
            self.postings: dict[int, list[int]] = {}
        elif kind in ("int", "float"):
            self.values = _Growable(np.float64, np.nan)
        else:  # keyword: code; bool: 0/1; missing: -1
            self.values = _Growable(np.int32, -1)

    def _code(self, value: str) -> int:
        key = _fold(value)
        code = self.codes.get(key)
        if code is None:
            code = self.codes[key] = len(self.display)
            self.display.append(value)
        return code

    def extend(self, first_position: int, values: Sequence[FieldValue]) -> None:
        if self.kind == "keywords":
            codes: list[int] = []
            ends: list[int] = []
            total = self.pair_codes.size
            for offset, value in enumerate(values):
                items = value if isinstance(value, list) else []
                own = list(dict.fromkeys(self._code(item) for item in items))
                for code in own:
                    self.postings.setdefault(code, []).append(first_position + offset)
                codes += own
                total += len(own)
                ends.append(total)
            self.pair_codes.extend(codes)
            self.starts.extend(ends)
        elif self.kind in ("int", "float"):
            self.values.extend([float(v) if isinstance(v, int | float) else np.nan for v in values])
        elif self.kind == "bool":
            self.values.extend([int(v) if isinstance(v, bool) else -1 for v in values])
        else:
            self.values.extend([self._code(v) if isinstance(v, str) else -1 for v in values])

    # -- filters

    def mask(self, value: FilterValue, n: int) -> BoolArray:
        if isinstance(value, Range):
            numbers = self.values.view()[:n]
            mask = np.ones(n, dtype=bool)
            if value.gte is not None:
                mask &= numbers >= value.gte
            if value.lte is not None:
                mask &= numbers <= value.lte
            return mask
        wanted = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
        if self.kind == "bool":
            return np.asarray(self.values.view()[:n] == int(bool(wanted[0])))
        if self.kind in ("int", "float"):
            return np.isin(self.values.view()[:n], np.asarray(wanted, dtype=np.float64))
        codes = [self.codes[key] for key in (_fold(str(v)) for v in wanted) if key in self.codes]
        if self.kind == "keyword":
            return np.isin(self.values.view()[:n], np.asarray(codes, dtype=np.int32))
        mask = np.zeros(n, dtype=bool)
        for code in codes:
            positions = np.asarray(self.postings.get(code, ()), dtype=np.int64)
            mask[positions[positions < n]] = True
        return mask

    # -- facets

    def facet(self, positions: IntArray, n: int) -> dict[str, int]:
        counts: npt.NDArray[np.int64]
        if self.kind == "keywords":
            starts = self.starts.view()
            pair_codes = self.pair_codes.view()
            if positions.size * 4 > n:
                owner = np.repeat(np.arange(n), np.diff(starts[: n + 1]))
                selected = np.zeros(n, dtype=bool)
                selected[positions] = True
                chosen = pair_codes[: starts[n]][selected[owner]]
            else:
                begin, end = starts[positions], starts[positions + 1]
                lengths = end - begin
                index = np.repeat(begin - np.cumsum(lengths) + lengths, lengths)
                index += np.arange(index.size)
                chosen = pair_codes[index]
            counts = np.bincount(chosen, minlength=len(self.display))
            return self._ranked({self.display[c]: int(counts[c]) for c in np.flatnonzero(counts)})
        values = self.values.view()[positions]
        if self.kind in ("int", "float"):
            values = values[~np.isnan(values)]
            uniques, numbers = np.unique(values, return_counts=True)
            return self._ranked(
                {_number_text(u): int(c) for u, c in zip(uniques, numbers, strict=True)}
            )
        counts = np.bincount(values[values >= 0], minlength=max(2, len(self.display)))
        if self.kind == "bool":
            return self._ranked(
                {name: int(counts[i]) for i, name in enumerate(("false", "true")) if counts[i]}
            )
        return self._ranked({self.display[c]: int(counts[c]) for c in np.flatnonzero(counts)})

    @staticmethod
    def _ranked(counts: dict[str, int]) -> dict[str, int]:
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return dict(ranked[:MAX_FACET_VALUES])

    # -- sort

    def sort_key(self, positions: IntArray) -> F64Array:
        """Ascending key per position; NaN for a missing value."""
        if self.kind in ("int", "float"):
            return np.asarray(self.values.view()[positions], dtype=np.float64)
        values = self.values.view()[positions]
        if self.kind == "bool":
            ranks = np.array([0.0, 1.0])
        else:
            order = sorted(range(len(self.display)), key=lambda c: _fold(self.display[c]))
            ranks = np.empty(max(1, len(self.display)))
            ranks[order] = np.arange(len(order))
        return np.where(values >= 0, ranks[np.maximum(values, 0)], np.nan)


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


@dataclass
class _PieceHits:
    """One query piece's matches: positions and keyword scores, computed in full when the
    cache had seen ``base_changes`` changes, extended to the documents up to ``covered``."""

    positions: IntArray
    scores: F64Array
    covered: int
    base_changes: int


#: Share of the index that may change before a cached piece is looked up in full again.
REFRESH_SHARE = 0.01


class _Cache:
    """Everything a search needs in memory for one index, by position (rowid order)."""

    def __init__(self, spec: IndexSpec, generation: int) -> None:
        self.spec = spec
        self.generation = generation
        self.rowids = _Growable(np.int64, -1)
        self.alive = _Growable(np.bool_, False)
        self.columns = {
            name: _Column(spec.fields[name])
            for name in dict.fromkeys(spec.filterable + spec.sortable + spec.facets)
        }
        dims = spec.vector_dimensions
        self.vectors = _Growable(np.float32, 0.0, dims) if dims else None
        self.has_vector = _Growable(np.bool_, False)
        self.vocab: set[str] = set()
        self._by_first: dict[str, list[str]] | None = None
        # Query piece → its matches (see `_PieceHits`). Writes do not empty it: deleted
        # documents drop out through `alive`, and documents appended since are looked up on
        # the next use (rowids only grow); a full lookup again once the index has changed by
        # more than REFRESH_SHARE since, so that BM25's statistics stay close.
        self.pieces: OrderedDict[Piece, _PieceHits] = OrderedDict()
        self.changes = 0  # documents appended or removed since the cache was loaded

    @property
    def n(self) -> int:
        return int(self.rowids.size)

    def append(
        self,
        rowids: Sequence[int],
        fields: Sequence[Mapping[str, FieldValue]],
        vectors: Sequence[FloatVector | None],
    ) -> None:
        first = self.n
        self.changes += len(rowids)
        self.rowids.extend(rowids)
        self.alive.extend([True] * len(rowids))
        for name, column in self.columns.items():
            column.extend(first, [f.get(name) for f in fields])
        self.has_vector.extend([v is not None for v in vectors])
        if self.vectors is not None:
            dims = self.vectors.width
            zero = np.zeros(dims, dtype=np.float32)
            self.vectors.extend(
                np.stack([zero if v is None else v for v in vectors])
                if vectors
                else np.zeros((0, dims), np.float32)
            )

    def add_words(self, words: Iterable[str]) -> None:
        new = {w for w in words if len(w) >= 4 and w.isalpha() and w.isascii()} - self.vocab
        if new:
            self.vocab |= new
            self._by_first = None

    def positions(self, rowids: IntArray) -> IntArray:
        """Position of each rowid, -1 when not (or no longer) in the cache."""
        known = self.rowids.view()
        if not known.size:
            return np.full(rowids.size, -1, dtype=np.int64)
        positions = np.searchsorted(known, rowids)
        positions[positions >= known.size] = 0
        found = (known[positions] == rowids) & self.alive.view()[positions]
        return np.where(found, positions, -1)

    def kill(self, rowids: Iterable[int]) -> None:
        positions = self.positions(np.fromiter(rowids, dtype=np.int64))
        positions = positions[positions >= 0]
        self.changes += int(positions.size)
        self.alive.view()[positions] = False

    def typo_variants(self, word: str) -> list[str]:
        budget = typo_budget(word)
        if not budget:
            return []
        if self._by_first is None:
            by_first: dict[str, list[str]] = {}
            for known in sorted(self.vocab):
                by_first.setdefault(known[0], []).append(known)
            self._by_first = by_first
        found = sorted(
            (distance, known)
            for known in self._by_first.get(word[0], ())
            if known != word
            and abs(len(known) - len(word)) <= budget
            and (distance := osa_distance(word, known, budget)) <= budget
        )
        return [known for _, known in found[:_MAX_TYPO_VARIANTS]]


# ------------------------------------------------------------------------------ backend


class EmbeddedBackend:
    """Search in a SQLite file, no server needed (the default backend).

    Parameters
    ----------
    path : the SQLite file (created with its folder), e.g. ``var/search.sqlite3``; use a file of
        its own, not the app's database.
    busy_timeout_s : how long a write waits for another process's write before `SearchTimeout`.
    term_cache_size : how many query pieces (words) keep their matches in memory between
        searches; writes keep it (see "Ranking" above). 0 looks every piece up in SQLite each
        time.

    Examples
    --------
    >>> import tempfile, os
    >>> from search.base import IndexSpec, Document, Query
    >>> spec = IndexSpec("notes", {"title": "text"}, {"title": 1})
    >>> backend = EmbeddedBackend(os.path.join(tempfile.mkdtemp(), "search.sqlite3"))
    >>> backend.ensure_index(spec)
    >>> backend.upsert("notes", [Document("1", {"title": "大数据工程师"})])
    >>> page = backend.search("notes", Query("数据"))
    >>> page.total, page.hits[0].snippet
    (1, '大<mark>数据</mark>工程师')
    >>> backend.close()
    """

    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout_s: float = 10.0,
        term_cache_size: int = TERM_CACHE_SIZE,
    ) -> None:
        self.path = Path(path)
        self._term_cache_size = term_cache_size
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.RLock()  # guards the caches and serialises this process's writes
        self._specs: dict[str, IndexSpec] = {}
        self._caches: dict[str, _Cache] = {}
        self._closed = False
        with self._errors():
            self._conn().execute(
                "CREATE TABLE IF NOT EXISTS search_meta (name TEXT PRIMARY KEY, "
                "spec TEXT NOT NULL, generation INTEGER NOT NULL DEFAULT 0)"
            )

    # -- plumbing

    def _conn(self) -> sqlite3.Connection:
        if self._closed:
            raise SearchUnavailable("the embedded search backend is closed")
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout_s,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA temp_store=MEMORY")
            conn.execute("PRAGMA cache_size=-65536")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise SearchTimeout(f"search database busy: {text}") from exc
            raise SearchUnavailable(f"search database error: {text}") from exc
        except sqlite3.DatabaseError as exc:
            raise SearchUnavailable(f"search database error: {exc}") from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._errors():
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _spec(self, index: str) -> IndexSpec:
        spec = self._specs.get(index)
        if spec is None:
            raise SearchQueryError(
                f"index {index!r} is unknown: call ensure_index first", code="index_not_found"
            )
        return spec

    def _generation(self, conn: sqlite3.Connection, index: str) -> int:
        row = conn.execute("SELECT generation FROM search_meta WHERE name = ?", (index,)).fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def _bump(conn: sqlite3.Connection, index: str) -> int:
        conn.execute("UPDATE search_meta SET generation = generation + 1 WHERE name = ?", (index,))
        row = conn.execute("SELECT generation FROM search_meta WHERE name = ?", (index,)).fetchone()
        return int(row[0])

    # -- schema

    def ensure_index(self, spec: IndexSpec) -> None:
        """Create the index's tables, or rebuild its text index if the spec changed.

        Raises
        ------
        SearchUnavailable
            When the SQLite file cannot be used.
        """
        name = spec.name
        wanted = _spec_json(spec)
        with self._write() as conn:
            row = conn.execute("SELECT spec FROM search_meta WHERE name = ?", (name,)).fetchone()
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {name}_docs (rowid INTEGER PRIMARY KEY "
                "AUTOINCREMENT, doc_id TEXT NOT NULL UNIQUE, fields TEXT NOT NULL, vector BLOB)"
            )
            if row is not None and row[0] == wanted:
                self._specs[name] = spec
                return
            self._create_fts(conn, spec)
            conn.execute(
                "INSERT INTO search_meta (name, spec) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET spec = excluded.spec",
                (name, wanted),
            )
            self._specs[name] = spec
            if row is not None:
                self._rebuild(conn, spec)
            self._caches.pop(name, None)
            self._bump(conn, name)

    @staticmethod
    def _create_fts(conn: sqlite3.Connection, spec: IndexSpec) -> None:
        """(Re)create the empty text index of ``spec``."""
        name = spec.name
        conn.execute(f"DROP TABLE IF EXISTS {name}_vocab")
        conn.execute(f"DROP TABLE IF EXISTS {name}_fts")
        columns = ", ".join(f"w{i}, g{i}" for i in range(len(_tiers(spec))))
        conn.execute(
            f"CREATE VIRTUAL TABLE {name}_fts USING fts5({columns}, "
            "tokenize = 'unicode61 remove_diacritics 0')"
        )
        conn.execute(f"CREATE VIRTUAL TABLE {name}_vocab USING fts5vocab({name}_fts, 'row')")

    def _rebuild(self, conn: sqlite3.Connection, spec: IndexSpec) -> None:
        """Re-analyse every stored row under a changed spec (the rows keep their rowids)."""
        rows = conn.execute(f"SELECT rowid, fields, vector FROM {spec.name}_docs").fetchall()
        dims = spec.vector_dimensions
        updates = []
        fts_rows = []
        for rowid, fields_json, blob in rows:
            fields = spec.clean(json.loads(fields_json))
            if blob is not None and (dims is None or len(blob) != 4 * dims):
                blob = None
            updates.append((json.dumps(fields, ensure_ascii=False), blob, rowid))
            fts_rows.append((rowid, *self._fts_columns(spec, fields)[0]))
        conn.executemany(
            f"UPDATE {spec.name}_docs SET fields = ?, vector = ? WHERE rowid = ?", updates
        )
        self._insert_fts(conn, spec, fts_rows)

    @staticmethod
    def _fts_columns(
        spec: IndexSpec, fields: Mapping[str, FieldValue]
    ) -> tuple[list[str], list[str]]:
        """The FTS column texts of a document, and its Latin words (for the typo vocabulary)."""
        columns: list[str] = []
        latin: list[str] = []
        for analysis in analyze_fields(fields, spec.searchable):
            columns.append(" ".join(analysis.words))
            columns.append(" ".join(analysis.grams))
            latin.extend(analysis.latin)
        return columns, latin

    @staticmethod
    def _insert_fts(conn: sqlite3.Connection, spec: IndexSpec, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        width = len(rows[0])
        conn.executemany(
            f"INSERT INTO {spec.name}_fts (rowid, {', '.join(_column_names(spec))}) "
            f"VALUES ({', '.join('?' * width)})",
            rows,
        )

    # -- writes

    def upsert(self, index: str, documents: Iterable[Document]) -> None:
        """Add documents, replacing those with the same id.

        Raises
        ------
        SearchDocumentError
            When a field or a vector does not fit the spec (nothing of the batch is written).
        SearchTimeout
            When another process holds the write lock longer than ``busy_timeout_s``.
        """
        spec = self._spec(index)
        batch: list[Document] = []
        for document in documents:
            batch.append(document)
            if len(batch) >= _BATCH:
                self._upsert(spec, batch)
                batch = []
        if batch:
            self._upsert(spec, batch)

    def _upsert(self, spec: IndexSpec, documents: list[Document]) -> None:
        latest = {document.id: document for document in documents}
        ids = list(latest)
        prepared = []
        words: list[str] = []
        for document in latest.values():
            fields = spec.clean(document.fields)
            vector = document.vector
            if vector is not None and vector.shape[0] != spec.vector_dimensions:
                raise SearchDocumentError(
                    f"vector of document {document.id} has {vector.shape[0]} dimensions, "
                    f"index {spec.name!r} takes {spec.vector_dimensions}"
                )
            columns, latin = self._fts_columns(spec, fields)
            words.extend(latin)
            prepared.append((document.id, fields, vector, columns))
        name = spec.name
        with self._write() as conn:
            cache = self._fresh_cache(conn, spec)
            old = self._rowids(conn, name, ids)
            self._remove(conn, name, old)
            row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (f"{name}_docs",))
            first = (row.fetchone() or (0,))[0] + 1
            rowids = list(range(first, first + len(prepared)))
            conn.executemany(
                f"INSERT INTO {name}_docs (rowid, doc_id, fields, vector) VALUES (?, ?, ?, ?)",
                [
                    (
                        rowid,
                        doc_id,
                        json.dumps(fields, ensure_ascii=False),
                        None if vector is None else vector.tobytes(),
                    )
                    for rowid, (doc_id, fields, vector, _) in zip(rowids, prepared, strict=True)
                ],
            )
            self._insert_fts(
                conn,
                spec,
                [(rowid, *p[3]) for rowid, p in zip(rowids, prepared, strict=True)],
            )
            generation = self._bump(conn, name)
            if cache is not None:
                cache.kill(old)
                cache.append(rowids, [p[1] for p in prepared], [p[2] for p in prepared])
                cache.add_words(words)
                cache.generation = generation

    def _fresh_cache(self, conn: sqlite3.Connection, spec: IndexSpec) -> _Cache | None:
        """The cache, if it is loaded and no other process wrote since; else drop it."""
        cache = self._caches.get(spec.name)
        if cache is not None and cache.generation != self._generation(conn, spec.name):
            del self._caches[spec.name]
            return None
        return cache

    @staticmethod
    def _rowids(conn: sqlite3.Connection, name: str, ids: Sequence[str]) -> list[int]:
        rowids: list[int] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rowids += [
                row[0]
                for row in conn.execute(
                    f"SELECT rowid FROM {name}_docs WHERE doc_id IN ({', '.join('?' * len(chunk))})",  # noqa: E501
                    chunk,
                )
            ]
        return rowids

    @staticmethod
    def _remove(conn: sqlite3.Connection, name: str, rowids: list[int]) -> None:
        conn.executemany(f"DELETE FROM {name}_fts WHERE rowid = ?", [(r,) for r in rowids])
        conn.executemany(f"DELETE FROM {name}_docs WHERE rowid = ?", [(r,) for r in rowids])

    def delete(self, index: str, ids: Iterable[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""
        spec = self._spec(index)
        wanted = list(dict.fromkeys(ids))
        with self._write() as conn:
            cache = self._fresh_cache(conn, spec)
            rowids = self._rowids(conn, index, wanted)
            self._remove(conn, index, rowids)
            generation = self._bump(conn, index)
            if cache is not None:
                cache.kill(rowids)
                cache.generation = generation

    def clear(self, index: str) -> None:
        """Remove every document (rowids keep growing, so caches elsewhere stay consistent)."""
        spec = self._spec(index)
        with self._write() as conn:
            conn.execute(f"DELETE FROM {index}_docs")
            # Deleting from FTS5 re-reads every row: dropping the table is far quicker.
            self._create_fts(conn, spec)
            self._bump(conn, index)
            self._caches.pop(spec.name, None)

    def count(self, index: str) -> int:
        """How many documents the index holds."""
        self._spec(index)
        with self._errors():
            row = self._conn().execute(f"SELECT count(*) FROM {index}_docs").fetchone()
        return int(row[0])

    def optimize(self, index: str) -> None:
        """Merge the FTS index's segments (after a bulk load, queries get faster)."""
        self._spec(index)
        with self._write() as conn:
            conn.execute(f"INSERT INTO {index}_fts ({index}_fts) VALUES ('optimize')")

    # -- reads

    def _load(self, conn: sqlite3.Connection, spec: IndexSpec) -> _Cache:
        """The index's cache, (re)loaded from the file when another process wrote."""
        generation = self._generation(conn, spec.name)
        cache = self._caches.get(spec.name)
        if cache is not None and cache.generation == generation:
            return cache
        cache = _Cache(spec, generation)
        dims = spec.vector_dimensions
        cursor = conn.execute(f"SELECT rowid, fields, vector FROM {spec.name}_docs ORDER BY rowid")
        while rows := cursor.fetchmany(5000):
            vectors = [
                np.frombuffer(blob, dtype=np.float32) if blob and dims else None
                for _, _, blob in rows
            ]
            cache.append([r[0] for r in rows], [json.loads(r[1]) for r in rows], vectors)
        words = conn.execute(
            f"SELECT term FROM {spec.name}_vocab WHERE term >= 'a' AND term < '{{'"
        ).fetchall()
        cache.add_words(word for (word,) in words)
        self._caches[spec.name] = cache
        return cache

    def search(self, index: str, query: Query) -> SearchPage:
        """Answer a query (see the module docstring for the ranking).

        Raises
        ------
        SearchQueryError
            When the query does not fit the index's spec.
        SearchUnavailable
            When the SQLite file cannot be read.
        """
        spec = self._spec(index)
        check_query(spec, query)
        terms = analyze_query(query.q)
        with self._errors():
            conn = self._conn()
            # One BLAS thread: a query is small, and threads would fight the app's own.
            with self._lock, _blas().limit(limits=1, user_api="blas"):
                cache = self._load(conn, spec)
                matched = self._match(conn, spec, cache, terms) if terms.terms else None
                positions, scores, total, facets = self._rank(cache, query, matched)
                page_rowids = cache.rowids.view()[positions].tolist()
            hits = self._hits(conn, spec, terms, page_rowids, scores)
        return SearchPage(hits=hits, total=total, facets=facets)

    def _match(
        self, conn: sqlite3.Connection, spec: IndexSpec, cache: _Cache, terms: QueryTerms
    ) -> tuple[BoolArray, F64Array]:
        """Which cached documents match every term, and their keyword score.

        BM25 adds up over a query's terms, so each piece is looked up (and cached) on its own:
        a term scores the best of its alternatives, an alternative the sum of its pieces.
        """
        n = cache.n
        matched = np.ones(n, dtype=bool)
        total = np.zeros(n)
        for term in terms.terms:
            term_mask = np.zeros(n, dtype=bool)
            term_score = np.zeros(n)
            for alternative in term.alternatives:
                alt_mask = np.ones(n, dtype=bool)
                alt_score = np.zeros(n)
                for piece in alternative:
                    positions, score = self._piece(conn, spec, cache, piece)
                    piece_mask = np.zeros(n, dtype=bool)
                    piece_mask[positions] = True
                    alt_mask &= piece_mask
                    alt_score[positions] += score
                better = alt_mask & (alt_score > term_score)
                term_score[better] = alt_score[better]
                term_mask |= alt_mask
            matched &= term_mask
            total += term_score
        return matched, total

    def _piece(
        self, conn: sqlite3.Connection, spec: IndexSpec, cache: _Cache, piece: Piece
    ) -> tuple[IntArray, F64Array]:
        """Positions of the cached documents matching one query piece, and their BM25 score
        (positive, higher is better). Only documents already in the cache count: a row written
        by another process after the cache was loaded waits for the next search."""
        found = cache.pieces.get(piece)
        if found is not None:
            cache.pieces.move_to_end(piece)
            drift = cache.changes - found.base_changes
            if found.covered == cache.n and drift == 0:
                return found.positions, found.scores
            if drift <= REFRESH_SHARE * max(found.covered, 1):
                if found.covered < cache.n:  # documents appended since: look up only those
                    after = int(cache.rowids.view()[found.covered - 1]) if found.covered else 0
                    positions, scores = self._lookup(conn, spec, cache, piece, after)
                    found.positions = np.concatenate([found.positions, positions])
                    found.scores = np.concatenate([found.scores, scores])
                    found.covered = cache.n
                return found.positions, found.scores
        positions, scores = self._lookup(conn, spec, cache, piece, None)
        if self._term_cache_size:
            cache.pieces[piece] = _PieceHits(positions, scores, cache.n, cache.changes)
            cache.pieces.move_to_end(piece)
            if len(cache.pieces) > self._term_cache_size:
                cache.pieces.popitem(last=False)
        return positions, scores

    @staticmethod
    def _lookup(
        conn: sqlite3.Connection,
        spec: IndexSpec,
        cache: _Cache,
        piece: Piece,
        after_rowid: int | None,
    ) -> tuple[IntArray, F64Array]:
        """FTS5 matches of one piece (only rows after ``after_rowid`` when given), as cache
        positions and positive BM25 scores."""
        name = spec.name
        where = f"{name}_fts MATCH ?" + ("" if after_rowid is None else " AND rowid > ?")
        params: tuple[object, ...] = (_piece_expression(spec, piece, cache),)
        if after_rowid is not None:
            params += (after_rowid,)
        rows = conn.execute(
            f"SELECT rowid, bm25({name}_fts, {_bm25_weights(spec)}) FROM {name}_fts WHERE {where}",
            params,
        ).fetchall()
        rowids = np.fromiter((row[0] for row in rows), np.int64, len(rows))
        bm25 = np.fromiter((row[1] for row in rows), np.float64, len(rows))
        positions = cache.positions(rowids)
        keep = positions >= 0
        return positions[keep], -bm25[keep]

    def _rank(
        self,
        cache: _Cache,
        query: Query,
        matched: tuple[BoolArray, F64Array] | None,
    ) -> tuple[IntArray, F64Array, int, dict[str, dict[str, int]]]:
        """Positions and scores of the page, the total and the facets."""
        n = cache.n
        allowed = cache.alive.view()[:n].copy()
        for name, value in query.filters.items():
            allowed &= cache.columns[name].mask(value, n)
        ratio = float(query.semantic_ratio) if query.uses_vector else 0.0
        if matched is not None:
            candidates = np.flatnonzero(matched[0] & allowed)
            keyword = matched[1][candidates]
            best = float(keyword.max()) if keyword.size else 1.0
            keyword = keyword / best if best > 0 else np.ones_like(keyword)
        else:
            candidates = np.flatnonzero(allowed)
            keyword = np.ones(candidates.size)
        if ratio > 0:
            assert query.vector is not None
            assert cache.vectors is not None
            wanted = min(query.offset + query.limit, MAX_LIMIT * 2)
            candidates, keyword, meaning = _add_neighbours(
                cache,
                query.vector,
                allowed,
                candidates,
                keyword,
                wanted,
                is_keyword_query=matched is not None,
            )
            scores = (1 - ratio) * keyword + ratio * meaning
        else:
            scores = keyword
        total = int(candidates.size)
        facets = {name: cache.columns[name].facet(candidates, n) for name in query.facets}
        order = _order(cache, query, candidates, scores)
        return candidates[order], scores[order], total, facets

    def _hits(
        self,
        conn: sqlite3.Connection,
        spec: IndexSpec,
        terms: QueryTerms,
        rowids: list[int],
        scores: F64Array,
    ) -> tuple[Hit, ...]:
        if not rowids:
            return ()
        found = {
            rowid: (doc_id, json.loads(fields))
            for rowid, doc_id, fields in conn.execute(
                f"SELECT rowid, doc_id, fields FROM {spec.name}_docs "
                f"WHERE rowid IN ({', '.join('?' * len(rowids))})",
                rowids,
            )
        }
        hits = []
        for rowid, score in zip(rowids, scores.tolist(), strict=True):
            if rowid not in found:  # deleted by another process since the search began
                continue
            doc_id, fields = found[rowid]
            fallback = next((field_text(fields[f]) for f in spec.snippet_fields if f in fields), "")
            snippet = make_snippet(
                searchable_texts(fields, spec.searchable), terms, fallback=fallback
            )
            hits.append(Hit(id=doc_id, fields=fields, snippet=snippet, score=round(score, 6)))
        return tuple(hits)

    # -- health

    def health(self) -> Health:
        """``ok`` when the SQLite file answers; never raises."""
        try:
            self._conn().execute("SELECT count(*) FROM search_meta").fetchone()
        except (sqlite3.Error, SearchError) as exc:
            return Health("down", "embedded", str(exc))
        return Health("ok", "embedded", str(self.path))

    def close(self) -> None:
        """Close every connection this backend opened."""
        with self._lock:
            self._closed = True
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._caches.clear()


# ------------------------------------------------------------------------------ helpers


def _column_names(spec: IndexSpec) -> list[str]:
    return [f"{kind}{i}" for i in range(len(_tiers(spec))) for kind in ("w", "g")]


def _bm25_weights(spec: IndexSpec) -> str:
    return ", ".join(f"{float(weight)}, {weight * _GRAM_WEIGHT}" for weight in _tiers(spec))


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _piece_expression(spec: IndexSpec, piece: Piece, cache: _Cache) -> str:
    """The FTS5 expression of one query piece, built only from our own tokens, each quoted: a
    Latin word or its typo variants in the word columns; CJK text as a word, or as the phrase
    of its bigrams in the gram columns (so 处理 finds 待处理)."""
    count = len(_tiers(spec))
    words = "{" + " ".join(f"w{i}" for i in range(count)) + "}"
    if piece.kind == "latin":
        variants = [piece.text, *cache.typo_variants(piece.text)]
        return f"{words} : ({' OR '.join(_quote(v) for v in variants)})"
    grams = "{" + " ".join(f"g{i}" for i in range(count)) + "}"
    text = piece.text.replace(GAP, "")
    phrase = text if len(text) <= 2 else " ".join(text[i : i + 2] for i in range(len(text) - 1))
    return f"({words} : {_quote(text)} OR {grams} : {_quote(phrase)})"


@functools.cache
def _blas() -> ThreadpoolController:
    """Finding the loaded BLAS libraries takes milliseconds: do it once."""
    return ThreadpoolController()


def _add_neighbours(
    cache: _Cache,
    vector: FloatVector,
    allowed: BoolArray,
    candidates: IntArray,
    keyword: F64Array,
    wanted: int,
    *,
    is_keyword_query: bool,
) -> tuple[IntArray, F64Array, F64Array]:
    """Score meaning; for a keyword query, join the ``wanted`` nearest allowed documents to the
    keyword candidates. Return the candidates, their keyword scores (0 for the joined
    neighbours) and their meaning scores."""
    assert cache.vectors is not None
    n = cache.n
    matrix = cache.vectors.view()
    pool = np.flatnonzero(allowed & cache.has_vector.view()[:n])
    # With one BLAS thread, gathering the pool beats a full pass up to ~25% of the rows.
    if pool.size * 4 > n:
        similarity = np.asarray((matrix[:n] @ vector)[pool], dtype=np.float64)
    else:
        similarity = np.asarray(matrix[pool] @ vector, dtype=np.float64)
    meaning = np.zeros(n)
    meaning[pool] = np.clip(similarity, 0.0, 1.0)
    if is_keyword_query and wanted > 0:
        if pool.size > wanted:
            nearest = pool[np.argpartition(-similarity, wanted - 1)[:wanted]]
        else:
            nearest = pool
        extra = np.setdiff1d(nearest, candidates)
        candidates = np.concatenate([candidates, extra])
        keyword = np.concatenate([keyword, np.zeros(extra.size)])
    return candidates, keyword, meaning[candidates]


def _order(cache: _Cache, query: Query, candidates: IntArray, scores: F64Array) -> IntArray:
    """Indexes into ``candidates`` of the requested page, in order."""
    end = query.offset + query.limit
    if not query.sort:
        if end < candidates.size:
            top = np.argpartition(-scores, end - 1)[:end] if end else np.zeros(0, np.int64)
        else:
            top = np.arange(candidates.size)
        # Best score first, then older documents first (as Meilisearch breaks ties).
        order = top[np.lexsort((candidates[top], -scores[top]))]
        return order[query.offset : end]
    keys: list[F64Array] = []
    for key in query.sort:
        name, _, direction = key.partition(":")
        value = cache.columns[name].sort_key(candidates)
        missing = np.isnan(value)
        value = np.where(missing, 0.0, -value if direction == "desc" else value)
        keys += [missing.astype(np.float64), value]  # missing values last, either way
    keys += [-scores]
    # np.lexsort sorts by the last key first.
    order = np.lexsort((candidates, *reversed(keys)))
    return order[query.offset : end]
