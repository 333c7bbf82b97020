"""The Meilisearch backend, through the official ``meilisearch`` client.

Meilisearch segments Chinese itself and matches word prefixes only, so 处理 would not find
待处理. This backend therefore indexes the same analysis as the embedded backend
(`search.text`): each document gets hidden fields per weight tier, ``_t<i>`` with its Latin
words and ``_c<i>`` with its CJK bigrams and characters, each CJK gram spelled as a Latin
"code" word (``q`` and five letters a-p per character) that Meilisearch cannot re-segment. A
query is sent as the same words: a CJK term as the codes of its bigrams, which all must match
(``matchingStrategy: all``). The settings make Meilisearch match words whole
(``prefixSearch: disabled``: java never finds JavaScript), allow English typos but none on
codes, put sort before relevance, and map each synonym group to a one-word key the query uses.

Every write waits for its task: a failed task raises `SearchTaskFailed` with the server's
error code, a task still running after ``task_timeout_s`` raises `SearchTimeout`. Snippets are
cut by `search.text.make_snippet` from the returned fields (Meilisearch's own highlighting would
neither see the bigram matches nor escape HTML).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import meilisearch
import requests
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchTimeoutError,
)

from search.base import (
    Document,
    FieldValue,
    FilterValue,
    Health,
    Hit,
    IndexSpec,
    Query,
    Range,
    SearchDocumentError,
    SearchError,
    SearchPage,
    SearchQueryError,
    SearchTaskFailed,
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
    searchable_texts,
    synonym_groups,
)

__all__ = ["MeiliBackend"]

EMBEDDER = "default"
MAX_TOTAL_HITS = 1_000_000
MAX_FACET_VALUES = 1000
_BATCH = 1000
_LETTERS = "abcdefghijklmnop"


def _tiers(spec: IndexSpec) -> list[int]:
    return sorted(set(spec.searchable.values()), reverse=True)


def _code(gram: str) -> str:
    """Spell a CJK gram as one Latin word: ``q`` then five letters a-p per character.

    Examples
    --------
    >>> _code("数"), _code("数据")
    ('qagfha', 'qagfhaagdgo')
    """
    return "q" + "".join(
        "".join(_LETTERS[int(digit, 16)] for digit in f"{ord(char):05x}") for char in gram
    )


def _group_key(number: int) -> str:
    """The one-word query key of synonym group ``number`` (letters only, never indexed)."""
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return "qsyn" + letters


def _piece_words(piece: Piece) -> list[str]:
    if piece.kind == "latin":
        return [piece.text]
    text = piece.text.replace(GAP, "")
    if len(text) == 1:
        return [_code(text)]
    return [_code(text[i : i + 2]) for i in range(len(text) - 1)]


def _query_words(terms: QueryTerms) -> str:
    words: list[str] = []
    for term in terms.terms:
        if term.group is not None:
            words.append(_group_key(term.group))
        else:
            for piece in term.typed:
                words += _piece_words(piece)
    return " ".join(words)


def _synonyms() -> dict[str, list[str]]:
    return {
        _group_key(number): [
            " ".join(word for piece in member for word in _piece_words(piece)) for member in group
        ]
        for number, group in enumerate(synonym_groups())
    }


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return _quote(str(value))


def _filter(name: str, value: FilterValue) -> str | None:
    """A Meilisearch filter expression; None when nothing can match (an empty any-of)."""
    if isinstance(value, Range):
        parts = []
        if value.gte is not None:
            parts.append(f"{name} >= {_literal(value.gte)}")
        if value.lte is not None:
            parts.append(f"{name} <= {_literal(value.lte)}")
        return " AND ".join(parts)
    if isinstance(value, list | tuple | set | frozenset):
        if not value:
            return None
        return f"{name} IN [{', '.join(_literal(v) for v in value)}]"
    return f"{name} = {_literal(value)}"


def _settings(spec: IndexSpec) -> dict[str, Any]:
    tiers = range(len(_tiers(spec)))
    settings: dict[str, Any] = {
        "searchableAttributes": [f"{kind}{i}" for i in tiers for kind in ("_t", "_c")],
        "displayedAttributes": ["id", *spec.fields],
        # "id" is filterable for deletes by id (the client deprecates its id-list delete).
        "filterableAttributes": ["id", *spec.filterable],
        "sortableAttributes": list(spec.sortable),
        "rankingRules": ["sort", "words", "typo", "proximity", "attribute", "exactness"],
        "synonyms": _synonyms(),
        "prefixSearch": "disabled",
        "typoTolerance": {
            "enabled": True,
            "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9},
            "disableOnAttributes": [f"_c{i}" for i in tiers],
            "disableOnNumbers": True,
        },
        "pagination": {"maxTotalHits": MAX_TOTAL_HITS},
        "faceting": {"maxValuesPerFacet": MAX_FACET_VALUES, "sortFacetValuesBy": {"*": "count"}},
    }
    if spec.vector_dimensions:
        settings["embedders"] = {
            EMBEDDER: {"source": "userProvided", "dimensions": spec.vector_dimensions}
        }
    return settings


def _document(spec: IndexSpec, document: Document) -> dict[str, Any]:
    fields = spec.clean(document.fields)
    body: dict[str, Any] = {"id": document.id, **fields}
    for i, analysis in enumerate(analyze_fields(fields, spec.searchable)):
        body[f"_t{i}"] = " ".join(analysis.latin)
        body[f"_c{i}"] = " ".join(_code(gram) for gram in analysis.grams if gram != GAP)
    if spec.vector_dimensions:
        vector = document.vector
        if vector is not None and vector.shape[0] != spec.vector_dimensions:
            raise SearchDocumentError(
                f"vector of document {document.id} has {vector.shape[0]} dimensions, "
                f"index {spec.name!r} takes {spec.vector_dimensions}"
            )
        body["_vectors"] = {EMBEDDER: None if vector is None else vector.tolist()}
    elif document.vector is not None:
        raise SearchDocumentError(f"index {spec.name!r} holds no vectors")
    return body


class MeiliBackend:
    """Search in a Meilisearch server (1.21).

    Parameters
    ----------
    url : the server, e.g. ``http://127.0.0.1:7700``.
    api_key : a key allowed to manage indexes, documents, settings and tasks.
    timeout_s : how long one HTTP request may take.
    task_timeout_s : how long a write may wait for its task.

    Examples
    --------
    >>> backend = MeiliBackend("http://127.0.0.1:9", "key", timeout_s=0.5)
    >>> backend.health().status
    'down'
    """

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        timeout_s: float = 5.0,
        task_timeout_s: float = 60.0,
    ) -> None:
        self.url = url.rstrip("/")
        self._api_key = api_key
        self._timeout_s = timeout_s
        self._task_timeout_ms = int(task_timeout_s * 1000)
        self._local = threading.local()
        self._specs: dict[str, IndexSpec] = {}

    # -- plumbing

    def _client(self) -> meilisearch.Client:
        # The client shares one headers dict across requests, so each thread gets its own.
        client: meilisearch.Client | None = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = meilisearch.Client(
                self.url,
                self._api_key,
                timeout=self._timeout_s,  # type: ignore[arg-type]
            )
        return client

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except MeilisearchTimeoutError as exc:
            raise SearchTimeout(f"Meilisearch did not answer in time: {exc.message}") from exc
        except MeilisearchCommunicationError as exc:
            raise SearchUnavailable(f"Meilisearch unreachable at {self.url}") from exc
        except MeilisearchApiError as exc:
            code = exc.code if isinstance(exc.code, str) else None
            message = f"Meilisearch: {exc.message}"
            if exc.status_code >= 500:
                raise SearchUnavailable(message, code=code) from exc
            if code and (code.startswith("invalid_search") or code == "index_not_found"):
                raise SearchQueryError(message, code=code) from exc
            raise SearchError(message, code=code) from exc
        except requests.RequestException as exc:
            raise SearchUnavailable(f"Meilisearch request failed: {exc}") from exc

    def _wait(self, task_uid: int) -> None:
        task = self._client().wait_for_task(
            task_uid, timeout_in_ms=self._task_timeout_ms, interval_in_ms=10
        )
        if task.status != "succeeded":
            error = task.error or {}
            raise SearchTaskFailed(
                f"Meilisearch task {task_uid} {task.status}: {error.get('message', '')}",
                code=error.get("code") or f"task_{task.status}",
                task_uid=task_uid,
            )

    def _spec(self, index: str) -> IndexSpec:
        spec = self._specs.get(index)
        if spec is None:
            raise SearchQueryError(
                f"index {index!r} is unknown: call ensure_index first", code="index_not_found"
            )
        return spec

    # -- schema and writes

    def ensure_index(self, spec: IndexSpec) -> None:
        """Create the index if needed and push its settings; waits for both tasks.

        Raises
        ------
        SearchUnavailable, SearchTimeout, SearchTaskFailed
        """
        with self._errors():
            client = self._client()
            try:
                client.get_index(spec.name)
            except MeilisearchApiError as exc:
                if exc.code != "index_not_found":
                    raise
                try:
                    self._wait(client.create_index(spec.name, {"primaryKey": "id"}).task_uid)
                except SearchTaskFailed as failed:
                    # another process (a second `serve` worker) created it first: fine
                    if failed.code != "index_already_exists":
                        raise
            self._wait(client.index(spec.name).update_settings(_settings(spec)).task_uid)
        self._specs[spec.name] = spec

    def upsert(self, index: str, documents: Iterable[Document]) -> None:
        """Add documents, replacing those with the same id; returns once indexed.

        Raises
        ------
        SearchDocumentError, SearchUnavailable, SearchTimeout, SearchTaskFailed
        """
        spec = self._spec(index)
        bodies = [_document(spec, document) for document in documents]
        with self._errors():
            target = self._client().index(index)
            uids = [
                target.add_documents(bodies[start : start + _BATCH], primary_key="id").task_uid
                for start in range(0, len(bodies), _BATCH)
            ]
            for uid in uids:
                self._wait(uid)

    def delete(self, index: str, ids: Iterable[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""
        self._spec(index)
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return
        with self._errors():
            target = self._client().index(index)
            uids = [
                target.delete_documents(
                    filter=f"id IN [{', '.join(_quote(i) for i in wanted[start : start + _BATCH])}]"
                ).task_uid
                for start in range(0, len(wanted), _BATCH)
            ]
            for uid in uids:
                self._wait(uid)

    def clear(self, index: str) -> None:
        """Remove every document, keeping the settings."""
        self._spec(index)
        with self._errors():
            self._wait(self._client().index(index).delete_all_documents().task_uid)

    def count(self, index: str) -> int:
        """How many documents the index holds."""
        self._spec(index)
        with self._errors():
            return int(self._client().index(index).get_stats().number_of_documents)

    # -- reads

    def search(self, index: str, query: Query) -> SearchPage:
        """Answer a query.

        Raises
        ------
        SearchQueryError, SearchUnavailable, SearchTimeout
        """
        spec = self._spec(index)
        check_query(spec, query)
        terms = analyze_query(query.q)
        conditions = [_filter(name, value) for name, value in query.filters.items()]
        if None in conditions:
            return SearchPage((), 0, {name: {} for name in query.facets})
        params: dict[str, Any] = {
            "matchingStrategy": "all",
            "showRankingScore": True,
            "attributesToRetrieve": ["id", *spec.fields],
        }
        if conditions:
            params["filter"] = conditions
        if query.facets:
            params["facets"] = list(query.facets)
        if query.sort:
            params["sort"] = list(query.sort)
        if query.uses_vector:
            assert query.vector is not None
            params["hybrid"] = {"embedder": EMBEDDER, "semanticRatio": query.semantic_ratio}
            params["vector"] = query.vector.tolist()
        skip = 0
        if query.limit and query.offset % query.limit == 0:
            params["hitsPerPage"], params["page"] = query.limit, query.offset // query.limit + 1
        else:
            params["hitsPerPage"], params["page"] = query.offset + query.limit, 1
            skip = query.offset
        with self._errors():
            result = self._client().index(index).search(_query_words(terms), params)
        hits = tuple(self._hit(spec, terms, raw) for raw in result["hits"][skip:])
        distribution: Mapping[str, Mapping[str, int]] = result.get("facetDistribution") or {}
        facets = {
            name: dict(
                sorted(distribution.get(name, {}).items(), key=lambda item: (-item[1], item[0]))
            )
            for name in query.facets
        }
        return SearchPage(hits=hits, total=int(result.get("totalHits", 0)), facets=facets)

    @staticmethod
    def _hit(spec: IndexSpec, terms: QueryTerms, raw: Mapping[str, Any]) -> Hit:
        fields: dict[str, FieldValue] = {
            name: raw[name] for name in spec.fields if name in raw and raw[name] is not None
        }
        fallback = next((field_text(fields[f]) for f in spec.snippet_fields if f in fields), "")
        return Hit(
            id=str(raw["id"]),
            fields=fields,
            snippet=make_snippet(
                searchable_texts(fields, spec.searchable), terms, fallback=fallback
            ),
            score=round(float(raw.get("_rankingScore", 0.0)), 6),
        )

    # -- health

    def health(self) -> Health:
        """``ok`` when the server answers ``available``; never raises."""
        try:
            with self._errors():
                status = self._client().health().get("status")
        except SearchError as exc:
            return Health("down", "meilisearch", exc.message)
        if status != "available":
            return Health("down", "meilisearch", f"server status {status!r}")
        return Health("ok", "meilisearch", self.url)

    def close(self) -> None:
        """Nothing to release: requests opens a connection per call."""
        self._specs.clear()
