"""Reading uploads: .xlsx with openpyxl in read-only (streaming) mode, .csv in UTF-8 or GB18030.

`open_sheet` checks the file and finds the header; its `rows` iterate the data lazily, so
memory does not grow with the file. Every unreadable file raises an `ImportFileError` whose
code names the problem; nothing is stored before the file is read whole.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from app.errors import AppError
from app.imports.columns import Column, KindSpec, header_index, header_key

MAX_ROWS = 100_000
HEADER_SCAN_ROWS = 10


class ImportFileError(AppError):
    status, code = 422, "import_file_invalid"

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(**params)
        self.code = code


@dataclass
class Sheet:
    """A readable sheet: its columns by position and its data rows (row number, cells)."""

    header: list[str]  # the header cells as written in the file
    columns: dict[int, Column]  # position -> column
    header_row: int
    rows: Iterator[tuple[int, list[Any]]]
    close: Any = None


def _detect(head: bytes, filename: str) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError("import_xls_unsupported")
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError("import_not_spreadsheet")
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise ImportFileError("import_file_corrupt")  # named .xlsx but not a zip archive
    return "csv"


def _encoding(file: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) when every byte decodes so, else GB18030 (a GBK superset)."""
    file.seek(0)
    head = file.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := file.read(1 << 16):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    file.seek(0)
    decoder = codecs.getincrementaldecoder("gb18030")()  # type: ignore[assignment]
    try:
        while chunk := file.read(1 << 16):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ImportFileError("import_encoding_unknown") from None
    return "gb18030"


def _csv_rows(file: IO[bytes]) -> Iterator[list[Any]]:
    encoding = _encoding(file)
    file.seek(0)
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    sample = text.read(8192)
    text.seek(0)
    first = sample.splitlines()[0] if sample else ""
    delimiter = max((",", "\t", ";"), key=first.count)
    try:
        yield from csv.reader(text, delimiter=delimiter)
    except csv.Error:
        raise ImportFileError("import_file_corrupt") from None
    finally:
        text.detach()


def _xlsx_sheets(file: IO[bytes]) -> tuple[Any, list[Any]]:
    file.seek(0)
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ParseError, OSError, ValueError):
        raise ImportFileError("import_file_corrupt") from None
    return wb, list(wb.worksheets)


def _xlsx_rows(ws: Any) -> Iterator[list[Any]]:
    try:
        for row in ws.iter_rows(values_only=True):
            yield list(row)
    except (zipfile.BadZipFile, KeyError, ParseError, OSError, ValueError, EOFError):
        raise ImportFileError("import_file_corrupt") from None


def _match_header(
    index: dict[str, Column], rows: list[list[Any]]
) -> tuple[int, dict[int, Column], list[str]] | None:
    """The header among the first rows: the row naming most columns; a second row below it
    completes it where merged cells left the first one blank (group titles above fields)."""
    best: tuple[int, dict[int, Column], list[str]] | None = None
    for i, row in enumerate(rows):
        found = _columns_of(index, row)
        if len(found) >= 2 and (best is None or len(found) > len(best[1])):
            best = (i, found, [_cell_text(c) for c in row])
    if best is None:
        return None
    i, found, header = best
    if i + 1 < len(rows):
        below = _columns_of(index, rows[i + 1])
        extra = {p: c for p, c in below.items() if p not in found and c not in found.values()}
        if extra and len(below) >= 1 and not _looks_like_data(rows[i + 1], below):
            found = {**found, **extra}
            header = [_cell_text(rows[i + 1][p]) if p in extra else h for p, h in enumerate(header)]
            return i + 1, found, header
    return i, found, header


def _looks_like_data(row: list[Any], matched: dict[int, Column]) -> bool:
    texts = [c for c in row if c not in (None, "")]
    return len(texts) > 2 * max(1, len(matched))


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _columns_of(index: dict[str, Column], row: list[Any]) -> dict[int, Column]:
    out: dict[int, Column] = {}
    for pos, cell in enumerate(row):
        if isinstance(cell, str) and cell.strip():
            col = index.get(header_key(cell))
            if col is not None and col not in out.values():
                out[pos] = col
    return out


def open_sheet(file: IO[bytes], filename: str, spec: KindSpec) -> Sheet:
    """Check the upload and find its header; raises ImportFileError (422) for a bad file."""
    file.seek(0)
    head = file.read(512)
    if not head:
        raise ImportFileError("import_empty")
    kind = _detect(head, filename)
    index = header_index(spec)
    candidates: list[Iterator[list[Any]]]
    workbook = None
    if kind == "xlsx":
        workbook, sheets = _xlsx_sheets(file)
        candidates = [_xlsx_rows(ws) for ws in sheets]
    else:
        candidates = [_csv_rows(file)]
    any_rows = False
    for rows in candidates:
        first = []
        for row in rows:
            first.append(row)
            if len(first) >= HEADER_SCAN_ROWS:
                break
        if any(any(c not in (None, "") for c in r) for r in first):
            any_rows = True
        matched = _match_header(index, first)
        if matched is None:
            continue
        pos, columns, header = matched
        missing = [c for c in spec.required if c not in columns.values()]
        if missing:
            raise ImportFileError(
                "import_missing_columns",
                columns="、".join(c.header("zh") for c in missing),
                columns_en=", ".join(c.header("en") for c in missing),
            )
        return Sheet(
            header=header,
            columns=columns,
            header_row=pos + 1,
            rows=_data_rows(first[pos + 1 :], rows, pos + 2),
            close=workbook.close if workbook is not None else None,
        )
    if workbook is not None:
        workbook.close()
    if not any_rows:
        raise ImportFileError("import_empty")
    raise ImportFileError(
        "import_missing_columns",
        columns="、".join(c.header("zh") for c in spec.required),
        columns_en=", ".join(c.header("en") for c in spec.required),
    )


def _data_rows(
    buffered: list[list[Any]], rest: Iterator[list[Any]], first_number: int
) -> Iterator[tuple[int, list[Any]]]:
    number = first_number
    count = 0
    for source in (iter(buffered), rest):
        for row in source:
            if any(c is not None and (not isinstance(c, str) or c.strip()) for c in row):
                count += 1
                if count > MAX_ROWS:
                    raise ImportFileError("import_too_many_rows", max_rows=MAX_ROWS)
                yield number, row
            number += 1
