"""Which characters text may hold: the rule fields enforce, and what writers of stored text drop.

Fields refuse (`app.fieldtypes.check_text`): invalid Unicode (lone surrogates, which no UTF-8
writer can encode, and the non-characters U+FFFE/U+FFFF, which XML and so .xlsx cannot hold),
and control characters (C0, DEL, C1, U+2028/U+2029); multi-line fields keep tab, LF and CR.
Writers (spreadsheets, mail, the search index, JSON columns) scrub instead, since a row stored
before the rule existed must never stop them.
"""

from __future__ import annotations

import re
from typing import Any

_INVALID_UNICODE = re.compile("[\ud800-\udfff\ufffe\uffff]")
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def text_problem(value: str, *, multiline: bool = False) -> tuple[str, dict[str, object]] | None:
    """Why `value` may not be stored, as (error code, params), or None when it may."""
    found = _INVALID_UNICODE.search(value)
    if found:
        return "text_invalid_unicode", {"position": found.start() + 1}
    found = (_CONTROL_MULTI_LINE if multiline else _CONTROL_ONE_LINE).search(value)
    if found:
        return "text_control_character", {
            "position": found.start() + 1,
            "char": f"U+{ord(found.group()):04X}",
        }
    return None


def scrub_text(value: str, *, multiline: bool = True, replacement: str = "") -> str:
    """The lenient twin of `check_text`, for writers of stored text (an old row may predate the
    rule): invalid Unicode is dropped, control characters become `replacement`."""
    value = _INVALID_UNICODE.sub("", value)
    return (_CONTROL_MULTI_LINE if multiline else _CONTROL_ONE_LINE).sub(replacement, value)


def scrub_json(value: Any) -> Any:
    """`value` (decoded JSON) with invalid Unicode dropped from every string and key."""
    if isinstance(value, str):
        return _INVALID_UNICODE.sub("", value)
    if isinstance(value, list):
        return [scrub_json(v) for v in value]
    if isinstance(value, dict):
        return {scrub_json(k): scrub_json(v) for k, v in value.items()}
    return value
