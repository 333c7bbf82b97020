"""Reading uploads: .xlsx with openpyxl in read-only (streaming) mode, .csv in UTF-8 or GB18030.

`open_sheet` checks the file and finds the header; its `rows` iterate the data lazily, so
memory does not grow with the file. Every unreadable file raises an `ImportFileError` whose
code names the problem; nothing is stored before the file is read whole.

An .xlsx is a zip archive, and a small one may unpack to gigabytes (a "decompression bomb"),
or hold millions of cells or shared strings that openpyxl would parse into memory. Before
openpyxl sees the archive, `check_xlsx` refuses one whose members declare more than
`Limits.unpacked_bytes`, then streams every member, counting the bytes actually unpacked (the
declared sizes may lie) and the cells and shared strings, and stops at the first limit passed.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from app.config import Settings
from app.errors import AppError
from app.imports.columns import Column, KindSpec, header_index, header_key

MAX_ROWS = 100_000
HEADER_SCAN_ROWS = 10
# Columns read from a sheet (every template has far fewer), and the last row number Excel has:
# a sheet's declared size or a cell's row number beyond them would make openpyxl pad rows
# with millions of empty cells.
MAX_COLUMNS = 256
EXCEL_MAX_ROWS = 1_048_576


class ImportFileError(AppError):
    status, code = 422, "import_file_invalid"

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(**params)
        self.code = code


class ImportFileTooLarge(ImportFileError):
    """The archive unpacks to more than the limit: the request entity is too large."""

    status = 413


@dataclass(frozen=True)
class Limits:
    """What an .xlsx may hold once unpacked (the settings `IMPORT_MAX_*`)."""

    unpacked_bytes: int = 256 * 1_048_576
    cells: int = 4_000_000
    shared_strings: int = 1_000_000

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            unpacked_bytes=settings.import_max_unpacked_bytes,
            cells=settings.import_max_cells,
            shared_strings=settings.import_max_shared_strings,
        )


# A cell (`<c r="A1">`) and a shared string (`<si>`) are counted by their opening tags, with
# bytes.count (a regular expression costs seconds on millions of tags); the rare files that
# give the main namespace a prefix (`<x:c>`) are counted by a regular expression. At most
# _TAG_SPAN bytes from `<` decide a match.
_ENDS = (b" ", b">", b"/", b"\n", b"\r", b"\t")
_CELL_TAGS = tuple(b"<c" + end for end in _ENDS)
_STRING_TAGS = tuple(b"<si" + end for end in _ENDS)
_PREFIXED_CELL = re.compile(rb"<\w{1,16}:c[\s/>]")
_PREFIXED_STRING = re.compile(rb"<\w{1,16}:si[\s/>]")
_TAG_SPAN = 64
_CHUNK = 1 << 16


def _count_tags(buffer: bytes, end: int) -> tuple[int, int]:
    """(cells, shared strings) opened in buffer[:end]."""
    cells = sum(buffer.count(tag, 0, end) for tag in _CELL_TAGS)
    strings = sum(buffer.count(tag, 0, end) for tag in _STRING_TAGS)
    if buffer.find(b":c", 0, end) >= 0:
        cells += len(_PREFIXED_CELL.findall(buffer, 0, end))
    if buffer.find(b":si", 0, end) >= 0:
        strings += len(_PREFIXED_STRING.findall(buffer, 0, end))
    return cells, strings


def check_xlsx(file: IO[bytes], limits: Limits) -> None:
    """Refuse an archive beyond `limits` before anything parses it (see the module doc)."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            declared = sum(m.file_size for m in members)
            if declared > limits.unpacked_bytes:
                raise _too_large(limits)
            unpacked = cells = strings = 0
            for member in members:
                with archive.open(member) as stream:
                    tail = b""
                    while chunk := stream.read(_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > limits.unpacked_bytes:
                            raise _too_large(limits)
                        buffer = tail + chunk
                        # Keep a tag that may continue in the next chunk for the next round.
                        cut = buffer.rfind(b"<")
                        if cut < 0 or len(buffer) - cut >= _TAG_SPAN:
                            cut = len(buffer)
                        found = _count_tags(buffer, cut)
                        cells, strings = cells + found[0], strings + found[1]
                        tail = buffer[cut:]
                        _check_counts(cells, strings, limits)
                    found = _count_tags(tail, len(tail))
                    cells, strings = cells + found[0], strings + found[1]
                    _check_counts(cells, strings, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError,
            ValueError, RuntimeError, zlib.error):  # fmt: skip
        raise ImportFileError("import_file_corrupt") from None
    finally:
        file.seek(0)


def _too_large(limits: Limits) -> ImportFileTooLarge:
    return ImportFileTooLarge(
        "import_unpacked_too_large", max_mb=limits.unpacked_bytes // 1_048_576
    )


def _check_counts(cells: int, strings: int, limits: Limits) -> None:
    if cells > limits.cells:
        raise ImportFileError("import_too_many_cells", max_cells=limits.cells)
    if strings > limits.shared_strings:
        raise ImportFileError("import_too_many_strings", max_strings=limits.shared_strings)


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
        ws.reset_dimensions()  # the declared size may be a lie: read the rows there are
        for number, row in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS), 1):
            if number > EXCEL_MAX_ROWS:
                raise ImportFileError("import_too_many_rows", max_rows=MAX_ROWS)
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


def open_sheet(
    file: IO[bytes], filename: str, spec: KindSpec, limits: Limits | None = None
) -> Sheet:
    """Check the upload and find its header; raises ImportFileError (422) for a bad file,
    ImportFileTooLarge (413) for an archive that unpacks beyond `limits`."""
    file.seek(0)
    head = file.read(512)
    if not head:
        raise ImportFileError("import_empty")
    kind = _detect(head, filename)
    index = header_index(spec)
    candidates: list[Iterator[list[Any]]]
    workbook = None
    if kind == "xlsx":
        check_xlsx(file, limits or Limits())
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
            if row.count(None) < len(row) and any(
                c is not None and (not isinstance(c, str) or c.strip()) for c in row
            ):
                count += 1
                if count > MAX_ROWS:
                    raise ImportFileError("import_too_many_rows", max_rows=MAX_ROWS)
                yield number, row
            number += 1
