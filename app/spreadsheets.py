"""The one writer of every spreadsheet the service sends: .csv and .xlsx, cell by cell safe.

Every cell passes `safe_cell`: lists are joined first (with 、), then text loses what the file
cannot hold (invalid Unicode; control characters other than tab and line breaks, which openpyxl
refuses and XML cannot carry) and gets a leading `'` when it starts with `=`, `+`, `-`, `@`, a
tab or a carriage return, so no spreadsheet program runs it as a formula (CSV injection). The
importer strips that quote again (`app.imports.cells.unescape_formula`). Header rows are cells
too: an uploaded file's header comes back in its error report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from app.text import scrub_text

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "、"
_BOLD = Font(bold=True)
_SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


@dataclass(frozen=True)
class Styled:
    """A cell value with a look: bold (headers) and/or a fill colour (RGB hex)."""

    value: Any
    bold: bool = False
    fill: str | None = None


@dataclass(frozen=True)
class Sheet:
    title: str
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()  # column widths in characters, from column A


def header(cells: Iterable[Any]) -> list[Styled]:
    """A bold header row."""
    return [Styled(c, bold=True) for c in cells]


def safe_text(text: str) -> str:
    """Text as a cell: what the file cannot hold dropped, a formula start escaped."""
    text = scrub_text(text, multiline=True)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def safe_cell(value: Any) -> Any:
    """The value written for `value`: None stays empty, numbers and dates stay typed (an
    aware datetime becomes naive UTC, which is all .xlsx holds), everything else is text."""
    if isinstance(value, Styled):
        value = value.value
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return value
    if isinstance(value, list | tuple):
        value = LIST_SEPARATOR.join(str(v) for v in value if v is not None)
    return safe_text(str(value))


def csv_chunks(rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """CSV in UTF-8 with a BOM (so Excel reads the Chinese), row by row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["" if (v := safe_cell(c)) is None else v for c in row])
        yield buffer.getvalue().encode()


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    return b"".join(csv_chunks(rows))


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """A workbook of these sheets, written in openpyxl's streaming (write-only) mode."""
    wb = Workbook(write_only=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet_title(sheet.title))
        for i, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        for row in sheet.rows:
            ws.append([_xlsx_cell(ws, c) for c in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheet_title(title: str) -> str:
    """A title Excel accepts: at most 31 characters, none of []:*?/\\."""
    return scrub_text(title, multiline=False).translate(_SHEET_TITLE_FORBIDDEN)[:31] or "Sheet"


def _xlsx_cell(ws: Any, value: Any) -> Any:
    if not isinstance(value, Styled):
        return safe_cell(value)
    cell = WriteOnlyCell(ws, value=safe_cell(value.value))
    if value.bold:
        cell.font = _BOLD
    if value.fill:
        cell.fill = PatternFill("solid", fgColor=value.fill)
    return cell
