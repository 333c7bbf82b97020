"""The message catalogues: every key used in code and templates exists in both languages, every
defined key is used, and both languages fill the same placeholders."""

from __future__ import annotations

import ast
import re
import string
from enum import Enum
from pathlib import Path
from typing import get_args

from pydantic_core.core_schema import ErrorType

from app.i18n import CATALOG
from app.models import enums

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = sorted({key.split(".", 1)[0] for key in CATALOG})
KEY_SHAPE = re.compile(rf"^(?:{'|'.join(PREFIXES)})\.[a-z0-9_]+(?:\.[a-z0-9_]+)*$")
PREFIX_SHAPE = re.compile(r"^[a-z_]+(?:\.[a-z0-9_]+)*\.[a-z0-9_]*$")


def _python_strings() -> tuple[set[str], set[str]]:
    """Every string constant in app/, and the heads of keys built at run time (the constant
    start of an f-string or a concatenation, such as f"error.{code}" or "enum." + group)."""
    found: set[str] = set()
    heads: set[str] = set()
    for path in (ROOT / "app").rglob("*.py"):
        if "catalog" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
            head = None
            if isinstance(node, ast.JoinedStr) and node.values:
                head = node.values[0]
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
                head = node.left
            if (
                isinstance(head, ast.Constant)
                and isinstance(head.value, str)
                and PREFIX_SHAPE.match(head.value)
            ):
                heads.add(head.value)
    return found, heads


def _template_strings() -> tuple[set[str], set[str]]:
    found: set[str] = set()
    heads: set[str] = set()
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        found.update(re.findall(r"""['"]([a-z0-9_.]+)['"]""", text))
        heads.update(re.findall(r"""['"]([a-z_]+(?:\.[a-z0-9_]+)*\.[a-z0-9_]*)['"]\s*~""", text))
    return found, heads


def _words() -> set[str]:
    """Identifiers and words of the code, the enumerations' values and pydantic's error types:
    what a key built at run time can be built from."""
    words: set[str] = set(get_args(ErrorType))
    for value in vars(enums).values():
        if isinstance(value, type) and issubclass(value, Enum):
            words.update(str(member.value) for member in value)
        elif isinstance(value, tuple):
            words.update(str(item) for item in value)
    for folder, pattern in (("app", "*.py"), ("templates", "*.html")):
        for path in (ROOT / folder).rglob(pattern):
            if "catalog" in path.parts:
                continue
            words.update(re.findall(r"[A-Za-z0-9_]+", path.read_text(encoding="utf-8")))
    return words


_PY, _PY_HEADS = _python_strings()
_TPL, _TPL_HEADS = _template_strings()
STRINGS = _PY | _TPL
# Keys built at run time from a code, a field or an enumeration value count as used when their
# head is built somewhere and their last part is a word of the code (the value it is built from).
HEADS = tuple(sorted(_PY_HEADS | _TPL_HEADS))


# Strings of the key's shape that are not message ids: a file name, a column of a query.
NOT_KEYS = {"search.sqlite3", "introductions.id"}


def test_every_key_used_in_code_and_templates_exists() -> None:
    used = {
        s
        for s in STRINGS - NOT_KEYS - set(HEADS)
        if KEY_SHAPE.match(s) and not s.endswith((".css", ".js"))
    }
    missing = sorted(key for key in used if key not in CATALOG)
    assert not missing, f"used but not in the catalogue: {missing}"


def _built(key: str, words: set[str]) -> bool:
    """Whether ``key`` can be built by one of the code's key heads from a word of the code."""
    for head in HEADS:
        tail = key[len(head) :]
        if key.startswith(head) and tail:
            if tail in STRINGS or all(part in words for part in tail.split(".")):
                return True
            if head[-1] != "." and tail.split(".")[0] in words:
                return True
    return False


def test_every_key_in_the_catalogue_is_used() -> None:
    words = _words()
    unused = sorted(key for key in CATALOG if key not in STRINGS and not _built(key, words))
    assert not unused, f"defined but never used: {unused}"


def _fields(text: str) -> set[str]:
    """The placeholders of a message; a ``_en``/``_zh`` variant fills the same slot."""
    return {
        name.removesuffix("_en").removesuffix("_zh")
        for _, name, _, _ in string.Formatter().parse(text)
        if name
    }


def test_both_languages_are_filled_with_the_same_placeholders() -> None:
    for key, (zh, en) in CATALOG.items():
        assert zh.strip(), key
        assert en.strip(), key
        assert _fields(zh) == _fields(en), key
