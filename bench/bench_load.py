"""Load benchmark: the service as deployed, driven by locust from loopback.

For each backend it builds a fresh deployment, loads the demo city, waits until the search
index holds every talent and demand, warms the workers up, then runs ``bench/locustfile.py``
headless (50 users logged in as the demo accounts, browsing, searching and writing) for a
bounded time and reports requests/s, p50/p95/p99 latency and errors for search+browse and for
writes separately:

- ``postgresql``: a throwaway database on ``BENCH_PG_URL`` (default
  ``postgresql://postgres@127.0.0.1:5432/postgres``; ``CREATE DATABASE ts_load_<random>``,
  dropped at the end), a real Meilisearch (the pinned binary from ``scripts/meili_install.sh``
  on a free port, temporary database, random master key) and ``talent-supermarket serve
  --workers 2``;
- ``embedded``: the default (SQLite file + embedded search index in a temporary ``DATA_DIR``)
  with ``serve --workers 1``: SQLite has one writer and the embedded index lives in the
  process, so the embedded default is a one-process deployment.

    python bench/bench_load.py --quick    # 20 s per backend (make bench)
    python bench/bench_load.py --full     # 60 s per backend
    python bench/bench_load.py --full --backends postgresql --workers 2 --users 50

Needs ``pip install -e '.[bench]'`` (locust) and, for ``postgresql``, a reachable server and
``scripts/meili_install.sh``. Measured after every user has logged in (the logins, 50 argon2
hashes at once, are not counted). Results go to stdout and, with ``--json``, to a file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from tests.search.meili_server import BINARY as MEILI_BINARY  # noqa: E402
from tests.search.meili_server import MeiliServer, free_port  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


@contextlib.contextmanager
def throwaway_pg_database() -> Iterator[str]:
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"ts_load_{secrets.token_hex(6)}"
    base = make_url(PG_URL)
    conninfo = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    log(f"created database {name}")
    try:
        yield base.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f"dropped database {name}")


@contextlib.contextmanager
def meilisearch(data_dir: Path) -> Iterator[MeiliServer]:
    if not os.access(MEILI_BINARY, os.X_OK):
        raise SystemExit(f"no Meilisearch binary at {MEILI_BINARY}: run scripts/meili_install.sh")
    server = MeiliServer(MEILI_BINARY, data_dir)
    server.start()
    log(f"meilisearch on {server.url}")
    try:
        yield server
    finally:
        server.stop()


def cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "talent-supermarket"), *args], env=env, check=True, cwd=ROOT)


@contextlib.contextmanager
def serving(env: dict[str, str], workers: int, log_path: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as out:
        proc = subprocess.Popen(
            [str(BIN / "talent-supermarket"), "serve", "--workers", str(workers)],
            env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"serve exited {proc.returncode}: {log_path.read_text()[-2000:]}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("serve did not answer /healthz within 180 s")
            time.sleep(0.2)
        log(f"serving on {url} with {workers} worker(s)")
        yield url, proc.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def token(url: str, username: str) -> dict[str, str]:
    r = httpx.post(
        f"{url}/api/v1/auth/token",
        data={"username": username, "password": "talent-demo"},
        timeout=30,
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def counts(url: str, auth: dict[str, str]) -> dict[str, int]:
    out = {}
    for kind in ("talents", "demands"):
        r = httpx.get(f"{url}/api/v1/{kind}", params={"limit": 1}, headers=auth, timeout=30)
        r.raise_for_status()
        out[kind] = r.json()["total"]
    return out


def wait_for_index(url: str, auth: dict[str, str], timeout_s: float = 600) -> dict[str, int]:
    """Wait until an unfiltered search (office: sees all) counts every row of the database."""
    want = counts(url, auth)
    deadline = time.monotonic() + timeout_s
    got: dict[str, int] = {}
    while time.monotonic() < deadline:
        health = httpx.get(f"{url}/healthz", timeout=10).json()
        got = {}
        for kind in ("talents", "demands"):
            r = httpx.get(
                f"{url}/api/v1/search/{kind}", params={"limit": 1}, headers=auth, timeout=180
            )
            got[kind] = r.json().get("total", -1) if r.status_code == 200 else -1
        if got == want and health.get("search") == "ok":
            log(f"search index caught up: {got}")
            return want
        time.sleep(1)
    raise RuntimeError(f"search index did not catch up: database {want}, index {got}")


def warm_up(url: str) -> None:
    """A few requests of each kind on every worker (model load, caches), not measured."""
    from concurrent.futures import ThreadPoolExecutor

    office = token(url, "office")

    def one(i: int) -> None:
        q = ("数据", "软件工程师", "人工智能", "java 工程师")[i % 4]
        for kind in ("talents", "demands"):
            httpx.get(f"{url}/api/v1/search/{kind}", params={"q": q}, headers=office, timeout=120)
            httpx.get(f"{url}/api/v1/{kind}", params={"limit": 20}, headers=office, timeout=120)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(48)))


USERNAMES = (
    "office", "reviewer", "chamber", "youth", "enterprise",
    "kejiju", "renshe", "qiaolian", "kexie", "qiaoban", "waiban",
)  # fmt: skip


def log_in_all(url: str, path: Path) -> None:
    """One page session and one API token per demo account, shared by the locust users.

    Logging in hashes the password (argon2, deliberately slow): 50 users logging in at once
    would measure the password hash, not the service, so each account logs in once here.
    """
    import re

    creds = {}
    for username in USERNAMES:
        with httpx.Client(base_url=url, timeout=60) as client:
            page = client.get("/login")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            r = client.post(
                "/login",
                data={
                    "username": username,
                    "password": "talent-demo",
                    "csrf_token": csrf.group(1) if csrf else "",
                    "next": "/",
                },
            )
            if r.status_code != 303:
                raise RuntimeError(f"page login of {username} answered {r.status_code}")
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        creds[username] = {"token": token(url, username)["Authorization"][7:], "cookie": cookie}
    path.write_text(json.dumps(creds))


def run_locust(url: str, users: int, duration: int, work: Path) -> dict[str, Any]:
    stats_path = work / "locust-summary.json"
    creds_path = work / "credentials.json"
    log_in_all(url, creds_path)
    cmd = [
        str(BIN / "locust"),
        "-f", str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users", str(users),
        "--spawn-rate", str(users),
        "--run-time", f"{duration}s",
        "--host", url,
        "--only-summary",
        "--stop-timeout", "10",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    log(f"locust: {users} users for {duration} s")
    env = {**os.environ, "LOAD_STATS_OUT": str(stats_path), "LOAD_CREDENTIALS": str(creds_path)}
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    (work / "locust.log").write_text(proc.stdout + proc.stderr)
    if not stats_path.exists():
        raise RuntimeError(f"locust wrote no summary: {(proc.stdout + proc.stderr)[-3000:]}")
    return json.loads(stats_path.read_text())  # type: ignore[no-any-return]


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def service_pids(
    serve_pid: int, meili_pid: int | None, database: str | None
) -> dict[str, list[int]]:
    """The processes serving the bench: web workers, Meilisearch, our database's backends."""
    pids = {"web": [serve_pid, *_children(serve_pid)], "meilisearch": [], "postgresql": []}
    if meili_pid:
        pids["meilisearch"] = [meili_pid]
    if database:
        import psycopg
        from sqlalchemy.engine import make_url

        conninfo = make_url(PG_URL).set(drivername="postgresql").render_as_string(False)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            pids["postgresql"] = [
                r[0]
                for r in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)
                )
            ]
    return pids


def cpu_of(pids: dict[str, list[int]]) -> dict[str, float]:
    return {k: sum(_cpu_seconds(p) for p in v) for k, v in pids.items()}


def server_errors(log_path: Path) -> int:
    text = log_path.read_text(errors="replace")
    return text.count("Traceback") + text.count('" 500 ')


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"ts-load-{backend}-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "MEILI_URL", "MEILI_API_KEY", "JOB_QUEUE", "DATA_DIR")
    }
    env.update(
        DATA_DIR=str(work / "var"),
        SECRET_KEY=secrets.token_urlsafe(32),
        ID_HASH_KEY=secrets.token_urlsafe(32),
        EMBEDDING_MODEL=args.embedding_model,
    )
    workers = args.workers if backend == "postgresql" else 1
    try:
        with contextlib.ExitStack() as stack:
            if backend == "postgresql":
                env["DATABASE_URL"] = stack.enter_context(throwaway_pg_database())
                meili = stack.enter_context(meilisearch(work / "meili"))
                meili_pid = meili.process.pid if meili.process else None
                env["MEILI_URL"], env["MEILI_API_KEY"] = meili.url, meili.api_key
            else:
                env["DATABASE_URL"] = f"sqlite:///{work / 'var' / 'talent.db'}"
                meili_pid = None
            t0 = time.perf_counter()
            cli(env, "migrate")
            cli(env, "demo")
            log(f"migrated and loaded the demo city in {time.perf_counter() - t0:.1f} s")
            server_log = work / "serve.log"
            url, serve_pid = stack.enter_context(serving(env, workers, server_log))
            office = token(url, "office")
            before = wait_for_index(url, office)
            warm_up(url)
            database = env["DATABASE_URL"].rsplit("/", 1)[1] if backend == "postgresql" else None
            pids = service_pids(serve_pid, meili_pid, database)
            load_before = os.getloadavg()
            cpu0, t0 = cpu_of(pids), time.monotonic()
            result = run_locust(url, args.users, args.duration, work)
            wall = time.monotonic() - t0
            cpu1 = cpu_of(service_pids(serve_pid, meili_pid, database))
            total = sum(g["requests"] for k, g in result["groups"].items() if k != "search+browse")
            # CPU the service spent, as cores busy on average and per request (all groups;
            # includes the 2 s after start-up that are not measured, so a slight overestimate)
            result["cpu"] = {
                k: {
                    "cores_busy": round((cpu1[k] - cpu0[k]) / wall, 2),
                    "ms_per_request": round((cpu1[k] - cpu0[k]) * 1000 / max(total, 1), 1),
                }
                for k in cpu0
            }
            result["after"] = counts(url, office)
            result["before"] = before
            result["server_errors_in_log"] = server_errors(server_log)
            result["loadavg_before"] = [round(x, 2) for x in load_before]
            result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
            result["workers"] = workers
            result["duration_s"] = args.duration
            result["users"] = args.users
            return result
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def report(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| backend | workers | group | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for backend, res in results.items():
        for group in ("search+browse", "search", "browse", "write"):
            g = res["groups"].get(group)
            if g is None:
                continue
            lines.append(
                f"| {backend} | {res['workers']} | {group} | {g['requests']} | {g['rps']} "
                f"| {g['p50_ms']} | {g['p95_ms']} | {g['p99_ms']} | {g['errors']} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="20 s per backend")
    mode.add_argument("--full", action="store_true", help="60 s per backend (default)")
    parser.add_argument("--duration", type=int, help="seconds of load per backend")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="serve --workers on PostgreSQL")
    parser.add_argument("--backends", default="postgresql,embedded")
    parser.add_argument("--embedding-model", default=os.environ.get("EMBEDDING_MODEL", "default"))
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories")
    args = parser.parse_args()
    if args.duration is None:
        args.duration = 20 if args.quick else 60
    results: dict[str, dict[str, Any]] = {}
    for backend in args.backends.split(","):
        log(f"== {backend}")
        try:
            results[backend] = run_backend(backend.strip(), args)
        except (OSError, SystemExit, psycopg.OperationalError) as exc:  # no server or binary
            if backend.strip() != "postgresql":
                raise
            log(f"postgresql run skipped: {exc} (BENCH_PG_URL={PG_URL})")
            continue
        res = results[backend]
        print(json.dumps(res, ensure_ascii=False, indent=1))
    print()
    print(report(results))
    for backend, res in results.items():
        lost = res["after"]["talents"] < res["before"]["talents"]
        print(
            f"{backend}: talents {res['before']['talents']} -> {res['after']['talents']}, "
            f"demands {res['before']['demands']} -> {res['after']['demands']}"
            f"{' (LOST ROWS)' if lost else ''}; server tracebacks/500s in log: "
            f"{res['server_errors_in_log']}; load average {res['loadavg_before']} -> "
            f"{res['loadavg_after']}"
        )
        cpu = ", ".join(
            f"{k} {v['cores_busy']} cores ({v['ms_per_request']} ms CPU/request)"
            for k, v in res["cpu"].items()
        )
        print(f"{backend}: CPU used by the service during the load: {cpu}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
