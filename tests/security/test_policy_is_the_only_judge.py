"""No role comparison outside `app/access/`: services, routes, pages, schemas and templates ask
the resource's policy (`can`, `require`, `readable`, ...) instead of looking at the role."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROLE_NAMES = "office_admin|office_reviewer|chamber_staff|enterprise_user|agency_staff"
ROLE_PREDICATES = "office|admin|chamber|enterprise|agency|demand_side"

PYTHON_RULES = {
    "a role named": re.compile(rf"\bRole\.({ROLE_NAMES})\b"),
    "a role predicate": re.compile(rf"\bis_({ROLE_PREDICATES})\b"),
    "the viewer's role": re.compile(r"\bviewer\.role\b"),
    "a role compared": re.compile(r"\.role\s*(==|!=|\bin\b|\bis\b|\.in_\()"),
    "compared with a role": re.compile(r"(==|!=|\bis\b)\s*[\w.]*\.role\b"),
}
TEMPLATE_RULES = {
    "a role predicate": re.compile(rf"\bis_({ROLE_PREDICATES})\b"),
    "a role compared": re.compile(r"\.role\s*(==|!=|\bin\b|\bis\b)"),
    "compared with a role": re.compile(rf"(==|!=|\bin\b)\s*['\"]({ROLE_NAMES})['\"]"),
}
# The policy itself; the enum that names the roles (and the side each belongs to); migrations
# and catalogues hold data, not decisions.
EXEMPT = ("app/access/", "app/models/", "app/migrations/", "app/i18n/")


def _offences(paths: list[Path], rules: dict[str, re.Pattern[str]]) -> list[str]:
    found = []
    for path in paths:
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(EXEMPT):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for what, pattern in rules.items():
                if pattern.search(line):
                    found.append(f"{rel}:{number}: {what}: {line.strip()}")
    return found


def test_no_role_comparison_in_app_outside_the_policy() -> None:
    assert _offences(sorted((ROOT / "app").rglob("*.py")), PYTHON_RULES) == []


def test_no_role_comparison_in_templates() -> None:
    assert _offences(sorted((ROOT / "templates").rglob("*.html")), TEMPLATE_RULES) == []


@pytest.mark.parametrize(
    "line",
    [
        "    if viewer.is_office or viewer.is_agency:",
        "    if viewer.role is Role.chamber_staff:",
        "    return HINTS[viewer.role]",
        '    .where(User.role == "chamber_staff")',
        "    User.role.in_([r.value for r in OFFICE])",
        "    if Role.office_admin == user.role:",
    ],
)
def test_the_scan_catches_role_comparisons(line: str) -> None:
    assert any(p.search(line) for p in PYTHON_RULES.values())


@pytest.mark.parametrize(
    "line",
    [
        "{% if viewer.is_admin %}",
        "{% if viewer.role == 'office_admin' %}",
        "{% if u.role in ['agency_staff'] %}",
    ],
)
def test_the_scan_catches_role_comparisons_in_templates(line: str) -> None:
    assert any(p.search(line) for p in TEMPLATE_RULES.values())
