"""Meaning benchmark (not a test): title coding, occupation search and need -> talent ranking.

Three figures on development data built from ``../shared/data`` (read at run time, never copied
into the repository; see each folder's README for source and licence):

(a) title -> CSCO level-3 group (the code's first 7 characters), top-1 and top-5, over the
    labelled development titles with a 5-fold cross-validation: the coder of each fold learns
    from the other four folds only, so no title is ever scored on itself.
(b) search recall@10: one demand per detailed CSCO occupation (title = its name, description =
    its definition, coded with it) in the embedded backend, searched by each development title
    as the app searches (hybrid, the default encoder's vector at semantic ratio 0.5, the app's
    query expansion); a hit when a demand of the title's group is among the first 10. Each fold's
    titles are searched with the coder of the other folds.
(c) need -> talent ranking: constructed pairs, a need text (name + definition) and a profile
    text (three task statements) of the same occupation; zh from CSCO, en from O*NET, and across
    (zh need -> en profile, en need -> zh profile) over a hand-aligned bridge of occupations.
    For each need, every profile of its pool is ranked by the cosine of the encoder's vectors;
    top-1 and MRR of the profile of the need's occupation.

    python bench/bench_meaning.py                 # everything
    python bench/bench_meaning.py --only a,b      # some parts
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import matching  # noqa: E402 - the repository root must be importable first
from app.searching.indexes import DEMANDS  # noqa: E402
from matching import load_encoder, load_occupations  # noqa: E402
from search import Document, EmbeddedBackend, Query  # noqa: E402

DATA = Path(os.environ.get("SHARED_DATA", ROOT.parent / "shared" / "data"))
TITLES = DATA / "csco_job_titles_zh_dev" / "titles_dev.csv"
ONET = DATA / "onet_29_2_en"
FOLDS = 5
SEED = 20261205

# CSCO 2022 detailed occupation -> O*NET 29.2 title of the same work (aligned by hand).
BRIDGE = (
    ("2-05-08-01", "Registered Nurses"),
    ("2-06-03-00", "Accountants and Auditors"),
    ("2-02-10-03", "Software Developers"),
    ("4-04-05-02", "Software Quality Assurance Analysts and Testers"),
    ("2-07-04-00", "Lawyers"),
    ("2-08-02-04", "Elementary School Teachers, Except Special Education"),
    ("2-08-02-01", "Secondary School Teachers, Except Special and Career/Technical Education"),
    ("6-18-02-04", "Welders, Cutters, Solderers, and Brazers"),
    ("4-07-05-01", "Security Guards"),
    ("4-07-04-01", "Tour Guides and Escorts"),
    ("2-05-06-01", "Pharmacists"),
    ("2-10-05-00", "Interpreters and Translators"),
    ("2-10-01-01", "News Analysts, Reporters, and Journalists"),
    ("2-10-02-01", "Editors"),
    ("3-02-03-01", "Firefighters"),
    ("2-06-10-01", "Actuaries"),
    ("2-07-02-00", "Judges, Magistrate Judges, and Magistrates"),
    ("4-10-01-06", "Maids and Housekeeping Cleaners"),
    ("2-09-07-01", "Coaches and Scouts"),
    ("2-09-02-02", "Actors"),
    ("2-09-02-04", "Dancers"),
    ("2-09-05-01", "Fine Artists, Including Painters, Sculptors, and Illustrators"),
    ("2-08-03-00", "Kindergarten Teachers, Except Special Education"),
    ("2-02-07-01", "Mechanical Engineers"),
    ("2-02-18-02", "Civil Engineers"),
    ("2-01-06-03", "Chemists"),
    ("2-02-38-03", "Data Scientists"),
    ("2-02-10-04", "Computer Network Architects"),
    ("2-06-08-01", "Human Resources Specialists"),
    ("4-01-01-00", "Purchasing Agents, Except Wholesale, Retail, and Farm Products"),
    ("4-02-05-01", "Laborers and Freight, Stock, and Material Movers, Hand"),
    ("6-02-01-01", "Bakers"),
    ("4-14-02-01", "Dietitians and Nutritionists"),
    ("2-05-01-13", "Anesthesiologists"),
    ("2-05-01-15", "Radiologists"),
    ("2-03-06-01", "Veterinarians"),
    ("4-10-03-01", "Skincare Specialists"),
    ("4-01-02-04", "Cashiers"),
    (
        "3-01-02-02",
        "Secretaries and Administrative Assistants, Except Legal, Medical, and Executive",
    ),
    ("2-05-01-05", "Ophthalmologists, Except Pediatric"),
    ("4-02-07-08", "Couriers and Messengers"),
    ("6-29-01-01", "Brickmasons and Blockmasons"),
    ("6-06-03-01", "Carpenters"),
    ("2-06-02-00", "Statisticians"),
    ("2-01-02-00", "Economists"),
    ("4-03-02-01", "Cooks, Restaurant"),
    ("2-06-07-02", "Market Research Analysts and Marketing Specialists"),
    ("4-14-01-02", "Nursing Assistants"),
    ("2-07-11-03", "Mental Health Counselors"),
    ("2-07-11-01", "Child, Family, and School Social Workers"),
    ("4-06-01-01", "Property, Real Estate, and Community Association Managers"),
    ("4-08-09-01", "Photographers"),
    ("2-09-04-03", "Graphic Designers"),
    ("4-02-02-01", "Taxi Drivers"),
    ("4-02-02-02", "Heavy and Tractor-Trailer Truck Drivers"),
    ("2-04-01-01", "Airline Pilots, Copilots, and Flight Engineers"),
    ("4-10-03-02", "Barbers"),
    ("2-05-01-07", "Dentists, General"),
    ("4-05-03-01", "Insurance Sales Agents"),
    ("4-04-05-03", "Customer Service Representatives"),
    ("2-05-07-13", "Physical Therapists"),
    ("4-10-01-03", "Childcare Workers"),
    ("4-05-01-01", "Tellers"),
)


# ------------------------------------------------------------------------------ data


@dataclass(frozen=True)
class Title:
    text: str
    code: str  # as labelled: a detailed occupation or a group (x-xx-xx-00, x-xx-00-00, ...)


def load_titles() -> list[Title]:
    """The labelled development titles (the 5 without a code are left out)."""
    with TITLES.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [Title(r["job_name"], r["expected_code"]) for r in rows if r["expected_code"]]


def folds(titles: Sequence[Title]) -> list[list[int]]:
    order = list(range(len(titles)))
    random.Random(SEED).shuffle(order)
    return [sorted(order[f::FOLDS]) for f in range(FOLDS)]


def group(code: str) -> str:
    """The level-3 group of a code: its first 7 characters."""
    return code[:7]


def significant(code: str) -> str:
    """A code without its trailing ``-00`` parts: a group label matches all its members."""
    while code.endswith("-00"):
        code = code[:-3]
    return code


# ------------------------------------------------------------------------------ (a) coding

Coder = Callable[[str, int], Sequence[matching.OccupationSuggestion]]  # best first


def fold_coders(titles: Sequence[Title]) -> list[tuple[list[int], Coder]]:
    """For each fold: its test indexes and a coder that never saw them."""
    out: list[tuple[list[int], Coder]] = []
    coder_class = getattr(matching, "OccupationCoder", None)
    for test in folds(titles):
        if coder_class is None:  # before: suggest_occupations learns nothing from titles

            def code(text: str, k: int) -> Sequence[matching.OccupationSuggestion]:
                return matching.suggest_occupations(text, k=k)

            out.append((test, code))
            continue
        held = set(test)
        train = [(t.text, t.code) for i, t in enumerate(titles) if i not in held]
        coder = coder_class(labelled=train)

        def code_with(
            text: str, k: int, coder: object = coder
        ) -> Sequence[matching.OccupationSuggestion]:
            return coder.suggest(text, k=k)  # type: ignore[attr-defined,no-any-return]

        out.append((test, code_with))
    return out


def bench_coding(titles: Sequence[Title]) -> dict[str, float]:
    top1 = top5 = 0
    started = time.perf_counter()
    for test, code in fold_coders(titles):
        for i in test:
            wanted = group(titles[i].code)
            got = [group(s.code) for s in code(titles[i].text, 5)]
            top1 += bool(got) and got[0] == wanted
            top5 += wanted in got[:5]
    n = len(titles)
    return {
        "n": n,
        "top1": top1 / n,
        "top5": top5 / n,
        "ms_per_title": 1000 * (time.perf_counter() - started) / n,
    }


# ------------------------------------------------------------------------------ (b) search


def bench_search(titles: Sequence[Title], encoder: matching.Encoder) -> dict[str, float]:

    occupations = [o for o in load_occupations() if o.level == 4]
    occupations_module = _app_occupations()
    tmp = tempfile.mkdtemp(prefix="bench-meaning-")
    backend = EmbeddedBackend(os.path.join(tmp, "s.sqlite3"))
    spec = DEMANDS.settings(encoder.dim)
    backend.ensure_index(spec)
    docs = []
    texts = [f"{o.name} {o.definition}" for o in occupations]
    vectors = encoder.encode(texts)
    for i, o in enumerate(occupations):
        fields = _demand_fields(i, o)
        docs.append(Document(str(i + 1), fields, vectors[i]))
    backend.upsert("demands", docs)
    found = 0
    started = time.perf_counter()
    query_vectors = encoder.encode([t.text for t in titles])
    for test, code in fold_coders(titles):
        for i in test:
            title = titles[i]
            vector = query_vectors[i]
            if occupations_module is not None:  # after: the app's query expansion
                vector = occupations_module.expand_vector(
                    title.text, vector, encoder.encode, suggest=code
                )
            query = Query(title.text, semantic_ratio=0.5, vector=vector, limit=10)
            page = backend.search("demands", query)
            wanted = significant(title.code)
            found += any(
                str(h.fields.get("occupation_code", "")).startswith(wanted[:7]) for h in page.hits
            )
    backend.close()
    n = len(titles)
    return {
        "n": n,
        "recall10": found / n,
        "ms_per_query": 1000 * (time.perf_counter() - started) / n,
    }


def _demand_fields(i: int, o: matching.Occupation) -> dict[str, object]:
    """What `app.searching.documents.demand_fields` makes of a demand coded with ``o``."""
    fields: dict[str, object] = {
        "enterprise_id": 1 + i % 50,
        "chamber_id": 1,
        "kind": "job",
        "title": o.name,
        "description": o.definition,
        "headcount": 1,
        "occupation_code": o.code,
        "status": "open",
    }
    module = _app_occupations()
    if module is not None:  # after: documents carry their occupation's names and aliases
        fields["occupation"] = module.occupation_text(o.code)
    return fields


def _app_occupations() -> Any:
    """``app.searching.occupations`` when the app has it (after), else None (before)."""
    try:
        import app.searching.occupations as module
    except ImportError:
        return None
    return module


# ------------------------------------------------------------------------------ (c) ranking


def _tasks(text: str, n: int = 3) -> list[str]:
    parts = [p.strip(" ；;。") for p in re.split(r"\d+\.", text) if p.strip(" ；;。")]
    return parts[:n]


def ranking_sets() -> dict[str, tuple[list[str], list[str]]]:
    """name -> (needs, profiles); need i and profile i are the same occupation."""
    rng = random.Random(SEED)
    by_code = {o.code: o for o in load_occupations()}
    zh = [
        o for o in by_code.values() if o.level == 4 and o.definition and len(_tasks(o.tasks)) >= 3
    ]
    zh = rng.sample(zh, 300)
    with (ONET / "occupation_data.tsv").open(encoding="utf-8") as fh:
        onet = {r["O*NET-SOC Code"]: r for r in csv.DictReader(fh, delimiter="\t")}
    tasks: dict[str, list[str]] = {}
    with (ONET / "task_statements.tsv").open(encoding="utf-8") as fh:
        rows = sorted(csv.DictReader(fh, delimiter="\t"), key=lambda r: r["Task Type"] != "Core")
    for r in rows:  # core tasks first
        tasks.setdefault(r["O*NET-SOC Code"], []).append(r["Task"])
    en_codes = [c for c in onet if len(tasks.get(c, ())) >= 3]
    en = [onet[c] for c in rng.sample(en_codes, 300)]
    by_title = {r["Title"]: r for r in onet.values()}

    def zh_need(o: matching.Occupation) -> str:
        return f"{o.name}：{o.definition}"

    def zh_profile(o: matching.Occupation) -> str:
        return "；".join(_tasks(o.tasks))

    def en_need(r: dict[str, str]) -> str:
        return f"{r['Title']}: {r['Description']}"

    def en_profile(r: dict[str, str]) -> str:
        return " ".join(tasks[r["O*NET-SOC Code"]][:3])

    bridge = [(by_code[c], by_title[t]) for c, t in BRIDGE]
    return {
        "zh": ([zh_need(o) for o in zh], [zh_profile(o) for o in zh]),
        "en": ([en_need(r) for r in en], [en_profile(r) for r in en]),
        "zh->en": ([zh_need(o) for o, _ in bridge], [en_profile(r) for _, r in bridge]),
        "en->zh": ([en_need(r) for _, r in bridge], [zh_profile(o) for o, _ in bridge]),
    }


def rank_scores(needs: np.ndarray, profiles: np.ndarray) -> dict[str, float]:
    sims = needs @ profiles.T
    right = np.diag(sims)
    ranks = 1 + (sims > right[:, None]).sum(axis=1)
    return {"n": len(right), "top1": float(np.mean(ranks == 1)), "mrr": float(np.mean(1 / ranks))}


def bench_ranking(encode: Callable[[list[str]], np.ndarray]) -> dict[str, dict[str, float]]:
    out = {}
    for name, (needs, profiles) in ranking_sets().items():
        out[name] = rank_scores(encode(needs), encode(profiles))
    total = sum(r["n"] for r in out.values())
    out["all"] = {
        "n": total,
        "top1": sum(r["top1"] * r["n"] for r in out.values()) / total,
        "mrr": sum(r["mrr"] * r["n"] for r in out.values()) / total,
    }
    return out


def _centred(encoder: matching.Encoder) -> Callable[[list[str]], np.ndarray]:
    """The encoder with a fixed per-language mean vector subtracted (then unit rows): the mean
    of CSCO names + definitions for Chinese text, of ESCO labels + descriptions for English
    (not the O*NET texts the pairs are built from)."""
    zh = [f"{o.name}：{o.definition}" for o in load_occupations() if o.definition]
    with (DATA / "esco_taxonomy_en" / "occupations_en.csv").open(encoding="utf-8") as fh:
        en = [f"{r['preferredLabel']}: {r['description']}" for r in csv.DictReader(fh)][:1500]
    means = {
        "zh": encoder.encode(zh).mean(axis=0),
        "en": encoder.encode(en).mean(axis=0),
    }

    def encode(texts: list[str]) -> np.ndarray:
        vectors = encoder.encode(texts).astype(np.float64)
        for i, text in enumerate(texts):
            cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
            vectors[i] -= means["zh" if cjk * 4 >= len(text) else "en"]
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    return encode


# ------------------------------------------------------------------------------ main


def cpu_name() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return platform.processor() or "unknown CPU"
    for line in out.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="a,b,c", help="comma-separated parts: a, b, c")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {cpu_name()}, "
        f"{os.cpu_count()} cores"
    )
    titles = load_titles()
    if "a" in parts:
        r = bench_coding(titles)
        print(
            f"(a) title -> level-3 group, {r['n']} titles, {FOLDS}-fold: "
            f"top-1 {r['top1']:.3f}, top-5 {r['top5']:.3f} ({r['ms_per_title']:.1f} ms/title)"
        )
    encoder = load_encoder() if parts & {"b", "c"} else None
    if "b" in parts:
        assert encoder is not None
        r = bench_search(titles, encoder)
        print(
            f"(b) search recall@10, {r['n']} titles over 1,634 occupation demands: "
            f"{r['recall10']:.3f} ({r['ms_per_query']:.1f} ms/query)"
        )
    if "c" in parts:
        assert encoder is not None
        variants = (("USE", encoder.encode), ("USE - language mean", _centred(encoder)))
        for label, encode in variants:
            for name, r in bench_ranking(encode).items():
                print(
                    f"(c) {label}: ranking {name:7s} n={r['n']:4d}: "
                    f"top-1 {r['top1']:.3f}, MRR {r['mrr']:.3f}"
                )


if __name__ == "__main__":
    main()
