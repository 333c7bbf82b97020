"""Demand pages: list with filters, detail, create and edit forms."""

from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import demands as policy
from app.access.policies import enterprises as enterprise_policy
from app.access.policies.demands import DemandAction
from app.crud_pages import CrudPages, install
from app.demands import service
from app.demands.schemas import DemandCreate, DemandRead, DemandUpdate
from app.forms import EDUCATION, FormField, enum_choices, list_field, sectioned
from app.i18n import enum_label, translate
from app.models import Demand, Enterprise
from app.models.enums import DemandKind, DemandStatus
from matching import load_occupations

router = APIRouter(include_in_schema=False)

KINDS = enum_choices("demand_kind", [k.value for k in DemandKind])
STATUSES = enum_choices("demand_status", [s.value for s in DemandStatus])
# Archiving is what deleting a demand with history does, never a status typed into the form.
FORM_STATUSES = enum_choices(
    "demand_status", [s.value for s in DemandStatus if s is not DemandStatus.archived]
)


def _fields(session: Session, viewer: Viewer) -> list[FormField]:
    basic: list[FormField] = []
    if policy.own_enterprise(viewer) is None:  # an enterprise user posts for its own
        enterprises = [
            (str(e.id), e.name)
            for e in session.scalars(
                enterprise_policy.listed(viewer).order_by(Enterprise.name).limit(2000)
            )
        ]
        basic.append(
            FormField("enterprise_id", "select", required=True, choices=lambda locale: enterprises)
        )
    basic += [
        FormField("kind", "select", required=True, choices=KINDS),
        FormField("title", required=True, max_length=200),
        FormField("description", "textarea", max_length=5000),
        FormField("headcount", "number", required=True, attrs={"min": "1"}),
        FormField("status", "select", required=True, choices=FORM_STATUSES),
        FormField("deadline", "date"),
    ]
    return sectioned(
        [
            ("section.demand", basic),
            (
                "section.requirements",
                [
                    FormField("occupation_code", max_length=12, help_key="help.occupation_code"),
                    FormField("min_education", "select", choices=EDUCATION),
                    list_field("majors"),
                    FormField("min_years_experience", "number", attrs={"min": "0"}),
                    list_field("required_skills"),
                    list_field("preferred_skills"),
                    list_field("languages"),
                    FormField("overseas_required", "checkbox"),
                ],
            ),
            (
                "section.terms",
                [
                    FormField("work_location", max_length=100),
                    FormField("salary_min", "number", attrs={"min": "0"}),
                    FormField("salary_max", "number", attrs={"min": "0"}),
                ],
            ),
        ]
    )


def _filters(session: Session, viewer: Viewer) -> list[FormField]:
    return [
        FormField("q", label_key="field.q"),
        FormField("status", "select", choices=STATUSES),
        FormField("kind", "select", choices=KINDS),
        FormField("min_education", "select", choices=EDUCATION),
    ]


def salary_text(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return ""
    return f"{low if low is not None else '?'}–{high if high is not None else '?'}"


@functools.cache
def _occupation_names() -> dict[str, str]:
    return {o.code: o.name for o in load_occupations()}


def occupation_text(code: str | None) -> str:
    """A CSCO code with its occupation's name (a bare code says nothing to a clerk)."""
    if not code:
        return ""
    name = _occupation_names().get(code)
    return f"{name}（{code}）" if name else code


def _row(d: Demand, viewer: Viewer, locale: str) -> list[str]:
    return [
        d.title,
        d.enterprise.name,
        enum_label("demand_kind", d.kind, locale),
        str(d.headcount),
        enum_label("demand_status", d.status, locale),
        d.deadline.isoformat() if d.deadline else "",
    ]


def _detail(d: Demand, viewer: Viewer, locale: str) -> tuple[str, list[tuple[str, Any]]]:
    r = DemandRead.of(d)
    yes_no = translate(f"enum.bool.{str(r.overseas_required).lower()}", locale)
    return r.title, [
        ("field.enterprise", r.enterprise_name),
        ("field.kind", enum_label("demand_kind", r.kind, locale)),
        ("field.status", enum_label("demand_status", r.status, locale)),
        ("field.headcount", r.headcount),
        ("field.hired_count", r.hired_count),
        ("field.description", r.description),
        ("field.occupation_code", occupation_text(r.occupation_code)),
        ("field.min_education", enum_label("education", r.min_education, locale)),
        ("field.majors", "、".join(r.majors)),
        ("field.min_years_experience", r.min_years_experience),
        ("field.required_skills", "、".join(r.required_skills)),
        ("field.preferred_skills", "、".join(r.preferred_skills)),
        ("field.languages", "、".join(r.languages)),
        ("field.work_location", r.work_location),
        ("field.salary_range", salary_text(r.salary_min, r.salary_max)),
        ("field.overseas_required", yes_no),
        ("field.deadline", r.deadline.isoformat() if r.deadline else None),
        ("field.industry", enum_label("industry", r.industry, locale)),
        ("field.district", r.district),
    ]


install(
    router,
    CrudPages(
        base="/demands",
        title_key="title.demands",
        new_label_key="action.new_demand",
        create_schema=DemandCreate,
        update_schema=DemandUpdate,
        fields=_fields,
        filters=_filters,
        columns=[
            "field.title",
            "field.enterprise",
            "field.kind",
            "field.headcount",
            "field.status",
            "field.deadline",
        ],
        row=_row,
        detail=_detail,
        list=service.list_demands,
        get=service.get_demand,
        create=lambda s, v, data, request: service.create_demand(s, v, data),
        update=lambda s, v, i, data, request: service.update_demand(s, v, i, data),
        delete=service.delete_demand,
        can_create=lambda v: policy.can(v, DemandAction.create),
        can_edit=lambda v: policy.can(v, DemandAction.update),
        can_delete=lambda v: policy.can(v, DemandAction.delete),
        update_exclude=frozenset({"enterprise_id"}),
        new_defaults=lambda: {"kind": "job", "headcount": "1", "status": "open"},
    ),
)
