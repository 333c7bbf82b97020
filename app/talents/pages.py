"""Talent pages: list with filters, detail, create and edit forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import talents as policy
from app.access.policies.talents import TalentAction
from app.context import app_context
from app.crud_pages import CrudPages, install
from app.enterprises.pages import org_choices
from app.forms import (
    EDUCATION,
    FormField,
    display_value,
    enum_choices,
    list_field,
    sectioned,
)
from app.i18n import enum_label, translate
from app.models import Talent
from app.models.enums import Gender, Side, TalentStatus
from app.talents import service
from app.talents.schemas import TalentCreate, TalentRead, TalentUpdate

router = APIRouter(include_in_schema=False)

GENDERS = enum_choices("gender", [g.value for g in Gender])
STATUSES = enum_choices("talent_status", [s.value for s in TalentStatus])
DEFAULT_CONSENT_SCOPE = "同意人才办在人才超市内用于岗位匹配与对接"


def _fields(session: Session, viewer: Viewer) -> list[FormField]:
    basic: list[FormField] = []
    if policy.chooses_agency(viewer):
        basic.append(
            FormField(
                "organization_id",
                "select",
                required=True,
                choices=org_choices(session, Side.supply),
            )
        )
    basic += [
        FormField(
            "name", required=True, max_length=100, label_key="field.talent_name", autocomplete="off"
        ),
        FormField("gender", "select", choices=GENDERS),
        FormField("birth_year", "number", attrs={"min": "1900"}),
        FormField("is_returnee", "checkbox"),
        FormField("is_foreign_national", "checkbox"),
        FormField("nationality", max_length=100),
        FormField("external_key", max_length=64),
        FormField("status", "select", required=True, choices=STATUSES),
    ]
    return sectioned(
        [
            ("section.basic", basic),
            (
                "section.education_work",
                [
                    FormField("education", "select", choices=EDUCATION),
                    FormField("school", max_length=100),
                    FormField("major", max_length=100),
                    FormField("professional_title", max_length=100),
                    FormField("employer", max_length=200),
                    FormField("position", max_length=100),
                    FormField("years_experience", "number", attrs={"min": "0"}),
                    FormField("occupation_code", max_length=12, help_key="help.occupation_code"),
                ],
            ),
            (
                "section.skills_wishes",
                [
                    list_field("skills"),
                    list_field("languages"),
                    FormField("summary", "textarea", max_length=5000),
                    list_field("preferred_locations"),
                    FormField("expected_salary", "number", attrs={"min": "0"}),
                ],
            ),
            (
                "section.contact_consent",
                [
                    FormField(
                        "phone", max_length=30, autocomplete="off", attrs={"inputmode": "tel"}
                    ),
                    FormField(
                        "email", max_length=254, autocomplete="off", attrs={"inputmode": "email"}
                    ),
                    FormField(
                        "id_number", max_length=30, help_key="help.id_number", autocomplete="off"
                    ),
                    FormField("consent_date", "date", required=True, help_key="help.consent"),
                    FormField("consent_scope", max_length=500),
                ],
            ),
        ]
    )


def _filters(session: Session, viewer: Viewer) -> list[FormField]:
    filters = [
        FormField("q", label_key="field.q"),
        FormField("education", "select", choices=EDUCATION),
        FormField("status", "select", choices=STATUSES),
    ]
    if policy.shows_organization(viewer):
        filters.append(
            FormField("organization_id", "select", choices=org_choices(session, Side.supply))
        )
    return filters


def _row(t: Talent, viewer: Viewer, locale: str) -> list[str]:
    return [
        t.name,
        enum_label("education", t.education, locale),
        t.major or "",
        t.position or "",
        t.organization.display_name(locale),
        enum_label("talent_status", t.status, locale),
    ]


def _yes_no(value: bool, locale: str) -> str:
    return translate(f"enum.bool.{str(value).lower()}", locale)


def _detail(t: Talent, viewer: Viewer, locale: str) -> tuple[str, list[tuple[str, Any]]]:
    r = TalentRead.of(t, viewer, locale)
    return r.name, [
        ("field.organization", r.organization_name),
        ("field.status", enum_label("talent_status", r.status, locale)),
        ("field.gender", enum_label("gender", r.gender, locale)),
        ("field.birth_year", r.birth_year),
        ("field.education", enum_label("education", r.education, locale)),
        ("field.school", r.school),
        ("field.major", r.major),
        ("field.professional_title", r.professional_title),
        ("field.employer", r.employer),
        ("field.position", r.position),
        ("field.years_experience", r.years_experience),
        ("field.skills", "、".join(r.skills)),
        ("field.languages", "、".join(r.languages)),
        ("field.summary", r.summary),
        ("field.preferred_locations", "、".join(r.preferred_locations)),
        ("field.expected_salary", r.expected_salary),
        ("field.occupation_code", r.occupation_code),
        ("field.is_returnee", _yes_no(r.is_returnee, locale)),
        ("field.is_foreign_national", _yes_no(r.is_foreign_national, locale)),
        ("field.nationality", r.nationality),
        ("field.phone", r.phone),
        ("field.email", r.email),
        ("field.id_number_on_file", _yes_no(r.has_id_number, locale)),
        ("field.consent_date", r.consent_date.isoformat() if r.consent_date else None),
        ("field.consent_scope", r.consent_scope),
        ("field.external_key", r.external_key),
    ]


def _edit_values(t: Talent) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: display_value(getattr(t, name, None)) for name in TalentCreate.model_fields
    }
    values["id_number"] = ""  # never shown back: only its hash exists
    values["is_returnee"], values["is_foreign_national"] = t.is_returnee, t.is_foreign_national
    return values


def _id_key(request: Request) -> str:
    return str(app_context(request).settings.id_hash_key.get_secret_value())


install(
    router,
    CrudPages(
        base="/talents",
        title_key="title.talents",
        new_label_key="action.new_talent",
        create_schema=TalentCreate,
        update_schema=TalentUpdate,
        fields=_fields,
        filters=_filters,
        columns=[
            "field.talent_name",
            "field.education",
            "field.major",
            "field.position",
            "field.organization",
            "field.status",
        ],
        row=_row,
        detail=_detail,
        list=service.list_talents,
        get=service.get_talent,
        create=lambda s, v, data, request: service.create_talent(
            s, v, data, id_key=_id_key(request)
        ),
        update=lambda s, v, i, data, request: service.update_talent(
            s, v, i, data, id_key=_id_key(request)
        ),
        delete=service.delete_talent,
        can_create=lambda v: policy.can(v, TalentAction.create),
        can_edit=lambda v: policy.can(v, TalentAction.update),
        can_delete=lambda v: policy.can(v, TalentAction.delete),
        int_filters=frozenset({"organization_id"}),
        update_exclude=frozenset({"organization_id"}),
        edit_values=_edit_values,
        # the erasure-on-request button, for the talent's agency and office admins
        extra_detail=lambda t, v: (
            {"erase_url": f"/talents/{t.id}/erase"} if policy.can(v, TalentAction.erase, t) else {}
        ),
        new_defaults=lambda: {
            "status": "active",
            "consent_date": dt.date.today().isoformat(),
            "consent_scope": DEFAULT_CONSENT_SCOPE,
        },
    ),
)
