"""The two indexes the app uses, as plain data: talents (supply) and demands (enterprise needs).

The app builds each document with exactly these field names. Anything else, in particular
contact details (phone, email, ID number), is dropped by the backend before indexing.
Vectors are sized by the encoder, so the app sets ``vector_dimensions`` when it knows it::

    spec = dataclasses.replace(TALENTS, vector_dimensions=encoder.dimensions)

``updated_at`` (unix seconds) is an addition to the issue's field lists, to sort lists by
recency.
"""

from __future__ import annotations

from search.base import IndexSpec

__all__ = ["DEMANDS", "EDUCATION_LEVELS", "TALENTS"]

#: Education levels, lowest first, as the app stores them.
EDUCATION_LEVELS = ("high_school", "associate", "bachelor", "master", "doctor")

TALENTS = IndexSpec(
    name="talents",
    fields={
        "organization_id": "int",  # the agency that submitted the profile
        "name": "text",
        "education": "keyword",
        "school": "keyword",
        "major": "keyword",
        "professional_title": "keyword",
        "employer": "keyword",
        "position": "text",
        "years_experience": "int",
        "skills": "keywords",
        "languages": "keywords",
        "summary": "text",
        "preferred_locations": "keywords",
        "expected_salary": "int",
        "is_returnee": "bool",
        "is_foreign_national": "bool",
        "nationality": "keyword",
        "occupation_code": "keyword",
        "occupation": "text",  # the occupation's name, aliases and group name
        "status": "keyword",
        "updated_at": "int",
    },
    searchable={
        "name": 3,
        "skills": 3,
        "position": 2,
        "major": 2,
        "professional_title": 2,
        "school": 1,
        "employer": 1,
        "summary": 1,
        "occupation": 1,
        "languages": 1,
        "preferred_locations": 1,
        "nationality": 1,
    },
    filterable=(
        "organization_id",
        "education",
        "school",
        "major",
        "professional_title",
        "employer",
        "years_experience",
        "skills",
        "languages",
        "preferred_locations",
        "expected_salary",
        "is_returnee",
        "is_foreign_national",
        "nationality",
        "occupation_code",
        "status",
    ),
    sortable=("years_experience", "expected_salary", "updated_at"),
    facets=(
        "organization_id",
        "education",
        "professional_title",
        "skills",
        "languages",
        "preferred_locations",
        "is_returnee",
        "is_foreign_national",
        "nationality",
        "occupation_code",
        "status",
    ),
    snippet_fields=("summary", "position"),
)

DEMANDS = IndexSpec(
    name="demands",
    fields={
        "enterprise_id": "int",
        "chamber_id": "int",  # the chamber of commerce (organization) that posted it
        "enterprise_name": "keyword",
        "industry": "keyword",  # GB/T 4754 section letter
        "district": "keyword",
        "kind": "keyword",  # job, project, leading_talent
        "title": "text",
        "description": "text",
        "headcount": "int",
        "occupation_code": "keyword",
        "occupation": "text",  # the occupation's name, aliases and group name
        "min_education": "keyword",
        "majors": "keywords",
        "min_years_experience": "int",
        "required_skills": "keywords",
        "preferred_skills": "keywords",
        "languages": "keywords",
        "work_location": "keyword",
        "salary_min": "int",
        "salary_max": "int",
        "overseas_required": "bool",
        "status": "keyword",  # draft, open, paused, filled, closed
        "updated_at": "int",
    },
    searchable={
        "title": 3,
        "required_skills": 3,
        "enterprise_name": 2,
        "majors": 2,
        "preferred_skills": 2,
        "description": 1,
        "occupation": 1,
        "district": 1,
        "work_location": 1,
        "languages": 1,
    },
    filterable=(
        "enterprise_id",
        "chamber_id",
        "enterprise_name",
        "industry",
        "district",
        "kind",
        "headcount",
        "occupation_code",
        "min_education",
        "majors",
        "min_years_experience",
        "required_skills",
        "preferred_skills",
        "languages",
        "work_location",
        "salary_min",
        "salary_max",
        "overseas_required",
        "status",
    ),
    sortable=(
        "headcount",
        "min_years_experience",
        "salary_min",
        "salary_max",
        "updated_at",
    ),
    facets=(
        "chamber_id",
        "industry",
        "district",
        "kind",
        "min_education",
        "majors",
        "required_skills",
        "languages",
        "work_location",
        "overseas_required",
        "status",
    ),
    snippet_fields=("description", "title"),
)
