"""Search benchmark: reindex time and query latency of both backends on the same talents.

Generates realistic talent documents (Chinese and English skills, titles, cities, schools,
employers, agencies) with precomputed float32 vectors, indexes them into the embedded backend
and into a real Meilisearch server in one run, then times keyword and hybrid queries, each with
two filters and two facets, on both.

    python bench/bench_search.py            # --quick: 10,000 documents, 300 queries a kind
    python bench/bench_search.py --full     # 100,000 documents, 1,000 queries a kind

Meilisearch is the pinned test binary (``scripts/meili_install.sh``) started on a free loopback
port, or the server of ``MEILI_URL``/``MEILI_API_KEY`` when set; ``--no-meili`` skips it.
Targets: embedded p50 <= 10 ms and p99 <= 50 ms, reindex of 100,000 <= 60 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.searching.indexes import TALENTS as TALENT_INDEX  # noqa: E402
from matching import EDUCATION_LEVELS  # noqa: E402
from search import (  # noqa: E402 - the repository root must be importable first
    Document,
    EmbeddedBackend,
    MeiliBackend,
    Query,
    Range,
    SearchBackend,
)

TALENTS = TALENT_INDEX.settings()

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉宇浩然子轩欣怡梓涵雨泽"
ENGLISH_NAMES = ["Emily", "James", "Olivia", "Lucas", "Sophia", "Daniel", "Mia", "Noah", "Hannah"]
ENGLISH_SURNAMES = ["Smith", "Müller", "Tanaka", "Kim", "Garcia", "Brown", "Rossi", "Nguyen"]
POSITIONS = [
    "大数据工程师", "Python后端开发", "Java开发工程师", "前端工程师", "Go语言开发", "算法工程师",
    "机器学习工程师", "人工智能研究员", "数据分析师", "产品经理", "测试工程师", "运维工程师",
    "嵌入式软件工程师", "集成电路设计工程师", "芯片验证工程师", "新能源电池研发", "光伏工艺工程师",
    "机械设计工程师", "电气工程师", "财务经理", "人力资源主管", "市场营销经理", "外贸业务员",
    "软件实施顾问", "UI设计师", "项目经理", "研发经理", "技术总监", "Data Scientist",
    "Backend Engineer", "R&D Engineer", "Product Manager", "DevOps Engineer", "大模型应用开发",
    "自动驾驶感知算法", "生物医药研究员", "临床研究协调员", "供应链经理", "法务专员", "翻译",
]  # fmt: skip
SKILLS = [
    "Python", "Java", "Go", "C++", "C#", "JavaScript", "TypeScript", "React", "Vue", "Django",
    "Spring Boot", "MySQL", "PostgreSQL", "Redis", "Kafka", "Spark", "Hadoop", "Flink",
    "Kubernetes", "Docker", "Linux", "PyTorch", "TensorFlow", "深度学习", "机器学习",
    "自然语言处理", "计算机视觉", "数据分析", "数据挖掘", "Excel", "SQL", "Verilog", "FPGA",
    "模拟电路", "PCB设计", "嵌入式开发", "单片机", "CAD", "SolidWorks", "PLC", "电池管理系统",
    "光伏", "项目管理", "团队管理", "需求分析", "产品设计", "市场营销", "财务分析", "英语",
    "日语", "德语", "商务谈判", "客户服务", "供应链管理", "质量管理", "六西格玛", "大模型",
    "LLM", "RAG", "微服务", "云计算", "网络安全", "区块链", "自动化测试", "Selenium",
]  # fmt: skip
MAJORS = [
    "计算机科学与技术", "软件工程", "电子信息工程", "通信工程", "自动化", "机械工程",
    "电气工程及其自动化", "材料科学与工程", "化学工程", "生物医学工程", "统计学", "数学",
    "金融学", "会计学", "工商管理", "市场营销", "英语", "法学", "人工智能", "集成电路设计",
    "Computer Science", "Electrical Engineering",
]  # fmt: skip
SCHOOLS = [
    "清华大学", "北京大学", "浙江大学", "复旦大学", "上海交通大学", "南京大学", "武汉大学",
    "中山大学", "华中科技大学", "电子科技大学", "合肥工业大学", "苏州大学", "深圳大学",
    "University of Manchester", "National University of Singapore", "TU München",
]  # fmt: skip
EMPLOYERS = [
    "华为技术有限公司", "阿里巴巴", "腾讯科技", "字节跳动", "比亚迪", "宁德时代", "中芯国际",
    "京东方", "海康威视", "美的集团", "科大讯飞", "蔚来汽车", "Siemens", "Bosch", "Intel",
]  # fmt: skip
CITIES = [
    "北京", "上海", "深圳", "杭州", "广州", "成都", "苏州", "南京", "武汉", "合肥", "西安",
    "厦门", "青岛", "重庆", "天津", "长沙",
]  # fmt: skip
TITLES = ["初级工程师", "工程师", "高级工程师", "正高级工程师", "经济师", "会计师", "无"]
LANGUAGES = ["中文", "English", "日本語", "Deutsch", "Français", "한국어"]
SUMMARY = [
    "{years}年{field}相关经验，熟悉{s1}和{s2}，曾在{employer}负责{duty}。",
    "毕业于{school}{major}专业，擅长{s1}、{s2}，希望在{city}发展。",
    "Experienced in {s1} and {s2}; led {duty} at {employer}.",
    "参与过{duty}项目，主导{s1}落地，具备{s2}能力，可接受出差。",
]  # fmt: skip
DUTIES = [
    "数据平台建设", "核心交易系统重构", "推荐系统优化", "芯片流片验证", "电池产线导入",
    "海外市场拓展", "客户现场实施", "待处理工单治理", "智能客服上线", "大模型私有化部署",
]  # fmt: skip
EDUCATION_CDF = np.cumsum([0.08, 0.22, 0.45, 0.2, 0.05])
QUERIES = [
    "数据", "python", "后端", "人工智能", "java 工程师", "软件测试", "集成电路", "新能源",
    "机器学习", "前端 React", "产品经理", "AI", "研发", "大模型", "Kubernetes", "处理",
    "芯片", "财务", "pyhton", "自动驾驶", "嵌入式", "数据分析 SQL", "光伏", "English",
]  # fmt: skip


def make_documents(count: int, dimensions: int, seed: int = 7) -> list[Document]:
    """``count`` talents with unit float32 vectors built from their skills (so similar
    profiles point the same way), as the app would send them."""
    rng = np.random.default_rng(seed)

    def pick(options: list[str] | tuple[str, ...] | str) -> str:
        return options[int(rng.integers(len(options)))]

    skill_basis = rng.standard_normal((len(SKILLS), dimensions)).astype(np.float32)
    position_basis = rng.standard_normal((len(POSITIONS), dimensions)).astype(np.float32)
    documents = []
    for i in range(count):
        foreign = rng.random() < 0.05
        if foreign:
            name = f"{pick(ENGLISH_NAMES)} {pick(ENGLISH_SURNAMES)}"
        else:
            name = pick(SURNAMES) + "".join(pick(GIVEN) for _ in range(int(rng.integers(1, 3))))
        position = int(rng.integers(len(POSITIONS)))
        skill_ids = rng.choice(len(SKILLS), size=int(rng.integers(3, 9)), replace=False)
        skills = [SKILLS[s] for s in skill_ids]
        years = int(rng.integers(0, 31))
        education = EDUCATION_LEVELS[int(np.searchsorted(EDUCATION_CDF, rng.random()))]
        city = pick(CITIES)
        summary = pick(SUMMARY).format(
            years=years,
            field=POSITIONS[position],
            s1=skills[0],
            s2=skills[1],
            employer=pick(EMPLOYERS),
            duty=pick(DUTIES),
            school=pick(SCHOOLS),
            major=pick(MAJORS),
            city=city,
        )
        vector = position_basis[position] + skill_basis[skill_ids].sum(axis=0) * 0.5
        vector += rng.standard_normal(dimensions).astype(np.float32) * 0.3
        fields = {
            "organization_id": int(rng.integers(1, 51)),
            "name": name,
            "education": education,
            "school": pick(SCHOOLS),
            "major": pick(MAJORS),
            "professional_title": pick(TITLES),
            "employer": pick(EMPLOYERS),
            "position": POSITIONS[position],
            "years_experience": years,
            "skills": skills,
            "languages": ["中文", *{pick(LANGUAGES[1:]) for _ in range(int(rng.integers(0, 3)))}],
            "summary": summary,
            "preferred_locations": sorted({pick(CITIES) for _ in range(int(rng.integers(1, 4)))}),
            "expected_salary": int(rng.integers(5, 80)) * 1000,
            "is_returnee": bool(rng.random() < 0.1),
            "is_foreign_national": foreign,
            "nationality": "外国" if foreign else "中国",
            "occupation_code": f"2-02-{int(rng.integers(10, 40)):02d}-00",
            "status": pick(("active", "active", "active", "placed", "inactive")),
            "updated_at": 1_700_000_000 + i,
            "phone": f"138{i:08d}",  # dropped by the spec, as in the app
        }
        documents.append(Document(str(i + 1), fields, vector=vector))
    return documents


def make_queries(
    documents: list[Document], count: int, *, hybrid: bool, seed: int = 11
) -> list[Query]:
    """``count`` queries, each with two filters and two facets; hybrid ones carry the vector
    of a random profile (a "more like this" search) at semantic ratio 0.5."""
    rng = np.random.default_rng(seed)

    def pick(options: list[str] | tuple[str, ...]) -> str:
        return options[int(rng.integers(len(options)))]

    queries = []
    for _ in range(count):
        q = pick(QUERIES)
        kind = int(rng.integers(3))
        if kind == 0:  # an agency browsing its own talents by education
            filters: dict[str, object] = {
                "organization_id": int(rng.integers(1, 51)),
                "education": list(rng.choice(EDUCATION_LEVELS[2:], size=2, replace=False)),
            }
        elif kind == 1:  # an enterprise: experience range and city
            filters = {
                "years_experience": Range(gte=int(rng.integers(0, 10))),
                "preferred_locations": pick(CITIES),
            }
        else:  # office staff: status and salary band
            low = int(rng.integers(5, 40)) * 1000
            filters = {"status": "active", "expected_salary": Range(gte=low, lte=low + 20000)}
        vector = None
        if hybrid:
            vector = documents[int(rng.integers(len(documents)))].vector
        queries.append(
            Query(
                q,
                filters=filters,  # type: ignore[arg-type]
                facets=("education", "preferred_locations"),
                semantic_ratio=0.5 if hybrid else 0.0,
                vector=vector,
                limit=20,
            )
        )
    return queries


def percentiles(samples_s: list[float]) -> tuple[float, float, float]:
    """p50, p99 and mean in milliseconds."""
    ms = sorted(sample * 1000 for sample in samples_s)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    return statistics.median(ms), p99, statistics.fmean(ms)


def time_queries(
    backend: SearchBackend,
    index: str,
    queries: list[Query],
    before: Callable[[int], None] | None = None,
) -> list[float]:
    """Wall-clock seconds of each query; prints the CPU time this process spent per query too
    (on a busy machine the wall clock also counts waiting for a core). ``before(i)`` runs,
    untimed, before query ``i`` (a write, say)."""
    for query in queries[:20]:  # warm up: caches, page cache, connections
        backend.search(index, query)
    samples = []
    cpu = time.process_time()
    for number, query in enumerate(queries):
        if before is not None:
            before(number)
        start = time.perf_counter()
        backend.search(index, query)
        samples.append(time.perf_counter() - start)
    cpu_ms = (time.process_time() - cpu) * 1000 / len(queries)
    print(f"  ({len(queries)} queries, {cpu_ms:.2f} ms CPU of this process per query)")
    return samples


def reindex(backend: SearchBackend, documents: list[Document], dimensions: int) -> float:
    """Time a full rebuild: settings, clear, every document (vectors precomputed)."""
    spec = dataclasses.replace(TALENTS, vector_dimensions=dimensions)
    start = time.perf_counter()
    backend.ensure_index(spec)
    backend.clear(spec.name)
    for first in range(0, len(documents), 5000):
        backend.upsert(spec.name, documents[first : first + 5000])
    if isinstance(backend, EmbeddedBackend):
        backend.optimize(spec.name)
    elapsed = time.perf_counter() - start
    assert backend.count(spec.name) == len(documents)
    return elapsed


def meili_backends() -> Iterator[tuple[MeiliBackend, Callable[[], None]]]:
    """The configured server, or the pinned test binary on a free port."""
    url, key = os.environ.get("MEILI_URL"), os.environ.get("MEILI_API_KEY")
    if url and key:
        yield MeiliBackend(url, key, timeout_s=30, task_timeout_s=600), lambda: None
        return
    from tests.search.meili_server import BINARY, MeiliServer

    if not os.access(BINARY, os.X_OK):
        print(f"no Meilisearch binary at {BINARY}: run scripts/meili_install.sh; skipping it")
        return
    folder = tempfile.TemporaryDirectory(prefix="bench-meili-")
    server = MeiliServer(BINARY, Path(folder.name))
    server.start()

    def stop() -> None:
        server.stop()
        folder.cleanup()

    yield MeiliBackend(server.url, server.api_key, timeout_s=30, task_timeout_s=600), stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="10,000 documents (the default)")
    size.add_argument("--full", action="store_true", help="100,000 documents")
    parser.add_argument("--documents", type=int, help="override the number of documents")
    parser.add_argument("--queries", type=int, help="queries of each kind")
    parser.add_argument("--dimensions", type=int, default=384, help="vector size (64..512)")
    parser.add_argument("--no-meili", action="store_true", help="embedded backend only")
    args = parser.parse_args()
    count = args.documents or (100_000 if args.full else 10_000)
    query_count = args.queries or (1000 if args.full else 300)

    print(
        f"search bench: {count:,} talents, {args.dimensions}-d vectors, {query_count} queries "
        f"a kind; {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    start = time.perf_counter()
    documents = make_documents(count, args.dimensions)
    print(f"generated in {time.perf_counter() - start:.1f} s")
    queries = {
        "keyword": make_queries(documents, query_count, hybrid=False),
        "hybrid": make_queries(documents, query_count, hybrid=True),
    }
    rows: list[tuple[str, str, float, float, float, float]] = []

    def run(name: str, backend: SearchBackend) -> None:
        seconds = reindex(backend, documents, args.dimensions)
        print(f"{name}: reindexed {count:,} in {seconds:.1f} s")
        for kind, batch in queries.items():
            p50, p99, mean = percentiles(time_queries(backend, "talents", batch))
            rows.append((name, kind, p50, p99, mean, seconds))
            print(f"{name:12} {kind:8} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  mean {mean:7.2f} ms")

    with tempfile.TemporaryDirectory(prefix="bench-embedded-") as folder:
        embedded = EmbeddedBackend(Path(folder) / "search.sqlite3")
        run("embedded", embedded)

        # An office at work: a profile is edited before every query. The term cache survives
        # writes (it looks up only the documents written since), so this stays warm.
        def edit(number: int) -> None:
            embedded.upsert("talents", [documents[number % len(documents)]])

        for kind, batch in queries.items():
            p50, p99, mean = percentiles(time_queries(embedded, "talents", batch, before=edit))
            rows.append(("embedded, a write before each query", kind, p50, p99, mean, float("nan")))
            print(f"embedded, write+query {kind:8} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms")
        embedded.close()
        # The same file without the term cache: every word is looked up in SQLite again, as
        # for a word not searched before.
        cold = EmbeddedBackend(Path(folder) / "search.sqlite3", term_cache_size=0)
        cold.ensure_index(dataclasses.replace(TALENTS, vector_dimensions=args.dimensions))
        for kind, batch in queries.items():
            p50, p99, mean = percentiles(time_queries(cold, "talents", batch))
            rows.append(("embedded, no term cache", kind, p50, p99, mean, float("nan")))
            print(f"embedded, no term cache {kind:8} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms")
        cold.close()
    if not args.no_meili:
        for meili, stop in meili_backends():
            try:
                run("meilisearch", meili)
            finally:
                meili.close()
                stop()

    print("\n| backend | queries | p50 ms | p99 ms | mean ms | reindex s |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name, kind, p50, p99, mean, seconds in rows:
        print(f"| {name} | {kind} | {p50:.1f} | {p99:.1f} | {mean:.1f} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
