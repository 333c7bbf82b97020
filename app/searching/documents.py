"""Index documents built from talents and demands, with the fields of `app.searching.indexes`.

Contact fields (phone, e-mail, ID number hash) are never put in a document. Every string is
scrubbed (`app.text.scrub_text`): a row stored before the text rule must not stop the index.
"""

from __future__ import annotations

from typing import Any

from app.models import Demand, Talent
from app.models.enums import DemandStatus
from app.searching.occupations import occupation_text
from app.text import scrub_text

# Agencies search every demand but drafts; a list filter expresses "not draft".
PUBLISHED_STATUSES = [s.value for s in DemandStatus if s is not DemandStatus.draft]


def _safe(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value, multiline=True)
    if isinstance(value, list):
        return [_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    return value


def _ts(value: Any) -> int:
    return int(value.timestamp()) if value is not None else 0


def talent_fields(t: Talent) -> dict[str, Any]:
    return _safe(_talent_fields(t))  # type: ignore[no-any-return]


def _talent_fields(t: Talent) -> dict[str, Any]:
    return {
        "organization_id": t.organization_id,
        "name": t.name,
        "education": t.education,
        "school": t.school,
        "major": t.major,
        "professional_title": t.professional_title,
        "employer": t.employer,
        "position": t.position,
        "years_experience": t.years_experience,
        "skills": list(t.skills or []),
        "languages": list(t.languages or []),
        "summary": t.summary or "",
        "preferred_locations": list(t.preferred_locations or []),
        "expected_salary": t.expected_salary,
        "is_returnee": bool(t.is_returnee),
        "is_foreign_national": bool(t.is_foreign_national),
        "nationality": t.nationality,
        "occupation_code": t.occupation_code,
        "occupation": occupation_text(t.occupation_code),
        "status": t.status,
        "updated_at": _ts(t.updated_at),
    }


def talent_text(t: Talent) -> str:
    """The text whose meaning is embedded: what the person does and knows."""
    parts = [t.position, t.major, t.professional_title, " ".join(t.skills or []), t.summary]
    return scrub_text(" ".join(p for p in parts if p), multiline=False, replacement=" ")


def demand_fields(d: Demand) -> dict[str, Any]:
    return _safe(_demand_fields(d))  # type: ignore[no-any-return]


def _demand_fields(d: Demand) -> dict[str, Any]:
    e = d.enterprise
    return {
        "enterprise_id": d.enterprise_id,
        "chamber_id": e.chamber_id,
        "enterprise_name": e.name,
        "industry": e.industry,
        "district": e.district,
        "kind": d.kind,
        "title": d.title,
        "description": d.description or "",
        "headcount": d.headcount,
        "occupation_code": d.occupation_code,
        "occupation": occupation_text(d.occupation_code),
        "min_education": d.min_education,
        "majors": list(d.majors or []),
        "min_years_experience": d.min_years_experience,
        "required_skills": list(d.required_skills or []),
        "preferred_skills": list(d.preferred_skills or []),
        "languages": list(d.languages or []),
        "work_location": d.work_location,
        "salary_min": d.salary_min,
        "salary_max": d.salary_max,
        "overseas_required": bool(d.overseas_required),
        "status": d.status,
        "updated_at": _ts(d.updated_at),
    }


def demand_text(d: Demand) -> str:
    parts = [
        d.title,
        " ".join(d.majors or []),
        " ".join(d.required_skills or []),
        " ".join(d.preferred_skills or []),
        d.description,
    ]
    return scrub_text(" ".join(p for p in parts if p), multiline=False, replacement=" ")
