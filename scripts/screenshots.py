"""Screenshots of the service's pages in headless Chromium, to look at them as a user would.

Usage: .venv/bin/python scripts/screenshots.py BASE_URL OUT_DIR USER:PASSWORD:PATH[,PATH...] ...
Each USER logs in, then each PATH is captured in Chinese and English, desktop and phone width.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import ConsoleMessage, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main() -> None:
    base, out = sys.argv[1].rstrip("/"), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for spec in sys.argv[3:]:
            user, password, paths = spec.split(":", 2)
            for width, tag in ((1280, "desktop"), (390, "phone")):
                page = browser.new_page(viewport={"width": width, "height": 900})
                errors: list[str] = []

                def on_console(m: ConsoleMessage, errors: list[str] = errors) -> None:
                    if m.type == "error":
                        errors.append(m.text)

                page.on("console", on_console)
                page.goto(f"{base}/login")
                page.fill("#f-username", user)
                page.fill("#f-password", password)
                page.click("button[type=submit]")
                for path in paths.split(","):
                    for lang in ("zh", "en"):
                        sep = "&" if "?" in path else "?"
                        page.goto(f"{base}{path}{sep}lang={lang}")
                        name = f"{user}_{tag}_{lang}_{path.strip('/').replace('/', '_') or 'home'}"
                        page.screenshot(path=str(out / f"{name[:120]}.png"), full_page=True)
                page.close()
                for e in errors:
                    print(f"console error ({user}, {tag}): {e}")
        browser.close()


if __name__ == "__main__":
    main()
