"""The README documents what the code has: every setting, the two commands, the demo logins."""

from __future__ import annotations

import re
from pathlib import Path

from app.config import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_has_a_readme_row() -> None:
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", README, flags=re.MULTILINE))
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
