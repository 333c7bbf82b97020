"""Where match runs and import commits execute: in-process threads (default) or a procrastinate
queue.

The embedded default runs jobs on a thread of the web process; a run's state lives in the
database, so a restarted process resumes the runs it finds `queued` or `running` (a run is
deterministic: computing it again gives the same suggestions). With ``JOB_QUEUE=procrastinate``
(PostgreSQL only) runs are deferred to procrastinate, a maintained PostgreSQL job queue, and
executed by `talent-supermarket worker` processes, which may run on other machines.

An import's commit (`app.imports.service.run_commit`) runs the same way, on a thread of its own
(a long match run does not hold it up): a restarted process resumes the imports it finds
`committing`, after the last chunk they wrote.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.config import Settings
from app.models import ImportBatch, MatchRun

log = logging.getLogger(__name__)

QUEUE = "matching"
IMPORT_QUEUE = "imports"
PROCRASTINATE_SCHEMA = "procrastinate"
# A worker sends a heartbeat every STALLED_AFTER_S / 4; one silent for STALLED_AFTER_S is dead
# (killed, its machine gone): every worker retries the match-run jobs it left `doing`.
STALLED_AFTER_S = 60.0


class JobRunner(Protocol):
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def submit(self, run_id: int) -> None: ...
    def submit_import(self, import_id: int) -> None: ...


def _execute(
    session_factory: Callable[[], Session],
    run_id: int,
    settings: Settings,
    stopping: threading.Event | None = None,
) -> None:
    from app.matchruns.engine import execute_run

    execute_run(session_factory, run_id, settings, stopping=stopping)


def _execute_import(
    session_factory: Callable[[], Session],
    import_id: int,
    settings: Settings,
    stopping: threading.Event | None = None,
) -> None:
    from app.imports.service import run_commit

    key = str(settings.id_hash_key.get_secret_value())
    run_commit(session_factory, import_id, key, stopping=stopping)


class InProcessRunner:
    """One worker thread in this process; resumes unfinished runs on start."""

    def __init__(
        self, settings: Settings, session_factory: Callable[[], Session], *, autostart: bool = True
    ) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self.autostart = autostart
        self._executor: ThreadPoolExecutor | None = None
        self._imports: ThreadPoolExecutor | None = None
        self._stopping = threading.Event()

    def start(self) -> None:
        self._stopping.clear()
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="match-run")
        self._imports = ThreadPoolExecutor(1, thread_name_prefix="import-commit")
        try:
            with self.session_factory() as session:
                ids = list(
                    session.scalars(
                        select(MatchRun.id)
                        .where(MatchRun.status.in_(("queued", "running")))
                        .order_by(MatchRun.id)
                    )
                )
                if ids:
                    session.execute(
                        update(MatchRun).where(MatchRun.id.in_(ids)).values(status="queued")
                    )
                    session.commit()
        except Exception:  # no schema yet (first start before migrate): nothing to resume
            log.warning("match runs: could not look for unfinished runs", exc_info=True)
            ids = []
        for run_id in ids:
            log.info("match runs: resuming run %s", run_id)
            self.submit(run_id)
        for import_id in self._unfinished_imports():
            log.info("imports: resuming the commit of import %s", import_id)
            self.submit_import(import_id)

    def _unfinished_imports(self) -> list[int]:
        try:
            with self.session_factory() as session:
                return list(
                    session.scalars(
                        select(ImportBatch.id)
                        .where(ImportBatch.status == "committing")
                        .order_by(ImportBatch.id)
                    )
                )
        except Exception:  # no schema yet (first start before migrate): nothing to resume
            log.warning("imports: could not look for unfinished commits", exc_info=True)
            return []

    def stop(self) -> None:
        self._stopping.set()
        for executor in (self._executor, self._imports):
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)
        self._executor = self._imports = None

    def submit(self, run_id: int) -> None:
        if self._executor is None:
            if not self.autostart:
                return  # no worker threads (create_app(background=False)): the run stays queued
            self.start()
        assert self._executor is not None
        self._executor.submit(_execute, self.session_factory, run_id, self.settings, self._stopping)

    def submit_import(self, import_id: int) -> None:
        if self._imports is None:
            if not self.autostart:
                return  # no worker threads: the import stays committing
            self.start()
        assert self._imports is not None
        self._imports.submit(
            _execute_import, self.session_factory, import_id, self.settings, self._stopping
        )

    def wait_idle(self, timeout: float = 120) -> None:
        """Block until every submitted run and import has finished (tests, the CLI)."""
        for executor in (self._executor, self._imports):
            if executor is not None:
                executor.submit(lambda: None).result(timeout=timeout)


def libpq_url(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def make_procrastinate_app(settings: Settings, session_factory: Callable[[], Session]) -> Any:
    """A procrastinate app on the service's PostgreSQL, its tables in their own schema."""
    import procrastinate

    connector = procrastinate.PsycopgConnector(
        conninfo=libpq_url(settings.database_url),
        kwargs={"options": f"-c search_path={PROCRASTINATE_SCHEMA}"},
    )
    papp = procrastinate.App(connector=connector)

    @papp.task(name="match_run", queue=QUEUE)
    def match_run(run_id: int) -> None:
        _execute(session_factory, run_id, settings)

    @papp.task(name="import_commit", queue=IMPORT_QUEUE)
    def import_commit(import_id: int) -> None:
        _execute_import(session_factory, import_id, settings)

    return papp


def apply_procrastinate_schema(engine: Any, settings: Settings, session_factory: Any) -> bool:
    """Create procrastinate's tables once (idempotent); returns True when it created them."""
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {PROCRASTINATE_SCHEMA}"))
        exists = conn.execute(
            text(f"SELECT to_regclass('{PROCRASTINATE_SCHEMA}.procrastinate_jobs')")
        ).scalar()
    if exists:
        return False
    papp = make_procrastinate_app(settings, session_factory)
    with papp.open():
        papp.schema_manager.apply_schema()
    return True


class ProcrastinateRunner:
    """Defers runs to procrastinate; `talent-supermarket worker` executes them."""

    def __init__(self, settings: Settings, session_factory: Callable[[], Session]) -> None:
        self.app = make_procrastinate_app(settings, session_factory)

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def submit(self, run_id: int) -> None:
        with self.app.open():
            self.app.tasks["match_run"].defer(run_id=run_id)

    def submit_import(self, import_id: int) -> None:
        with self.app.open():
            self.app.tasks["import_commit"].defer(import_id=import_id)

    def run_worker(self, *, wait: bool = True, stalled_after_s: float = STALLED_AFTER_S) -> None:
        """Execute queued runs; also resumes the runs of workers that died mid-run.

        A killed worker leaves its job `doing` and its run `running` (no suggestions: they are
        stored in one transaction at the end). On start and every heartbeat, this worker
        retries such jobs (procrastinate's stalled-job API); the run is computed again from the
        start and, being deterministic, gives the suggestions the killed attempt would have.
        """
        import asyncio

        try:
            asyncio.get_running_loop()
        except RuntimeError:  # the usual case (the `worker` command): no loop in this thread
            asyncio.run(self._run_worker(wait, stalled_after_s))
            return
        # A loop already runs in this thread (an embedding program): use a thread of our own.
        failure: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(self._run_worker(wait, stalled_after_s))
            except BaseException as exc:  # re-raised in the caller's thread
                failure.append(exc)

        thread = threading.Thread(target=run, name="procrastinate-worker")
        thread.start()
        thread.join()
        if failure:
            raise failure[0]

    async def _run_worker(self, wait: bool, stalled_after_s: float) -> None:
        import asyncio
        import contextlib

        heartbeat = max(stalled_after_s / 4, 0.5)
        async with self.app.open_async():
            await retry_stalled_runs(self.app, stalled_after_s)
            watcher = asyncio.create_task(_watch_stalled(self.app, stalled_after_s, heartbeat))
            try:
                await self.app.run_worker_async(
                    queues=[QUEUE, IMPORT_QUEUE],
                    wait=wait,
                    install_signal_handlers=wait,
                    update_heartbeat_interval=heartbeat,
                    stalled_worker_timeout=stalled_after_s,
                )
            finally:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher


async def retry_stalled_runs(papp: Any, stalled_after_s: float = STALLED_AFTER_S) -> list[int]:
    """Retry match-run and import jobs left `doing` by workers silent for `stalled_after_s`."""
    jobs = [
        job
        for queue, task in ((QUEUE, "match_run"), (IMPORT_QUEUE, "import_commit"))
        for job in await papp.job_manager.get_stalled_jobs(
            queue=queue, task_name=task, seconds_since_heartbeat=stalled_after_s
        )
    ]
    for job in jobs:
        log.warning("match runs: job %s (%s) lost its worker; retrying it", job.id, job.task_kwargs)
        await papp.job_manager.retry_job(job)
    return [job.id for job in jobs]


async def _watch_stalled(papp: Any, stalled_after_s: float, every_s: float) -> None:
    import asyncio

    while True:
        await asyncio.sleep(every_s)
        try:
            await retry_stalled_runs(papp, stalled_after_s)
        except Exception:  # the database is away for a moment: look again next time
            log.warning("match runs: could not look for stalled jobs", exc_info=True)


def make_job_runner(
    settings: Settings, session_factory: Callable[[], Session], *, autostart: bool = True
) -> JobRunner:
    if settings.job_queue == "procrastinate":
        return ProcrastinateRunner(settings, session_factory)
    return InProcessRunner(settings, session_factory, autostart=autostart)
