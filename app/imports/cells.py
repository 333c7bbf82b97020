"""Cells as people type them, made into clean values before the schemas validate them.

Excel dates and date strings (2024/3/1, 2024年3月1日), full-width digits and letters, spaces
around values, 本科/大学本科/学士 for one education level, phones with spaces or +86, numbers
stored as text (and text stored as numbers). A cell that cannot be understood gives an error
code; the schema then checks the value with the same rules as forms and the API.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from openpyxl.utils.datetime import from_excel

from app.i18n import enum_label
from app.imports.columns import Column
from app.spreadsheets import FORMULA_PREFIXES

# Other spellings of enumeration values (besides the value and its zh and en labels).
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "education": {
        "high_school": (
            "高中",
            "中专",
            "初中",
            "职高",
            "技校",
            "中技",
            "高中/中专",
            "高中以下",
            "中专及以下",
        ),
        "associate": ("专科", "大学专科", "高职", "大专学历", "高职高专"),
        "bachelor": ("大学本科", "学士", "大学", "本科学历", "学士学位", "bachelor's", "bsc", "ba"),
        "master": ("研究生", "硕士研究生", "硕士学位", "mba", "master's", "msc", "在职硕士"),
        "doctor": ("博士研究生", "博士学位", "博士后", "phd", "doctorate"),
    },
    "gender": {"male": ("男性", "m", "男士"), "female": ("女性", "f", "女士")},
    "size": {
        "micro": ("微", "微型企业"),
        "small": ("小", "小型企业"),
        "medium": ("中", "中型企业"),
        "large": ("大", "大型企业"),
    },
    "demand_kind": {
        "job": ("招聘", "职位", "岗位需求", "全职"),
        "project": ("项目", "技术合作", "合作项目"),
        "leading_talent": ("领军人才", "领军人才需求"),
    },
    "talent_status": {"active": ("在库", "正常", "可用"), "inactive": ("暂停", "停用")},
    "demand_status": {"open": ("招聘中", "发布"), "closed": ("关闭",), "paused": ("暂停",)},
}

_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "有", "t", "对"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "无", "f", "不是"}
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"^[\u3400-\u9fff\s·•]+$")


@dataclass(frozen=True)
class CellError(Exception):
    code: str
    params: dict[str, Any]


def halfwidth(text: str) -> str:
    """Full-width ASCII (Ａ１＠) and the ideographic space become plain ASCII."""
    return text.translate(_HALFWIDTH)


_HALFWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def unescape_formula(text: str) -> str:
    """Undo our export's CSV-injection escape: `'=SUM(..)` was `=SUM(..)`."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def as_text(value: object) -> str | None:
    """Any cell as stripped text; numbers lose Excel's `.0`; blank is None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    text = unescape_formula(str(value).replace("\u00a0", " ").strip())
    return text or None


@cache
def _enum_lookup(group: str, values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        spellings = [value, enum_label(group, value, "zh"), enum_label(group, value, "en")]
        spellings += SYNONYMS.get(group, {}).get(value, ())
        if group == "industry":  # "I 信息传输、软件..." -> also the name without its letter
            spellings.append(enum_label(group, value, "zh")[2:])
            spellings.append(enum_label(group, value, "en")[2:])
        for s in spellings:
            out.setdefault(_enum_key(s), value)
    return out


def _enum_key(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).lower()


def parse_enum(col: Column, text: str) -> str:
    lookup = _enum_lookup(col.enum_group or "", col.enum_values)
    key = _enum_key(text)
    if key in lookup:
        return lookup[key]
    if col.enum_group == "industry" and key[:1].upper() in col.enum_values:
        return key[:1].upper()  # "I信息技术" and other home-made spellings of a section
    raise CellError(
        "import_enum_invalid",
        {"expected": choices_text(col), "expected_en": choices_text(col, "en", ", ")},
    )


def choices_text(col: Column, locale: str = "zh", sep: str = "、") -> str:
    return sep.join(enum_label(col.enum_group or "", v, locale) for v in col.enum_values)


def parse_int(value: object, text: str) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer():
            return int(value)
        raise CellError("int_from_float", {})
    t = halfwidth(text).replace(",", "").replace(" ", "")
    scale = 1
    if t.endswith("万") or t.endswith("万元"):
        t, scale = t.split("万")[0], 10_000
    t = re.sub(r"(年|岁|元|人|名|/月|每月|k|K)$", "", t)
    if re.match(r"^\d{4}[-/.年]\d{1,2}", t):  # 出生年月 1990-05 or 1990年5月: take the year
        t = t[:4]
    try:
        number = float(t) * scale
    except ValueError:
        raise CellError("int_parsing", {}) from None
    if not number.is_integer():
        raise CellError("int_from_float", {})
    return int(number)


def parse_date(value: object, text: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:  # an Excel serial day number in a cell not formatted as date
            result = from_excel(value)
            return result.date() if isinstance(result, dt.datetime) else result
        raise CellError("import_date_invalid", {})
    t = halfwidth(text).replace(" ", "")
    for pattern in _DATE_PATTERNS:
        m = pattern.match(t)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                break
    raise CellError("import_date_invalid", {})


def parse_bool(text: str) -> bool:
    key = _enum_key(halfwidth(text))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError("bool_parsing", {})


def clean_phone(text: str) -> str:
    """Spaces, dashes, brackets and a `+86`/`0086` prefix typed any way, for the schema."""
    t = halfwidth(text)
    t = re.sub(r"[\s\-()（）]", "", t)
    if t.startswith("0086"):
        t = "+86" + t[4:]
    if t.startswith("86") and len(t) == 13:
        t = "+" + t
    return t


def clean_name(text: str) -> str:
    """Chinese names typed with spaces to align them (`李  明`) lose the spaces."""
    if _CJK.match(text):
        return _SPACES.sub("", text)
    return _SPACES.sub(" ", text)


def parse_cell(col: Column, value: object) -> object:
    """The clean value of one cell for `col`, or None for a blank; raises CellError."""
    text = as_text(value)
    if text is None:
        return None
    match col.type:
        case "int":
            return parse_int(value, text)
        case "date":
            return parse_date(value, text)
        case "bool":
            return parse_bool(text)
        case "enum":
            return parse_enum(col, text)
        case "phone":
            return clean_phone(text)
        case "email":
            return halfwidth(text).replace(" ", "")
        case "id":
            t = halfwidth(text).replace(" ", "").upper()
            # Our error report and exports never show an ID number: a masked one is "unchanged".
            return None if "*" in t else t
        case "code":
            return halfwidth(text).replace(" ", "").upper()
        case "long":
            return text
        case _:
            text = halfwidth(text).strip()
            if col.name == "name":
                return clean_name(text)
            return text
