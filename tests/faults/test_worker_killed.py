"""A match run's worker killed midway (JOB_QUEUE=procrastinate on PostgreSQL).

The run is started through the API of the real service; `talent-supermarket worker` picks it
up and is SIGKILLed while the run is `running`. No half-written run is visible (suggestions
are stored in one transaction at the end). A new worker notices the job of the dead worker
(no heartbeat for ``--stalled-after`` seconds), retries it, and the run finishes with every
suggestion: the same rows as the same run computed again in one go.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.faults.service import (
    Proc,
    cli,
    fresh_database,
    libpq,
    pg_url_or_skip,
    service_env,
    serving,
    token,
)

pytestmark = pytest.mark.slow
log = logging.getLogger(__name__)

STALLED_AFTER_S = 3


def _run_state(conn: psycopg.Connection, run_id: int) -> tuple[str, int, str | None, int]:
    status, progress, stage = conn.execute(
        "SELECT status, progress, stage FROM match_runs WHERE id = %s", (run_id,)
    ).fetchone() or ("missing", 0, None)
    n = conn.execute(
        "SELECT count(*) FROM suggestions WHERE match_run_id = %s", (run_id,)
    ).fetchone()
    return status, progress, stage, int(n[0] if n else 0)


def _suggestions(conn: psycopg.Connection, run_id: int) -> list[tuple[object, ...]]:
    return list(
        conn.execute(
            "SELECT demand_id, talent_id, rank, score, confidence, is_proposed FROM suggestions "
            "WHERE match_run_id = %s ORDER BY demand_id, rank, talent_id",
            (run_id,),
        )
    )


def test_a_killed_worker_leaves_no_half_run_and_the_run_resumes_complete(
    tmp_path: Path,
) -> None:
    server_url = pg_url_or_skip()
    with fresh_database(server_url) as db_url:
        env = service_env(tmp_path, db_url, JOB_QUEUE="procrastinate")
        cli(env, "migrate")
        cli(env, "demo")
        worker_args = ["worker", "--stalled-after", str(STALLED_AFTER_S)]
        with (
            serving(env, tmp_path) as (url, _proc),
            psycopg.connect(libpq(db_url), autocommit=True) as conn,
        ):
            office = token(url, "office")
            r = httpx.post(f"{url}/api/v1/match-runs", json={}, headers=office, timeout=30)
            assert r.status_code == 202, r.text
            run_id = r.json()["id"]

            first = Proc(env, worker_args, tmp_path / "worker-1.log")
            seen: list[tuple[str, int, str | None, int]] = []
            try:
                deadline = time.monotonic() + 120
                while True:
                    state = _run_state(conn, run_id)
                    if not seen or seen[-1] != state:
                        seen.append(state)
                    if state[0] == "running" and state[1] >= 5:  # encoding has begun
                        break
                    assert state[0] in ("queued", "running"), f"run ended first: {seen}"
                    assert first.alive, first.log()[-3000:]
                    assert time.monotonic() < deadline, f"the run never started: {seen}"
                    time.sleep(0.01)
            finally:
                first.kill()
            status, progress, stage, n = _run_state(conn, run_id)
            log.warning(f"worker killed at {progress}% ({stage}); states seen: {seen}")
            # No half-written run: still `running`, no suggestions stored, none served
            assert status == "running"
            assert n == 0
            listed = httpx.get(
                f"{url}/api/v1/suggestions",
                params={"match_run_id": run_id, "limit": 1},
                headers=office,
                timeout=30,
            )
            assert listed.status_code == 200
            assert listed.json()["total"] == 0

            second = Proc(env, worker_args, tmp_path / "worker-2.log")
            try:
                deadline = time.monotonic() + 120
                while _run_state(conn, run_id)[0] != "succeeded":
                    assert _run_state(conn, run_id)[0] == "running", _run_state(conn, run_id)
                    assert second.alive, second.log()[-3000:]
                    assert time.monotonic() < deadline, (
                        f"the run did not resume: {_run_state(conn, run_id)} {second.log()[-3000:]}"
                    )
                    time.sleep(0.2)
            finally:
                second.stop()
            assert "lost its worker; retrying it" in second.log()
            jobs = list(
                conn.execute(
                    "SELECT status, attempts FROM procrastinate.procrastinate_jobs "
                    "WHERE task_name = 'match_run'"
                )
            )
            assert [j[0] for j in jobs] == ["succeeded"], jobs

            resumed = _suggestions(conn, run_id)
            summary = conn.execute(
                "SELECT summary FROM match_runs WHERE id = %s", (run_id,)
            ).fetchone()
            assert summary is not None

        # The same run computed again in one go, in-process: identical suggestions
        cli(env, "match")
        with psycopg.connect(libpq(db_url), autocommit=True) as conn:
            row = conn.execute("SELECT max(id) FROM match_runs").fetchone()
            assert row is not None
            assert row[0] != run_id
            reference = _suggestions(conn, int(row[0]))
        log.warning(
            f"suggestions: resumed run {len(resumed)}, summary {summary[0]['suggestions']}, "
            f"reference run {len(reference)}"
        )
        assert resumed
        assert len(resumed) == summary[0]["suggestions"]
        assert resumed == reference
