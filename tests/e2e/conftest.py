"""A real browser (Debian's Chromium driven by Playwright) against the service on loopback.

Skipped with the reason when Chromium is missing; with REQUIRE_BROWSER=1 (CI) it fails instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class Served:
    """The live service behind a real HTTP server on a loopback port."""

    def __init__(self, live: Any) -> None:
        import uvicorn

        self.live = live
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(live.app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture
def served(live_factory: Any) -> Iterator[Served]:
    # uvicorn runs the lifespan itself (search worker, job runner): the Live is not started.
    server = Served(live_factory())
    yield server
    server.stop()


class Pages:
    """A browser page that records console errors and saves a screenshot of each step."""

    def __init__(
        self, browser: Any, base: str, out: Path, name: str, locale: str, *, inject: bool = False
    ) -> None:
        # inject=True lets the test add its own script (axe-core) despite the page's strict CSP.
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}, bypass_csp=inject
        )
        self.page = self.context.new_page()
        self.base = base
        self.out = out
        self.name = name
        self.locale = locale
        self.errors: list[str] = []
        self.step = 0
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def goto(self, path: str) -> None:
        sep = "&" if "?" in path else "?"
        self.page.goto(f"{self.base}{path}{sep}lang={self.locale}")

    def shot(self, label: str) -> None:
        self.step += 1
        self.page.screenshot(
            path=str(self.out / f"{self.name}_{self.locale}_{self.step:02d}_{label}.png"),
            full_page=True,
        )

    def login(self, username: str, password: str) -> None:
        self.goto("/login")
        self.page.fill("#f-username", username)
        self.page.fill("#f-password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def close(self) -> None:
        self.context.close()
