"""One set of list / detail / create / edit / delete pages, configured per resource.

Enterprises, demands, talents and organisations share the same page flow; each domain's
`pages.py` describes its fields, columns and permissions in a `CrudPages` and gets the seven
routes. Validation runs through the API's own schemas and services.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.deps import CheckedForm, PageViewer
from app.db import SessionDep
from app.errors import FieldErrors, Forbidden
from app.forms import (
    FormField,
    as_filters,
    display_value,
    errors_by_field,
    form_values,
    validate_form,
)
from app.i18n import locale_of, translate
from app.web import (
    DetailPage,
    ListPage,
    Pager,
    Row,
    flash,
    form_page,
    offset_param,
    redirect,
    render,
    whole_number,
)

PAGE_SIZE = 20

Perm = Callable[[Viewer], bool]


@dataclass(frozen=True)
class CrudPages:
    base: str
    title_key: str
    new_label_key: str
    create_schema: type[BaseModel]
    update_schema: type[BaseModel]
    fields: Callable[[Session, Viewer], list[FormField]]
    filters: Callable[[Session, Viewer], list[FormField]]
    columns: list[str]
    row: Callable[[Any, Viewer, str], list[str]]
    detail: Callable[[Any, Viewer, str], tuple[str, list[tuple[str, Any]]]]
    list: Callable[..., tuple[list[Any], int]]
    get: Callable[[Session, Viewer, int], Any]
    create: Callable[[Session, Viewer, Any, Request], Any]
    update: Callable[[Session, Viewer, int, Any, Request], Any]
    delete: Callable[[Session, Viewer, int], None]
    can_create: Perm
    can_edit: Perm
    can_delete: Perm
    int_filters: frozenset[str] = frozenset()
    update_exclude: frozenset[str] = frozenset()
    edit_values: Callable[[Any], dict[str, Any]] | None = None
    new_defaults: Callable[[], dict[str, Any]] = field(default=dict)
    extra_detail: Callable[[Any, Viewer], dict[str, Any]] = field(default=lambda o, v: {})

    def heading_of(self, obj: Any, viewer: Viewer, locale: str) -> str:
        return self.detail(obj, viewer, locale)[0]


def _filter_kwargs(spec: CrudPages, request: Request, names: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        raw = request.query_params.get(name, "").strip()[:100]
        if not raw:
            continue
        if name in spec.int_filters:
            number = whole_number(raw)
            if number is None:
                continue
            out[name] = number
        else:
            out[name] = raw
    return out


def install(router: APIRouter, spec: CrudPages) -> None:
    base = spec.base

    def _form(
        request: Request,
        heading: str,
        action: str,
        cancel: str,
        fields: list[FormField],
        values: dict[str, Any],
        exc: FieldErrors | None = None,
    ) -> Response:
        errors = errors_by_field(exc, locale_of(request)) if exc else None
        return form_page(
            request,
            heading=heading,
            action=action,
            cancel_url=cancel,
            fields=fields,
            values=values,
            errors=errors,
        )

    @router.get(base)
    def list_page(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
        locale = locale_of(request)
        filters = as_filters(spec.filters(session, viewer))
        kwargs = _filter_kwargs(spec, request, [f.name for f in filters])
        offset = offset_param(request, most=None)
        items, total = spec.list(session, viewer, limit=PAGE_SIZE, offset=offset, **kwargs)
        page = ListPage(
            title_key=spec.title_key,
            columns=spec.columns,
            rows=[Row(f"{base}/{o.id}", spec.row(o, viewer, locale)) for o in items],
            pager=Pager(total, PAGE_SIZE, offset),
            filters=filters,
            filter_values={f.name: request.query_params.get(f.name, "") for f in filters},
            new_url=f"{base}/new" if spec.can_create(viewer) else None,
            new_label_key=spec.new_label_key,
        )
        return render(request, "crud/list.html", {"page": page})

    @router.get(f"{base}/new")
    def new_page(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
        if not spec.can_create(viewer):
            raise Forbidden()
        defaults = spec.new_defaults()
        defaults.update((k, v) for k, v in request.query_params.items() if k != "lang")
        return _form(
            request,
            translate(spec.new_label_key, locale_of(request)),
            f"{base}/new",
            base,
            spec.fields(session, viewer),
            defaults,
        )

    @router.post(f"{base}/new")
    def create_submit(
        request: Request, session: SessionDep, viewer: PageViewer, form: CheckedForm
    ) -> Response:
        if not spec.can_create(viewer):
            raise Forbidden()
        fields = spec.fields(session, viewer)
        values = form_values(form, fields)
        try:
            data = validate_form(spec.create_schema, values, fields)
            obj = spec.create(session, viewer, data, request)
            session.commit()
        except FieldErrors as exc:
            session.rollback()
            return _form(
                request,
                translate(spec.new_label_key, locale_of(request)),
                f"{base}/new",
                base,
                fields,
                values,
                exc,
            )
        flash(request, "flash.created")
        return redirect(f"{base}/{obj.id}")

    @router.get(base + "/{object_id}")
    def detail_page(
        object_id: int, request: Request, session: SessionDep, viewer: PageViewer
    ) -> Response:
        obj = spec.get(session, viewer, object_id)
        heading, items = spec.detail(obj, viewer, locale_of(request))
        page = DetailPage(
            heading=heading,
            items=items,
            list_url=base,
            edit_url=f"{base}/{object_id}/edit" if spec.can_edit(viewer) else None,
            delete_url=f"{base}/{object_id}/delete" if spec.can_delete(viewer) else None,
        )
        return render(request, "crud/detail.html", {"page": page, **spec.extra_detail(obj, viewer)})

    @router.get(base + "/{object_id}/edit")
    def edit_page(
        object_id: int, request: Request, session: SessionDep, viewer: PageViewer
    ) -> Response:
        obj = spec.get(session, viewer, object_id)
        if not spec.can_edit(viewer):
            raise Forbidden()
        fields = spec.fields(session, viewer)
        values = (
            spec.edit_values(obj)
            if spec.edit_values
            else {f.name: display_value(getattr(obj, f.name, None)) for f in fields}
        )
        locale = locale_of(request)
        heading = translate("title.edit", locale, name=spec.heading_of(obj, viewer, locale))
        return _form(
            request, heading, f"{base}/{object_id}/edit", f"{base}/{object_id}", fields, values
        )

    @router.post(base + "/{object_id}/edit")
    def edit_submit(
        object_id: int,
        request: Request,
        session: SessionDep,
        viewer: PageViewer,
        form: CheckedForm,
    ) -> Response:
        obj = spec.get(session, viewer, object_id)
        if not spec.can_edit(viewer):
            raise Forbidden()
        locale = locale_of(request)
        heading = translate("title.edit", locale, name=spec.heading_of(obj, viewer, locale))
        fields = spec.fields(session, viewer)
        values = form_values(form, fields)
        try:
            # An edit form posts every field: validate it whole, as on creation.
            full = validate_form(spec.create_schema, values, fields)
            update = spec.update_schema.model_validate(
                full.model_dump(exclude=set(spec.update_exclude))
            )
            spec.update(session, viewer, object_id, update, request)
            session.commit()
        except FieldErrors as exc:
            session.rollback()
            return _form(
                request,
                heading,
                f"{base}/{object_id}/edit",
                f"{base}/{object_id}",
                fields,
                values,
                exc,
            )
        flash(request, "flash.updated")
        return redirect(f"{base}/{object_id}")

    @router.post(base + "/{object_id}/delete")
    def delete_submit(
        object_id: int,
        request: Request,
        session: SessionDep,
        viewer: PageViewer,
        form: CheckedForm,
    ) -> Response:
        spec.delete(session, viewer, object_id)
        session.commit()
        flash(request, "flash.deleted")
        return redirect(base)
