"""The house rules: import-linter's contracts (STYLE.md §2), no tracker numbers in the code."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The contracts no change may drop (pyproject.toml may hold more; all of them must hold).
CONTRACTS = {
    "matching and search never import the web app",
    "matching and search are independent of each other",
    "no two app packages import each other",
    "app is layered: entry points, composition, domains, page helpers, policy, infrastructure",
}


def test_import_contracts_hold() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = {c["name"] for c in declared["tool"]["importlinter"]["contracts"]}
    assert names >= CONTRACTS, CONTRACTS - names
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = " ".join(result.stdout.split())  # long names wrap in the report
    for name in sorted(names):
        assert f"{name} KEPT" in report, name
    assert f"Contracts: {len(names)} kept, 0 broken" in result.stdout


# Work is described by what it does and why; tracker numbers belong in commit messages.
TRACKER_NUMBER = re.compile(r"\b(?:issue|bug|t[i]cket)\s*#?\s*\d+|(?<![\w&])#\d{1,5}\b", re.I)
SCANNED = ("app", "matching", "search", "templates", "tests", "bench", "scripts")
SUFFIXES = frozenset({".py", ".html", ".js", ".css", ".md", ".sh", ".toml", ".txt", ".mako"})
CSS_COLOUR = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{6})\b", re.IGNORECASE)


def test_no_tracker_numbers_in_code_comments_or_test_names() -> None:
    found = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix not in SUFFIXES or not path.is_file():
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if path.suffix == ".css":
                    line = CSS_COLOUR.sub("", line)
                if TRACKER_NUMBER.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
