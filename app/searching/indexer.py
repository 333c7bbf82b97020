"""Keep the search index equal to the database: an outbox, a drain, a retrying worker, reindex.

Every flush that creates, changes or deletes a talent or a demand (or renames an enterprise,
whose name its demands carry) adds `search_outbox` rows in the same transaction. After a
commit the worker thread is woken and applies the rows: it reads each object's current state,
so a row means "make the index agree with the database for this id", whatever the change was,
and applying a row twice is harmless. A failure (search server down) leaves the rows in place;
the worker retries with back-off and `/healthz` reports `search: degraded` meanwhile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.orm import Session, selectinload

import matching
from app.config import Settings
from app.context import session_context
from app.models import Demand, Enterprise, SearchOutbox, Talent
from app.searching.documents import demand_fields, demand_text, talent_fields, talent_text
from app.searching.indexes import DEMANDS, TALENTS
from search import Document, IndexSpec, SearchBackend, SearchError

log = logging.getLogger(__name__)

BATCH = 500


# ---------------------------------------------------------------------------- the outbox hook


def _outbox_rows(session: Session) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, int]] = set()

    def add(index: str, doc_id: int | None) -> None:
        if doc_id is not None and (index, doc_id) not in seen:
            seen.add((index, doc_id))
            rows.append({"index_name": index, "doc_id": doc_id})

    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Talent):
            add("talents", obj.id)
        elif isinstance(obj, Demand):
            add("demands", obj.id)
        elif (
            isinstance(obj, Enterprise)
            and obj in session.dirty
            and session.is_modified(obj, include_collections=False)
        ):
            ids = session.scalars(select(Demand.id).where(Demand.enterprise_id == obj.id))
            for demand_id in ids:
                add("demands", demand_id)
    return rows


def _after_flush(session: Session, _context: Any) -> None:
    rows = _outbox_rows(session)
    if rows:
        session.connection().execute(insert(SearchOutbox), rows)
        session.info["search_outbox_pending"] = True


def _after_commit(session: Session) -> None:
    if session.info.pop("search_outbox_pending", False):
        context = session_context(session)
        if context is not None:
            context.indexer.wake()


def install_outbox_hook() -> None:
    """Idempotent: registers the hooks on every Session once per process."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_commit", _after_commit)


# ------------------------------------------------------------------------------- the indexer


def _usable(vector: np.ndarray[Any, np.dtype[np.float32]]) -> Any:
    """The vector, or None when it has no direction: a text of only symbols or emoji can hash
    to zeros, and the backend refuses such a vector; the record is then found by keyword only
    (a refused document would otherwise block the outbox for good)."""
    norm = float(np.linalg.norm(vector))
    return vector if np.isfinite(norm) and norm > 0 else None


class Indexer:
    """Applies the outbox to a search backend; owns the backend and its worker thread.

    Parameters
    ----------
    backend : the search backend (embedded or Meilisearch).
    encoder_factory : returns the encoder, called once, when the first vector is needed.
    session_factory : makes sessions for the worker thread.
    """

    def __init__(
        self,
        backend: SearchBackend,
        encoder_factory: Callable[[], matching.Encoder],
        session_factory: Callable[[], Session],
        *,
        retry_s: float = 2.0,
        max_retry_s: float = 30.0,
    ) -> None:
        self.backend = backend
        self._encoder_factory = encoder_factory
        self._encoder: matching.Encoder | None = None
        self._session_factory = session_factory
        self._retry_s = retry_s
        self._max_retry_s = max_retry_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._ready = False
        self.last_error: str | None = None

    # -- encoder and index settings

    @property
    def encoder(self) -> matching.Encoder:
        if self._encoder is None:
            self._encoder = self._encoder_factory()
        return self._encoder

    @property
    def encoder_loaded(self) -> bool:
        """False while the model is still loading (seconds after start-up)."""
        return self._encoder is not None and self._encoder.is_ready

    def specs(self) -> tuple[IndexSpec, IndexSpec]:
        dims = self.encoder.dim
        return (
            TALENTS.settings(dims or None),
            DEMANDS.settings(dims or None),
        )

    def ensure_ready(self) -> None:
        """Push index settings once (and again after a failure)."""
        if not self._ready:
            for spec in self.specs():
                self.backend.ensure_index(spec)
            self._ready = True

    def vectors(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        return np.asarray(self.encoder.encode(texts), dtype=np.float32)

    # -- documents

    def _talent_docs(self, talents: Iterable[Talent]) -> list[Document]:
        talents = list(talents)
        if not talents:
            return []
        vecs = self.vectors([talent_text(t) or t.name for t in talents])
        return [
            Document(str(t.id), talent_fields(t), _usable(vecs[i])) for i, t in enumerate(talents)
        ]

    def _demand_docs(self, demands: Iterable[Demand]) -> list[Document]:
        demands = list(demands)
        if not demands:
            return []
        vecs = self.vectors([demand_text(d) or d.title for d in demands])
        return [
            Document(str(d.id), demand_fields(d), _usable(vecs[i])) for i, d in enumerate(demands)
        ]

    def _apply(self, session: Session, index: str, ids: list[int]) -> None:
        found_ids: set[int]
        if index == "talents":
            talents = list(session.scalars(select(Talent).where(Talent.id.in_(ids))))
            self.backend.upsert(index, self._talent_docs(talents))
            found_ids = {t.id for t in talents}
        else:
            demands = list(
                session.scalars(
                    select(Demand)
                    .where(Demand.id.in_(ids))
                    .options(selectinload(Demand.enterprise))
                )
            )
            self.backend.upsert(index, self._demand_docs(demands))
            found_ids = {d.id for d in demands}
        gone = set(ids) - found_ids
        if gone:
            self.backend.delete(index, [str(i) for i in sorted(gone)])

    # -- draining

    def drain(self, session: Session) -> int:
        """Apply every outbox row visible to `session`; returns how many were applied.

        Rows are deleted in `session` once applied; the caller commits. A search failure
        raises `SearchError` and leaves the remaining rows for the next try.
        """
        applied = 0
        with self._lock:
            self.ensure_ready()
            while True:
                rows = list(
                    session.execute(
                        select(SearchOutbox.id, SearchOutbox.index_name, SearchOutbox.doc_id)
                        .order_by(SearchOutbox.id)
                        .limit(BATCH)
                    )
                )
                if not rows:
                    break
                for index in ("talents", "demands"):
                    ids = sorted({r.doc_id for r in rows if r.index_name == index})
                    if ids:
                        self._apply(session, index, ids)
                session.execute(
                    delete(SearchOutbox).where(SearchOutbox.id.in_([r.id for r in rows]))
                )
                session.flush()
                applied += len(rows)
        self.last_error = None
        return applied

    def pending(self, session: Session) -> int:
        return session.scalar(select(func.count()).select_from(SearchOutbox)) or 0

    def reindex(self, session: Session, *, batch: int = 2000) -> dict[str, int]:
        """Rebuild both indexes from the database (the source of truth)."""
        counts: dict[str, int] = {}
        with self._lock:
            self._ready = False
            self.ensure_ready()
            counts["talents"] = self._rebuild(session, "talents", batch)
            counts["demands"] = self._rebuild(session, "demands", batch)
            session.execute(delete(SearchOutbox))
            session.flush()
        return counts

    def _rebuild(self, session: Session, index: str, batch: int) -> int:
        self.backend.clear(index)
        last_id, n = 0, 0
        while True:
            docs: list[Document]
            if index == "talents":
                talents = list(
                    session.scalars(
                        select(Talent).where(Talent.id > last_id).order_by(Talent.id).limit(batch)
                    )
                )
                if not talents:
                    return n
                docs, last_id = self._talent_docs(talents), talents[-1].id
            else:
                demands = list(
                    session.scalars(
                        select(Demand)
                        .where(Demand.id > last_id)
                        .order_by(Demand.id)
                        .limit(batch)
                        .options(selectinload(Demand.enterprise))
                    )
                )
                if not demands:
                    return n
                docs, last_id = self._demand_docs(demands), demands[-1].id
            self.backend.upsert(index, docs)
            n += len(docs)

    # -- the worker thread

    def wake(self) -> None:
        self._wake.set()

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="search-outbox", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        try:  # load the model first, off the request path
            self.encoder.load()
        except Exception:
            log.exception("search: the sentence encoder failed to load")
        delay = self._retry_s
        while not self._stop.is_set():
            self._wake.clear()
            try:
                with self._session_factory() as session:
                    self.drain(session)
                    session.commit()
                delay = self._retry_s
                self._wake.wait(timeout=60)
            except SearchError as exc:
                self._ready = False
                self.last_error = f"{exc.code}: {exc}"
                log.warning("search outbox: %s; retrying in %.0f s", self.last_error, delay)
                self._wake.wait(timeout=delay)
                delay = min(delay * 2, self._max_retry_s)
            except Exception as exc:  # the database is down: same back-off, never die
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("search outbox: %s; retrying in %.0f s", self.last_error, delay)
                self._wake.wait(timeout=delay)
                delay = min(delay * 2, self._max_retry_s)

    def status(self) -> str:
        """``ok``, or ``degraded`` when the backend is down or the last apply failed."""
        try:
            health = self.backend.health()
        except SearchError:
            return "degraded"
        if health.status != "ok" or self.last_error:
            return "degraded"
        return "ok"


def make_search_backend(settings: Settings) -> SearchBackend:
    """Meilisearch when MEILI_URL and MEILI_API_KEY are set, else the embedded backend."""
    from search import create_backend

    key = settings.meili_api_key.get_secret_value() if settings.meili_api_key else None
    return create_backend(settings.meili_url, key, path=settings.data_dir / "search.sqlite3")
