"""Spreadsheets of the import/export screens: templates (drop-downs, examples, instructions),
error reports and exports in .xlsx and .csv.

Error reports and exports go through `app.spreadsheets`, which makes every cell safe (formula
escape, characters the file cannot hold); the template's example cells pass `safe_cell` too.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app.i18n import enum_label, translate
from app.imports.columns import Column, KindSpec
from app.spreadsheets import Sheet, Styled, csv_chunks, safe_cell, xlsx_bytes
from app.spreadsheets import header as header_row

_BOLD = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
_ERROR_FILL = "F8CBAD"
TEMPLATE_ROWS = 5000  # drop-downs cover this many rows


def header_text(col: Column, locale: str) -> str:
    return col.header(locale) + ("*" if col.required else "")


def _choices(col: Column, locale: str) -> list[str]:
    return [enum_label(col.enum_group or "", v, locale) for v in col.enum_values]


def template_workbook(spec: KindSpec, locale: str) -> bytes:
    """The template of one kind: a data sheet with drop-downs, examples, instructions."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = translate(spec.sheet_key, locale)
    columns = [c for c in spec.columns if c.name != "id"]
    lists = wb.create_sheet(translate("import.sheet.lists", locale))
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=header_text(col, locale))
        cell.font = _BOLD
        if col.required:
            cell.fill = _REQUIRED_FILL
        ws.column_dimensions[get_column_letter(i)].width = max(col.width, len(cell.value) * 2)
        letter = get_column_letter(i)
        if col.type in ("enum", "bool"):
            choices = (
                _choices(col, locale)
                if col.type == "enum"
                else [translate("enum.bool.true", locale), translate("enum.bool.false", locale)]
            )
            lists.cell(row=1, column=i, value=col.header(locale))
            for j, text in enumerate(choices, start=2):
                lists.cell(row=j, column=i, value=text)
            dv = DataValidation(
                type="list",
                formula1=f"'{lists.title}'!${letter}$2:${letter}${len(choices) + 1}",
                allow_blank=not col.required,
                showErrorMessage=True,
                errorTitle=translate("import.template.invalid_title", locale),
                error=translate("import.template.invalid_choice", locale),
            )
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(dv)
        elif col.type in ("int",):
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                                allow_blank=True)  # fmt: skip
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(dv)
        if col.type in ("phone", "id", "code", "text"):
            # Text format keeps leading zeros and long numbers (ID numbers, phones) intact.
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"
    lists.sheet_state = "hidden"

    examples = wb.create_sheet(translate("import.sheet.examples", locale), 1)
    for i, col in enumerate(columns, start=1):
        examples.cell(row=1, column=i, value=header_text(col, locale)).font = _BOLD
        examples.column_dimensions[get_column_letter(i)].width = col.width
        for j, value in enumerate(col.example, start=2):
            if col.type == "enum" and value:
                value = _localised_example(col, str(value), locale)
            examples.cell(row=j, column=i, value=safe_cell(value) if value != "" else None)

    info = wb.create_sheet(translate("import.sheet.instructions", locale), 2)
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 90
    lines = [
        (translate("import.instructions.title", locale), ""),
        ("", translate("import.instructions.kind_" + spec.kind, locale)),
        ("", translate("import.instructions.required", locale)),
        ("", translate("import.instructions.key_" + spec.kind, locale)),
        ("", translate("import.instructions.formats", locale)),
        ("", translate("import.instructions.limits", locale)),
        ("", ""),
        (
            translate("import.instructions.column", locale),
            translate("import.instructions.rule", locale),
        ),
    ]
    for col in columns:
        lines.append((header_text(col, locale), _rule(col, locale)))
    for r, (a, b) in enumerate(lines, start=1):
        info.cell(row=r, column=1, value=a).font = _BOLD
        info.cell(row=r, column=2, value=b)
    return _save(wb)


def _localised_example(col: Column, value: str, locale: str) -> str:
    if locale == "zh":
        return value
    from app.imports.cells import CellError, parse_enum

    try:
        return enum_label(col.enum_group or "", parse_enum(col, value), locale)
    except CellError:
        return value


def _rule(col: Column, locale: str) -> str:
    parts = [translate("import.rule." + col.type, locale)]
    if col.type == "enum":
        parts.append(
            "、".join(_choices(col, locale)) if locale == "zh" else ", ".join(_choices(col, locale))
        )
    if col.required:
        parts.insert(0, translate("form.required", locale))
    return " · ".join(p for p in parts if p)


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def error_report(
    header: Sequence[str], rows: Iterable[tuple[int, list[Any], str]], locale: str
) -> bytes:
    """The rows with errors as uploaded, plus their row number and what is wrong."""
    top = [translate("import.report.row", locale), translate("import.report.errors", locale)]
    lines = ([number, Styled(message, fill=_ERROR_FILL), *cells] for number, cells, message in rows)
    title = translate("import.report.sheet", locale)
    return xlsx_bytes([Sheet(title, _chain([header_row([*top, *header])], lines))])


def _chain(first: list[list[Any]], rest: Iterable[list[Any]]) -> Iterator[list[Any]]:
    yield from first
    yield from rest


# --- export ----------------------------------------------------------------------------------


def export_columns(spec: KindSpec) -> list[Column]:
    return [c for c in spec.columns if c.type != "id"]  # ID numbers are never exported


def cell_value(col: Column, value: Any, locale: str) -> Any:
    if value is None or value == []:
        return None
    if hasattr(value, "value") and isinstance(getattr(value, "value"), str):  # noqa: B009
        value = value.value  # enums
    if col.type == "enum":
        return enum_label(col.enum_group or "", value, locale)
    if col.type == "bool":
        return translate(f"enum.bool.{str(bool(value)).lower()}", locale)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value  # lists are joined and text made safe by the writer


def export_csv(header: list[str], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """CSV in UTF-8 with a BOM (so Excel reads the Chinese), streamed row by row."""
    return csv_chunks(_chain([list(header)], rows))


def export_xlsx(title: str, header: list[str], rows: Iterable[list[Any]]) -> bytes:
    return xlsx_bytes([Sheet(title, _chain([header_row(header)], rows))])
