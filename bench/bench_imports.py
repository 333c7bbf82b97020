"""Imports benchmark: preview + commit of N talent rows, and duplicate detection over M talents.

    python bench/bench_imports.py            # --quick: 5,000 rows, 10,000 talents
    python bench/bench_imports.py --full     # the issue's figures: 50,000 rows, 100,000 talents

Runs on a fresh SQLite file (or DATABASE_URL when given); prints seconds and peak RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook
from sqlalchemy import insert, select

from app.access import Viewer
from app.audit.trail import install_audit_hook
from app.db import make_engine, make_session_factory, migrate
from app.duplicates import service as duplicates
from app.imports import service
from app.models import ImportBatch, Talent, User
from app.models.enums import OrgKind, Role
from tests.factories import make_orgs, make_user

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰晓东海燕雪梅"
SCHOOLS = ["浙江大学", "清华大学", "郑州大学", "河南大学", "武汉大学", "南京大学", "复旦大学"]
HEADER = ["本单位编号", "姓名", "性别", "出生年份", "最高学历", "毕业院校", "现工作单位", "手机号码",  # noqa: E501
          "电子邮箱", "授权日期", "技能", "个人简介与经历"]  # fmt: skip


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def talent_file(n: int, path: Path) -> None:
    rng = random.Random(7)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("人才")
    ws.append(HEADER)
    for i in range(n):
        ws.append([f"B-{i:06d}", name(rng), rng.choice(["男", "女"]), rng.randint(1960, 2000),
                   rng.choice(["本科", "硕士", "博士", "大学本科"]), rng.choice(SCHOOLS), "临江数智科技",  # noqa: E501
                   f"13{rng.randint(0, 999_999_999):09d}", f"u{i}@example.com", "2026/3/1",
                   "Python、数据分析", "从事研发工作多年。"])  # fmt: skip
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true", help="50,000 rows and 100,000 talents")
    parser.add_argument("--quick", action="store_true", help="the default: 5,000 and 10,000")
    args = parser.parse_args()
    rows, pool = (50_000, 100_000) if args.full else (5_000, 10_000)

    tmp = Path(tempfile.mkdtemp(prefix="bench-imports-"))
    url = os.environ.get("DATABASE_URL", f"sqlite:///{tmp / 'bench.db'}")
    engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    migrate(engine)
    install_audit_hook()
    factory = make_session_factory(engine)
    with factory.begin() as s:
        orgs = make_orgs(s)
        user = make_user(s, orgs[OrgKind.science_bureau], Role.agency_staff, username="bench")
        viewer = Viewer.of(s.get_one(User, user.id))

    path = tmp / "talents.xlsx"
    talent_file(rows, path)
    print(f"file: {rows} rows, {path.stat().st_size / 1e6:.1f} MB")
    start = time.perf_counter()
    with factory.begin() as s, path.open("rb") as f:
        batch = service.preview_import(
            s, viewer, kind="talents", file=f, filename=path.name, id_key="bench"
        )
        batch_id = batch.id
        assert batch.rows_valid == rows, batch.errors[:3]
    preview_s = time.perf_counter() - start
    with factory.begin() as s:
        service.commit_import(s, viewer, batch_id)
    service.run_commit(factory, batch_id, "bench")  # the commit job, chunk by chunk
    with factory() as s:
        counts = s.get_one(ImportBatch, batch_id).result
    total_s = time.perf_counter() - start
    print(f"preview {preview_s:.1f} s, preview+commit {total_s:.1f} s, {counts}, "
          f"peak RSS {rss_mb():.0f} MB")  # fmt: skip

    # The pool: other agencies' talents, some of them the same people.
    rng = random.Random(11)
    agencies = [orgs[k].id for k in (OrgKind.hrss_bureau, OrgKind.overseas_federation)]
    with factory.begin() as s:
        have = len(s.scalars(select(Talent.id)).all())
        values = []
        for _i in range(pool - have):
            values.append({
                "organization_id": rng.choice(agencies), "name": name(rng),
                "birth_year": rng.randint(1960, 2000), "school": rng.choice(SCHOOLS),
                "phone": f"15{rng.randint(0, 999_999_999):09d}", "summary": "",
                "skills": [], "languages": [], "preferred_locations": [],
                "consent_date": dt.date(2026, 1, 1), "status": "active",
                "is_returnee": False, "is_foreign_national": False,
                "created_at": dt.datetime.now(dt.UTC), "updated_at": dt.datetime.now(dt.UTC),
            })  # fmt: skip
        for start_i in range(0, len(values), 5000):
            s.execute(insert(Talent), values[start_i : start_i + 5000])
    start = time.perf_counter()
    with factory.begin() as s:
        new_pairs = duplicates.scan_all(s)
    scan_s = time.perf_counter() - start
    print(f"duplicate scan over {pool} talents: {scan_s:.1f} s, {new_pairs} candidate pairs, "
          f"peak RSS {rss_mb():.0f} MB")  # fmt: skip
    io.StringIO()


if __name__ == "__main__":
    main()
