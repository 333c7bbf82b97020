"""Enterprise pages: list with filters, detail, create and edit forms."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import enterprises as policy
from app.access.policies.enterprises import EnterpriseAction
from app.crud_pages import CrudPages, install
from app.enterprises import service
from app.enterprises.schemas import EnterpriseCreate, EnterpriseRead, EnterpriseUpdate
from app.forms import Choices, FormField, enum_choices
from app.i18n import enum_label
from app.models import Enterprise, Organization
from app.models.enums import INDUSTRY_SECTIONS, EnterpriseSize, Side

router = APIRouter(include_in_schema=False)

INDUSTRY = enum_choices("industry", INDUSTRY_SECTIONS)
SIZES = enum_choices("size", [s.value for s in EnterpriseSize])


def org_choices(session: Session, side: Side) -> Choices:
    orgs = [
        (str(o.id), o.name_zh, o.name_en)
        for o in session.scalars(select(Organization).where(Organization.side == side.value))
    ]
    return lambda locale: [(i, en if locale == "en" else zh) for i, zh, en in orgs]


def _fields(session: Session, viewer: Viewer) -> list[FormField]:
    fields = [
        FormField("name", required=True, max_length=200),
        FormField(
            "credit_code",
            required=True,
            max_length=18,
            help_key="help.credit_code",
            attrs={"spellcheck": "false"},
        ),
        FormField("industry", "select", required=True, choices=INDUSTRY),
        FormField("district", required=True, max_length=100),
        FormField("size", "select", required=True, choices=SIZES),
        FormField("contact_name", required=True, max_length=100),
        FormField(
            "contact_phone",
            required=True,
            max_length=30,
            autocomplete="tel",
            attrs={"inputmode": "tel"},
        ),
    ]
    if policy.chooses_chamber(viewer):
        fields.append(
            FormField(
                "chamber_id", "select", required=True, choices=org_choices(session, Side.demand)
            )
        )
    return fields


def _filters(session: Session, viewer: Viewer) -> list[FormField]:
    return [
        FormField("q", label_key="field.q"),
        FormField("industry", "select", choices=INDUSTRY),
        FormField("size", "select", choices=SIZES),
    ]


def _row(e: Enterprise, viewer: Viewer, locale: str) -> list[str]:
    return [
        e.name,
        enum_label("industry", e.industry, locale),
        e.district,
        enum_label("size", e.size, locale),
        e.chamber.display_name(locale),
    ]


def _detail(e: Enterprise, viewer: Viewer, locale: str) -> tuple[str, list[tuple[str, Any]]]:
    r = EnterpriseRead.of(e, viewer, locale)
    return r.name, [
        ("field.credit_code", r.credit_code),
        ("field.industry", enum_label("industry", r.industry, locale)),
        ("field.district", r.district),
        ("field.size", enum_label("size", r.size, locale)),
        ("field.contact_name", r.contact_name),
        ("field.contact_phone", r.contact_phone),
        ("field.chamber", r.chamber_name),
    ]


install(
    router,
    CrudPages(
        base="/enterprises",
        title_key="title.enterprises",
        new_label_key="action.new_enterprise",
        create_schema=EnterpriseCreate,
        update_schema=EnterpriseUpdate,
        fields=_fields,
        filters=_filters,
        columns=["field.name", "field.industry", "field.district", "field.size", "field.chamber"],
        row=_row,
        detail=_detail,
        list=service.list_enterprises,
        get=service.get_enterprise,
        create=lambda s, v, data, request: service.create_enterprise(s, v, data),
        update=lambda s, v, i, data, request: service.update_enterprise(s, v, i, data),
        delete=service.delete_enterprise,
        can_create=lambda v: policy.can(v, EnterpriseAction.create),
        can_edit=lambda v: policy.can(v, EnterpriseAction.update),
        can_delete=lambda v: policy.can(v, EnterpriseAction.delete),
    ),
)
