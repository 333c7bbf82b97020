"""Peak memory of the import preview: the largest file the limits accept, and refused bombs.

    python bench/bench_import_memory.py                 # every scenario
    python bench/bench_import_memory.py --only bomb     # one of the SCENARIOS
    python bench/bench_import_memory.py --only largest --rows 20000   # fewer, longer rows

Each scenario runs in a fresh process (so one's peak does not hide another's) on a fresh SQLite
file: it builds its file first, then samples the process's resident memory every 5 ms while
`preview_import` reads it, and prints the file's size, the outcome, the seconds and the peak
RSS above the level before the import (and the absolute peak). The files are written by hand
as zip archives (fast, and the bombs are tiny on disk).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SCENARIOS = ("largest", "bomb", "strings", "cells")
ROWS: list[int] = []  # --rows: rows of the largest file (the row limit by default)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
HEADER = ["本单位编号", "姓名", "性别", "出生年份", "最高学历", "毕业院校", "现工作单位",
          "手机号码", "电子邮箱", "授权日期", "技能", "个人简介与经历"]  # fmt: skip
MIB = 1_048_576


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


class PeakSampler:
    def __init__(self) -> None:
        self.peak = rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes())
            time.sleep(0.005)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())


def _col(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_xlsx(path: Path, rows: object, strings: object) -> None:
    """A minimal valid workbook: `rows` yields lists of shared-string indexes (or ints for
    numbers, as ("n", value)), `strings` yields the shared strings in order."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{PKG}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
            '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats'
            '-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
            '.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application'
            '/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            '<sheets><sheet name="人才" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode())
            for s in strings:  # type: ignore[attr-defined]
                f.write(s if isinstance(s, bytes) else f"<si><t>{_esc(s)}</t></si>".encode())
            f.write(b"</sst>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode())
            f.write(b"<sheetData>")
            for r, row in enumerate(rows, 1):  # type: ignore[call-overload]
                if isinstance(row, bytes):  # a row written already
                    f.write(row)
                    continue
                cells = "".join(
                    f'<c r="{_col(i)}{r}"><v>{v[1]}</v></c>'
                    if isinstance(v, tuple)
                    else f'<c r="{_col(i)}{r}" t="s"><v>{v}</v></c>'
                    for i, v in enumerate(row)
                )
                f.write(f'<row r="{r}">{cells}</row>'.encode())
            f.write(b"</sheetData></worksheet>")


def largest(path: Path, limits: object) -> str:
    """As large as the limits let an honest file be: the row limit, every text distinct, and
    a long profile per row filling the unpacked size up to the limit."""
    from app.imports.reader import MAX_ROWS

    n = ROWS[0] if ROWS else MAX_ROWS
    budget = limits.unpacked_bytes * 0.97  # type: ignore[attr-defined]
    sheet_bytes = n * 720  # measured: ~60 bytes per cell of the rows below
    profile_chars = int((budget - sheet_bytes) / n - 320) // 3  # 3 bytes a CJK character
    filler = "从事研发与数据分析工作多年，熟悉工业软件。" * (profile_chars // 21 + 1)
    fixed = [*HEADER, "男", "硕士", "浙江大学", "临江数智科技", "2026-03-01", "Python、数据分析"]

    def strings() -> object:
        yield from fixed
        for i in range(n):
            yield f"B-{i:06d}"
            yield f"测试人员{i}"
            yield f"13{i:09d}"
            yield f"u{i}@example.com"
            yield f"{i}{filler[: profile_chars - 8]}"

    base = len(fixed)

    def rows() -> object:
        yield list(range(len(HEADER)))
        h = len(HEADER)
        for i in range(n):
            k = base + 5 * i
            yield [k, k + 1, h, ("n", 1980 + i % 20), h + 1, h + 2, h + 3, k + 2, k + 3, h + 4,
                   h + 5, k + 4]  # fmt: skip

    write_xlsx(path, rows(), strings())
    return f"{n:,} rows, {base + 5 * n:,} shared strings"


def bomb(path: Path, limits: object) -> str:
    """1 GiB of shared strings in a file of about 1 MB (the reported one)."""
    block = b"a" * MIB

    def strings() -> object:
        yield b"<si><t>"
        for _ in range(1024):
            yield block
        yield b"</t></si>"

    write_xlsx(path, [[0]], strings())
    return "one shared string of 1 GiB"


def many_strings(path: Path, limits: object) -> str:
    """5 million shared strings in about 200 KB (the reported one)."""
    block = b"<si><t>x</t></si>" * 10_000
    write_xlsx(path, [[0]], (block for _ in range(500)))
    return "5,000,000 shared strings"


def many_cells(path: Path, limits: object) -> str:
    """5 million cells (70 MB unpacked, under the size limit), one shared string."""
    row = b"<row>" + b"<c><v>0</v></c>" * 10_000 + b"</row>"
    write_xlsx(path, (row for _ in range(500)), ["x"])
    return "5,000,000 cells"


BUILDERS = {"largest": largest, "bomb": bomb, "strings": many_strings, "cells": many_cells}


def run(scenario: str) -> None:
    from app.access import Viewer
    from app.config import Settings
    from app.db import make_engine, make_session_factory, migrate
    from app.errors import AppError
    from app.imports import service
    from app.imports.reader import Limits
    from app.models import User
    from app.models.enums import OrgKind, Role
    from tests.factories import make_orgs, make_user

    tmp = Path(tempfile.mkdtemp(prefix="bench-import-memory-"))
    limits = Limits.of(Settings(_env_file=None))  # type: ignore[call-arg]
    path = tmp / f"{scenario}.xlsx"
    what = BUILDERS[scenario](path, limits)
    engine = make_engine(f"sqlite:///{tmp / 'bench.db'}")
    migrate(engine)
    factory = make_session_factory(engine)
    with factory.begin() as s:
        orgs = make_orgs(s)
        user = make_user(s, orgs[OrgKind.science_bureau], Role.agency_staff, username="bench")
        viewer = Viewer.of(s.get_one(User, user.id))
    before = rss_bytes()
    start = time.perf_counter()
    with PeakSampler() as sampler, factory() as s, path.open("rb") as f:
        try:
            batch = service.preview_import(
                s, viewer, kind="talents", file=f, filename=path.name, id_key="bench",
                limits=limits,
            )  # fmt: skip
            outcome = f"accepted: {batch.rows_valid:,} valid rows"
            s.commit()
        except AppError as exc:
            outcome = f"refused: {exc.status} {exc.code}"
    seconds = time.perf_counter() - start
    print(
        f"| {scenario} | {what} | {path.stat().st_size / MIB:.2f} MB | {outcome} | "
        f"{seconds:.1f} s | {(sampler.peak - before) / MIB:.0f} MB | {sampler.peak / MIB:.0f} MB |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=SCENARIOS)
    parser.add_argument("--rows", type=int, help="rows of the largest file")
    parser.add_argument("--child", choices=SCENARIOS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rows:
        ROWS.append(args.rows)
    if args.child:
        run(args.child)
        return
    print("| scenario | file | size | outcome | seconds | peak RSS above start | peak RSS |")
    print("| --- | --- | ---: | --- | ---: | ---: | ---: |", flush=True)
    for scenario in [args.only] if args.only else SCENARIOS:
        rows = ["--rows", str(args.rows)] if args.rows else []
        subprocess.run([sys.executable, __file__, "--child", scenario, *rows], check=True)


if __name__ == "__main__":
    main()
