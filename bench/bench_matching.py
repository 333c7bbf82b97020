"""Timings of the matching library against its target figures (not a test).

Usage: ``python bench/bench_matching.py [--quick | --full]``. ``--quick`` (what ``make bench``
runs) uses a tenth of the city; the default full mode is the city: 100,000 talents × 20,000
demands with cached (random, unit, float32, 512-d) vectors. Figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching import (
    DemandProfile,
    TalentProfile,
    candidates,
    hard_requirement_mask,
    load_encoder,
    propose_assignment,
    score_pairs,
)

LEVELS = ("high_school", "associate", "bachelor", "master", "doctor")
SKILLS = (
    "Python",
    "Java",
    "Go",
    "SQL",
    "Excel",
    "会计",
    "护理",
    "销售",
    "CAD",
    "机器学习",
    "英语",
    "驾驶",
    "焊接",
    "Linux",
    "Docker",
    "营销",
    "财务",
    "教学",
    "电工",
    "设计",
)
PLACES = ("郑州", "洛阳", "开封", "新乡", "许昌", "南阳")
MAJORS = ("计算机科学与技术", "软件工程", "会计学", "护理学", "机械工程", "市场营销", "汉语言文学")
WORDS = (
    "软件",
    "工程师",
    "会计",
    "护士",
    "销售",
    "经理",
    "数据",
    "分析",
    "后端",
    "前端",
    "运维",
    "教师",
    "司机",
    "电工",
    "焊工",
    "设计师",
    "客服",
    "助理",
    "主管",
    "专员",
    "财务",
    "人事",
)


def _unit(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    x = rng.standard_normal((n, d), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def _profiles(rng: np.random.Generator, n_t: int, n_d: int) -> tuple[list, list]:
    def pick(pool: tuple[str, ...], k: int) -> tuple[str, ...]:
        return tuple(pool[i] for i in rng.choice(len(pool), k, replace=False))

    talents = [
        TalentProfile(
            i,
            education=LEVELS[rng.integers(5)] if rng.random() < 0.9 else None,
            major=MAJORS[rng.integers(len(MAJORS))] if rng.random() < 0.8 else None,
            years_experience=float(rng.integers(0, 20)) if rng.random() < 0.9 else None,
            skills=pick(SKILLS, int(rng.integers(1, 6))) if rng.random() < 0.9 else None,
            languages=("汉语", "英语") if rng.random() < 0.5 else ("汉语",),
            locations=pick(PLACES, int(rng.integers(1, 3))),
            salary_expected=float(rng.integers(3, 30) * 1000) if rng.random() < 0.8 else None,
            overseas=bool(rng.random() < 0.1) if rng.random() < 0.7 else None,
        )
        for i in range(n_t)
    ]
    demands = [
        DemandProfile(
            j,
            education=LEVELS[rng.integers(4)] if rng.random() < 0.8 else None,
            majors=pick(MAJORS, 2) if rng.random() < 0.5 else None,
            min_years=float(rng.integers(0, 8)) if rng.random() < 0.8 else None,
            required_skills=pick(SKILLS, int(rng.integers(1, 4))),
            preferred_skills=pick(SKILLS, 2) if rng.random() < 0.5 else None,
            languages=("英语",) if rng.random() < 0.2 else None,
            location=PLACES[rng.integers(len(PLACES))],
            salary_min=5000.0,
            salary_max=float(rng.integers(6, 40) * 1000),
            overseas_required=bool(rng.random() < 0.02),
            headcount=int(rng.integers(1, 6)),
        )
        for j in range(n_d)
    ]
    return talents, demands


def _peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux


def full_rematch(n_t: int, n_d: int, k: int, dim: int) -> dict[str, float]:
    rng = np.random.default_rng(0)
    tv, dv = _unit(rng, n_t, dim), _unit(rng, n_d, dim)
    talents, demands = _profiles(rng, n_t, n_d)
    out: dict[str, float] = {}
    start = time.perf_counter()
    cand = candidates(tv, dv, k=k, per="demand", mask=hard_requirement_mask(talents, demands))
    out["candidates_s"] = time.perf_counter() - start
    t0 = time.perf_counter()
    scores = score_pairs(talents, demands, talent_vectors=tv, demand_vectors=dv, pairs=cand)
    out["scores_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ok = ~np.isnan(scores.score)
    assignment = propose_assignment(
        (scores.talent_index[ok], scores.demand_index[ok], scores.score[ok].astype(np.float64)),
        capacities=[d.headcount for d in demands],
        shape=(n_t, n_d),
    )
    out["assignment_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    # Per-demand top 20 by the full score: candidates come k per demand, in demand order.
    per_demand = np.where(ok, scores.score, -1.0).reshape(n_d, -1)
    top20 = np.argsort(-per_demand, axis=1, kind="stable")[:, :20]
    _ = np.take_along_axis(scores.talent_index.reshape(n_d, -1), top20, axis=1)
    out["top20_s"] = time.perf_counter() - t0
    out["total_s"] = time.perf_counter() - start
    out["pairs"] = float(len(scores))
    out["proposed"] = float(len(assignment.pairs))
    out["peak_rss_gib"] = _peak_rss_gib()
    return out


def assignment_alone(n_t: int, n_d: int, k: int) -> dict[str, float]:
    rng = np.random.default_rng(1)
    talent = np.concatenate([rng.choice(n_t, k, replace=False) for _ in range(n_d)])
    demand = np.repeat(np.arange(n_d), k)
    score = np.round(rng.random(talent.size), 6)
    caps = rng.integers(1, 6, n_d)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        propose_assignment((talent, demand, score), capacities=caps, shape=(n_t, n_d))
        times.append(time.perf_counter() - t0)
    return {"assignment_s": min(times), "edges": float(talent.size)}


def new_profile(n_t: int, n_d: int, dim: int) -> dict[str, float]:
    rng = np.random.default_rng(2)
    tv, dv = _unit(rng, n_t, dim), _unit(rng, n_d, dim)
    one = _unit(rng, 1, dim)
    out = {}
    for label, items, per in (("new_talent_ms", dv, "talent"), ("new_demand_ms", tv, "demand")):
        times = []
        for _ in range(30):
            t0 = time.perf_counter()
            if per == "talent":
                candidates(one, items, k=50, per="talent")
            else:
                candidates(items, one, k=50, per="demand")
            times.append(time.perf_counter() - t0)
        out[label] = statistics.median(times) * 1000
    return out


def encoding(n: int) -> dict[str, float]:
    rng = np.random.default_rng(3)
    encoder = load_encoder(threads=1)
    encoder.encode(["热身"])
    texts = list(
        dict.fromkeys(
            "".join(WORDS[i] for i in rng.choice(len(WORDS), int(rng.integers(2, 4))))
            + str(int(rng.integers(100)))
            for _ in range(n * 3)
        )
    )[:n]
    t0 = time.perf_counter()
    encoder.encode(texts)
    return {
        "texts_per_s": len(texts) / (time.perf_counter() - t0),
        "mean_chars": float(np.mean([len(t) for t in texts])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="a tenth of the city")
    mode.add_argument("--full", action="store_true", help="the city (default)")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    # Warm up: a running service has imported torch (the encoder, large top-k) already.
    import torch

    torch.topk(torch.ones(3), 1)
    candidates(np.eye(4, dtype=np.float32), np.eye(4, dtype=np.float32), k=2)
    print(
        f"# matching benchmark ({'quick' if args.quick else 'full'}), "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs"
    )
    rows = [
        (
            "full re-match",
            full_rematch(100_000 // scale, 20_000 // scale, 50, 512),
            "≤ 15 s, ≤ 2 GiB",
        ),
        ("assignment alone", assignment_alone(20_000 // scale, 5_000 // scale, 20), "≤ 0.2 s"),
        ("one new profile → top 50", new_profile(100_000 // scale, 20_000 // scale, 512), "≤ 5 ms"),
        ("encoding, 1 thread", encoding(2_000 // scale), "≥ 700 texts/s"),
    ]
    for name, figures, target in rows:
        shown = ", ".join(f"{k}={v:.3g}" for k, v in figures.items())
        print(f"{name:28s} {shown}   (target {target})")


if __name__ == "__main__":
    main()
