"""The real service for fault tests: a throwaway PostgreSQL database, the CLI, `serve` and
`worker` as subprocesses on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).parent / "talent-supermarket")


def pg_url_or_skip() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    return url


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new database on the server of `server_url` (never that database itself)."""
    name = f"ts_fault_{uuid.uuid4().hex[:12]}"
    admin = libpq(server_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        for _ in range(30):  # the server may still be coming back from a restart
            try:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except psycopg.OperationalError:
                time.sleep(1)


def service_env(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    drop = ("DATABASE_URL", "MEILI_URL", "MEILI_API_KEY", "JOB_QUEUE", "DATA_DIR", "PORT", "HOST")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        DATABASE_URL=database_url,
        DATA_DIR=str(tmp_path / "var"),
        SECRET_KEY="fault-test-secret",
        ID_HASH_KEY="fault-test-id-key",
        EMBEDDING_MODEL="hashing",
        **extra,
    )
    return env


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [CLI, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"talent-supermarket {' '.join(args)}: {done.stderr[-2000:]}"
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Proc:
    """A CLI subprocess in its own process group, its output in a log file."""

    def __init__(self, env: dict[str, str], args: list[str], log_path: Path) -> None:
        self.log_path = log_path
        with log_path.open("ab") as out:
            self.process = subprocess.Popen(
                [CLI, *args],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group at once, as a crash or an OOM kill would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def serving(env: dict[str, str], tmp_path: Path, *, workers: int = 1) -> Iterator[Any]:
    """`talent-supermarket serve` on a free port; yields (base url, Proc) once /healthz is ok."""
    port = free_port()
    proc = Proc(
        {**env, "HOST": "127.0.0.1", "PORT": str(port)},
        ["serve", "--workers", str(workers)],
        tmp_path / "serve.log",
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.alive, f"serve exited: {proc.log()[-3000:]}"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, f"serve not ready: {proc.log()[-3000:]}"
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.stop()


def token(url: str, username: str) -> dict[str, str]:
    r = httpx.post(
        f"{url}/api/v1/auth/token",
        data={"username": username, "password": "talent-demo"},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
