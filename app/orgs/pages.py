"""Organisation pages for the office."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import organizations as policy
from app.access.policies.organizations import OrganizationAction
from app.crud_pages import CrudPages, install
from app.forms import FormField, enum_choices
from app.i18n import enum_label
from app.models import Organization
from app.models.enums import OrgKind, Side
from app.orgs import service
from app.orgs.schemas import OrganizationCreate, OrganizationUpdate

router = APIRouter(include_in_schema=False)

KINDS = enum_choices("kind", [k.value for k in OrgKind])
SIDES = enum_choices("side", [s.value for s in Side])


def _fields(session: Session, viewer: Viewer) -> list[FormField]:
    return [
        FormField("name_zh", required=True, max_length=100),
        FormField("name_en", required=True, max_length=200),
        FormField("kind", "select", required=True, choices=KINDS),
    ]


def _filters(session: Session, viewer: Viewer) -> list[FormField]:
    return [FormField("q", label_key="field.q"), FormField("side", "select", choices=SIDES)]


def _row(o: Organization, viewer: Viewer, locale: str) -> list[str]:
    return [
        o.display_name(locale),
        enum_label("side", o.side, locale),
        enum_label("kind", o.kind, locale),
    ]


def _detail(o: Organization, viewer: Viewer, locale: str) -> tuple[str, list[tuple[str, Any]]]:
    return o.display_name(locale), [
        ("field.name_zh", o.name_zh),
        ("field.name_en", o.name_en),
        ("field.side", enum_label("side", o.side, locale)),
        ("field.kind", enum_label("kind", o.kind, locale)),
    ]


def _office_list(session: Session, viewer: Viewer, **kwargs: Any) -> tuple[list[Any], int]:
    policy.require(viewer, OrganizationAction.browse)
    side = kwargs.pop("side", None)
    return service.list_organizations(
        session, viewer, side=Side(side) if side in Side.__members__ else None, **kwargs
    )


install(
    router,
    CrudPages(
        base="/organizations",
        title_key="title.organizations",
        new_label_key="action.new_organization",
        create_schema=OrganizationCreate,
        update_schema=OrganizationUpdate,
        fields=_fields,
        filters=_filters,
        columns=["field.name", "field.side", "field.kind"],
        row=_row,
        detail=_detail,
        list=_office_list,
        get=service.get_organization,
        create=lambda s, v, data, request: service.create_organization(s, v, data),
        update=lambda s, v, i, data, request: service.update_organization(s, v, i, data),
        delete=service.delete_organization,
        can_create=lambda v: policy.can(v, OrganizationAction.create),
        can_edit=lambda v: policy.can(v, OrganizationAction.update),
        can_delete=lambda v: policy.can(v, OrganizationAction.delete),
        update_exclude=frozenset({"kind"}),
    ),
)
