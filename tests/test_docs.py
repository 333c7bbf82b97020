"""The docs document what the code has: every setting (docs/operations.md), the two commands and
the demo logins (README), and every document the README links to exists."""

from __future__ import annotations

import re
from pathlib import Path

from app.config import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
OPERATIONS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")


def test_every_setting_has_a_row_in_the_operations_guide() -> None:
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", OPERATIONS, flags=re.MULTILINE))
    assert documented == {name.upper() for name in Settings.model_fields}


def test_readme_shows_the_two_commands() -> None:
    assert "make run" in README
    assert "make test" in README


def test_readme_lists_the_demo_logins() -> None:
    for username in (
        "office",
        "reviewer",
        "chamber",
        "youth",
        "enterprise",
        "kejiju",
        "renshe",
        "qiaolian",
    ):
        assert f"| `{username}` |" in README
    assert "talent-demo" in README


def test_every_document_the_readme_links_exists() -> None:
    links = re.findall(r"\]\(((?:docs/)?[A-Za-z_]+\.md)\)", README)
    assert "docs/roles.md" in links
    assert "CONTRIBUTING.md" in links
    for link in links:
        assert (ROOT / link).is_file(), link
