"""The pure step of a match run: plain profiles in, ranked explained rows out, no database."""

from __future__ import annotations

import matching
from app.matchruns.compute import RunInputs, compute_run


def inputs(**overrides: object) -> RunInputs:
    talents = tuple(
        matching.TalentProfile(
            100 + i,
            text=f"Python 数据分析 {i}",
            skills=("Python", "SQL") if i % 2 else ("Java",),
            years_experience=i,
        )
        for i in range(6)
    )
    demands = (
        matching.DemandProfile(1, text="Python 数据分析师", required_skills=("Python",)),
        matching.DemandProfile(2, text="Java 开发", required_skills=("Java",), headcount=2),
    )
    values: dict[str, object] = {"talents": talents, "demands": demands, "min_score": 0.0}
    values.update(overrides)
    return RunInputs(**values)  # type: ignore[arg-type]


def test_same_inputs_same_rows_and_stages_reported_in_order() -> None:
    stages: list[str] = []
    first = compute_run(inputs(), matching.HashingEncoder(), progress=lambda _, s: stages.append(s))
    second = compute_run(inputs(), matching.HashingEncoder())
    assert first == second
    assert stages == ["encoding", "candidates", "scoring", "assignment", "explaining"]
    assert first.summary["proposed"] == 3
    for demand_id in (1, 2):
        ranks = [r.rank for r in first.rows if r.demand_id == demand_id]
        assert ranks == list(range(1, len(ranks) + 1))


def test_decisions_lock_forbid_and_approve_pairs() -> None:
    plain = compute_run(inputs(), matching.HashingEncoder())
    proposed = next(r for r in plain.rows if r.is_proposed and r.demand_id == 1)
    other = next(r for r in plain.rows if not r.is_proposed and r.demand_id == 2)
    decided = compute_run(
        inputs(
            decisions=(
                (proposed.demand_id, proposed.talent_id, "forbid"),
                (other.demand_id, other.talent_id, "approve"),
            )
        ),
        matching.HashingEncoder(),
    )
    pairs = {(r.demand_id, r.talent_id): r for r in decided.rows}
    assert (proposed.demand_id, proposed.talent_id) not in pairs
    kept = pairs[(other.demand_id, other.talent_id)]
    assert (kept.is_proposed, kept.status) == (True, "approved")


def test_nothing_to_match_is_an_empty_result() -> None:
    result = compute_run(inputs(talents=()), matching.HashingEncoder())
    assert result.rows == ()
    assert result.summary["assignment_status"] == "empty"
