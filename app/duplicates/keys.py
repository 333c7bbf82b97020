"""Comparison keys for "same person": phone, e-mail, and names across scripts and orders.

`name_key` folds traditional characters to simplified (OpenCC t2s); `pinyin_key` spells a
Chinese name in toneless pinyin and sorts the syllables/words, so 张伟, 張偉, "Zhang Wei" and
"Wei Zhang" meet.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

_NOT_WORD = re.compile(r"[\s·•.,，、\-_'’]+")
_HAS_CJK = re.compile(r"[\u3400-\u9fff]")


@cache
def _t2s() -> object:
    from opencc import OpenCC

    return OpenCC("t2s")


def phone_key(phone: str | None) -> str | None:
    """Digits only, without a +86 / 0086 prefix: `+86 138 1234 5678` -> `13812345678`."""
    if not phone:
        return None
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if len(digits) >= 7 else None


def email_key(email: str | None) -> str | None:
    return email.strip().lower() if email and "@" in email else None


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """Simplified, lower-case, without spaces or dots: 張 偉 -> 张伟; Anna-Lena -> annalena."""
    text = unicodedata.normalize("NFKC", name).lower()
    if _HAS_CJK.search(text):
        text = _t2s().convert(text)  # type: ignore[attr-defined]
    return _NOT_WORD.sub("", text)


@lru_cache(maxsize=200_000)
def pinyin_key(name: str) -> str:
    """Toneless pinyin (or latin words), sorted: 张伟, 張偉, Zhang Wei, WEI Zhang -> `wei zhang`."""
    from pypinyin import lazy_pinyin

    text = unicodedata.normalize("NFKC", name).lower()
    if _HAS_CJK.search(text):
        words = [w for w in lazy_pinyin(_NOT_WORD.sub("", text)) if w.strip()]
    else:
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
        words = [w for w in _NOT_WORD.split(text) if w]
    return " ".join(sorted(words))


def org_key(text: str | None) -> str | None:
    """School or employer, compared loosely (width, case, spaces, traditional characters)."""
    return name_key(text) or None if text else None


@dataclass(frozen=True, slots=True)
class Profile:
    """What duplicate detection reads of a talent (or of an import row, with a negative id)."""

    id: int
    organization_id: int
    name: str
    birth_year: int | None = None
    school: str | None = None
    employer: str | None = None
    phone: str | None = None
    email: str | None = None
    id_number_hash: str | None = None
