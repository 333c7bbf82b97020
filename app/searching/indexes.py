"""Each search index described once: what its documents hold, what a query may ask, who sees what,
and what a hit shows.

Everything else reads these two descriptions: the indexer (the backend's settings, as plain
`search.IndexSpec` data), the search API and its export (the query model), the search pages (the
same query model, the facets, the labels and the hit card) and the scope (the access policies'
``search_filters``). To add a filter, add a `Filter` here: the index makes its field filterable,
the API and the pages accept its parameter, and the page keeps it in the form.

``updated_at`` (unix seconds) sorts lists by recency. Contact details (phone, e-mail, ID number)
are in no field list, so the backend drops them before indexing.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

import search
from app.access import Viewer
from app.access.policies import demands as demand_policy
from app.access.policies import talents as talent_policy
from app.models.enums import DemandKind, DemandStatus, Education, TalentStatus

Index = Literal["talents", "demands"]

Text = Annotated[str | None, Field(max_length=100)]
Code = Annotated[str | None, Field(max_length=12)]
Years = Annotated[int | None, Field(ge=0, le=70)]
Money = Annotated[int | None, Field(ge=0, le=10_000_000)]


@dataclass(frozen=True)
class Filter:
    """One query parameter and the index field it filters: equal to the value (a list: any of
    them), or the lower (``gte``) or upper (``lte``) bound of a range."""

    param: str
    field: str
    type: Any  # the parameter's annotation, validated by pydantic
    bound: Literal["eq", "gte", "lte"] = "eq"


@dataclass(frozen=True)
class HitCard:
    """What a hit shows on the search page: a title, a subtitle joined from fields (labelled
    like facets), a few tags from a list field, and the link to the record."""

    title: str
    subtitle: tuple[str, ...]
    tags: str
    url: str  # with {id}


@dataclass(frozen=True)
class IndexSpec:
    """One search index, described once (see the module docstring).

    ``filterable`` names fields filterable beyond those of ``filters`` (matching candidates and
    the scope filter on them); ``facetable`` the fields the index can count, ``facets`` those
    the search asks for and the page shows; ``labels`` maps a field to its enum label group
    (``organization`` for an organisation id, ``yes_no`` for a flag).
    """

    name: Index
    summary: str
    fields: Mapping[str, search.FieldKind]
    searchable: Mapping[str, int]
    filters: tuple[Filter, ...]
    filterable: tuple[str, ...]
    sortable: tuple[str, ...]
    sorts: tuple[str, ...]
    facetable: tuple[str, ...]
    facets: tuple[str, ...]
    snippet_fields: tuple[str, ...]
    labels: Mapping[str, str]
    card: HitCard
    scope: Callable[[Viewer, dict[str, Any]], dict[str, Any]]
    facet_visible: Mapping[str, Callable[[Viewer], bool]]

    def settings(self, vector_dimensions: int | None = None) -> search.IndexSpec:
        """The backend's settings, as the `search` library's plain data."""
        filterable = (*self.filterable, *(f.field for f in self.filters))
        return search.IndexSpec(
            name=self.name,
            fields=dict(self.fields),
            searchable=dict(self.searchable),
            filterable=tuple(dict.fromkeys(filterable)),
            sortable=self.sortable,
            facets=self.facetable,
            snippet_fields=self.snippet_fields,
            vector_dimensions=vector_dimensions,
        )

    @cached_property
    def query_model(self) -> type[SearchQuery]:
        """The query's pydantic model, used by the API, the export and the pages."""
        sort: Any = Literal.__getitem__(self.sorts)
        fields: dict[str, Any] = {f.param: (f.type, None) for f in self.filters}
        fields["sort"] = (sort | None, Field(None, description=", ".join(self.sorts)))
        model = create_model(
            f"{self.name.capitalize()[:-1]}Search",
            __base__=SearchQuery,
            __doc__=self.summary,
            **fields,
        )
        model.spec = self
        return typing.cast(type[SearchQuery], model)

    def param_of(self, field: str) -> str | None:
        """The query parameter that filters a facet field by equality."""
        return next((f.param for f in self.filters if f.field == field and f.bound == "eq"), None)


class SearchQuery(BaseModel):
    """What every search asks; each index's model adds its filters (`IndexSpec.query_model`)."""

    # Unknown parameters (lang, a bookmarked old filter) are ignored, as on every list.
    model_config = ConfigDict(extra="ignore")
    spec: ClassVar[IndexSpec]

    q: str = Field("", max_length=1000)
    semantic_ratio: float = Field(0.5, ge=0, le=1)
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)
    sort: str | None = None

    def filters(self) -> dict[str, Any]:
        """The asked filters by index field; bounds of one field joined into a range."""
        out: dict[str, Any] = {}
        bounds: dict[str, dict[str, Any]] = {}
        for f in self.spec.filters:
            value = getattr(self, f.param)
            if isinstance(value, list):
                value = [_plain(v) for v in value] or None
            if value is None:
                continue
            if f.bound == "eq":
                out[f.field] = _plain(value)
            else:
                bounds.setdefault(f.field, {})[f.bound] = value
        for name, b in bounds.items():
            out[name] = search.Range(gte=b.get("gte"), lte=b.get("lte"))
        return out

    @classmethod
    def list_params(cls) -> frozenset[str]:
        """Parameters that may repeat (``education=master&education=doctor``)."""
        return frozenset(n for n, f in cls.model_fields.items() if _is_list(f.annotation))


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _is_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is list:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_is_list(a) for a in typing.get_args(annotation))
    return False


TALENTS = IndexSpec(
    name="talents",
    summary="Talents (supply side). Agencies see only their own; demand-side users are refused.",
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
    filters=(
        Filter("organization_id", "organization_id", int | None),
        Filter("education", "education", list[Education] | None),
        Filter("major", "major", Text),
        Filter("location", "preferred_locations", Text),
        Filter("skill", "skills", Text),
        Filter("occupation_code", "occupation_code", Code),
        Filter("status", "status", TalentStatus | None),
        Filter("is_returnee", "is_returnee", bool | None),
        Filter("min_years", "years_experience", Years, "gte"),
        Filter("max_years", "years_experience", Years, "lte"),
        Filter("salary_min", "expected_salary", Money, "gte"),
        Filter("salary_max", "expected_salary", Money, "lte"),
    ),
    filterable=(
        "school",
        "professional_title",
        "employer",
        "languages",
        "is_foreign_national",
        "nationality",
    ),
    sortable=("years_experience", "expected_salary", "updated_at"),
    sorts=(
        "years_experience:desc",
        "years_experience:asc",
        "expected_salary:asc",
        "expected_salary:desc",
        "updated_at:desc",
    ),
    facetable=(
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
    facets=(
        "organization_id",
        "education",
        "preferred_locations",
        "skills",
        "is_returnee",
        "status",
    ),
    snippet_fields=("summary", "position"),
    labels={
        "organization_id": "organization",
        "education": "education",
        "status": "talent_status",
        "is_returnee": "yes_no",
    },
    card=HitCard(
        title="name",
        subtitle=("position", "employer", "education", "major"),
        tags="skills",
        url="/talents/{id}",
    ),
    scope=talent_policy.search_filters,
    facet_visible={"organization_id": talent_policy.shows_organization},
)

DEMANDS = IndexSpec(
    name="demands",
    summary=(
        "Demands. Chambers see their members', enterprises their own, agencies every published "
        "(non-draft) demand. ``max_years`` keeps demands asking at most that many years; "
        "``salary_min``/``salary_max`` keep demands whose range reaches into the given one."
    ),
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
    filters=(
        Filter("kind", "kind", DemandKind | None),
        Filter("status", "status", DemandStatus | None),
        Filter("chamber_id", "chamber_id", int | None),
        Filter("enterprise_id", "enterprise_id", int | None),
        Filter("industry", "industry", Annotated[str | None, Field(max_length=1)]),
        Filter("district", "district", Text),
        Filter("min_education", "min_education", list[Education] | None),
        Filter("major", "majors", Text),
        Filter("location", "work_location", Text),
        Filter("skill", "required_skills", Text),
        Filter("occupation_code", "occupation_code", Code),
        Filter("overseas_required", "overseas_required", bool | None),
        Filter("max_years", "min_years_experience", Years, "lte"),
        Filter("salary_min", "salary_max", Money, "gte"),
        Filter("salary_max", "salary_min", Money, "lte"),
    ),
    filterable=("enterprise_name", "headcount", "preferred_skills", "languages"),
    sortable=("headcount", "min_years_experience", "salary_min", "salary_max", "updated_at"),
    sorts=(
        "updated_at:desc",
        "salary_max:desc",
        "salary_min:asc",
        "headcount:desc",
        "min_years_experience:asc",
    ),
    facetable=(
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
    facets=(
        "kind",
        "status",
        "industry",
        "district",
        "min_education",
        "work_location",
        "chamber_id",
    ),
    snippet_fields=("description", "title"),
    labels={
        "chamber_id": "organization",
        "kind": "demand_kind",
        "industry": "industry",
        "min_education": "education",
        "status": "demand_status",
        "overseas_required": "yes_no",
    },
    card=HitCard(
        title="title",
        subtitle=("enterprise_name", "kind", "work_location", "status"),
        tags="required_skills",
        url="/demands/{id}",
    ),
    scope=demand_policy.search_filters,
    facet_visible={"chamber_id": demand_policy.shows_chamber},
)

INDEXES: Mapping[Index, IndexSpec] = {"talents": TALENTS, "demands": DEMANDS}

if TYPE_CHECKING:
    TalentSearch = SearchQuery
    DemandSearch = SearchQuery
else:
    TalentSearch = TALENTS.query_model
    DemandSearch = DEMANDS.query_model
