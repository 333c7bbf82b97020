"""The role matrix of docs/roles.md, written from the policies: `python -m app.access.matrix`
prints it, `--write` replaces the table in docs/roles.md (a test checks it is up to date)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

from app.access.policies import POLICIES
from app.models.enums import Role

DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"
BEGIN = "<!-- role matrix: written by `python -m app.access.matrix --write`; do not edit -->"
END = "<!-- end of role matrix -->"
YES, NO = "yes", "—"


def cell(policy: ModuleType, action: object, role: Role) -> str:
    """`yes` (with the condition beyond the role, if any) or `—`."""
    if role not in policy.RULES[action]:
        return NO
    note = getattr(policy, "NOTES", {}).get(role)
    return f"{YES} ({note})" if note else YES


def rows() -> list[list[str]]:
    """One row per resource (its read scope) and one per action: resource, action, the roles."""
    out = []
    for policy in POLICIES:
        out.append([policy.RESOURCE, "*scope*", *(policy.SCOPE[r] for r in Role)])
        for action in policy.RULES:
            out.append([policy.RESOURCE, str(action), *(cell(policy, action, r) for r in Role)])
    return out


def table() -> str:
    head = ["resource", "action", *(r.value for r in Role)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows()]
    return "\n".join(lines)


def section() -> str:
    return f"{BEGIN}\n\n{table()}\n\n{END}"


def documented(text: str) -> str:
    """The matrix section as it stands in the document (empty when missing)."""
    start, end = text.find(BEGIN), text.find(END)
    return text[start : end + len(END)] if 0 <= start < end else ""


def main(argv: list[str]) -> int:
    if "--write" in argv:
        text = DOC.read_text(encoding="utf-8")
        old = documented(text)
        DOC.write_text(text.replace(old, section()) if old else text + "\n" + section() + "\n")
        return 0
    print(section())  # noqa: T201 - a command-line tool
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
