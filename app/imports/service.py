"""Import services: preview an upload (parse, validate, stage, find duplicates), hand it to the
commit job, and the job itself (`run_commit`: the staged rows written chunk by chunk).

Raises `ImportFileError` (422) for an unreadable file, `Forbidden` for a kind the viewer may
not import, `NotFound` for another organisation's import.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from typing import IO, Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import imports as policy
from app.access.policies.imports import ImportAction
from app.db import set_actor, utcnow
from app.demands.schemas import DemandCreate
from app.demands.service import check_occupation, scoped_demands
from app.duplicates import service as duplicates
from app.duplicates.keys import Profile, email_key, name_key, phone_key
from app.enterprises.schemas import EnterpriseCreate
from app.enterprises.service import scoped_enterprises
from app.errors import AppError, FieldErrors, Forbidden, NotFound
from app.imports.cells import CellError, as_text, parse_cell
from app.imports.columns import SPECS, Column, KindSpec
from app.imports.reader import ImportFileError, Limits, open_sheet
from app.models import Demand, Enterprise, ImportBatch, ImportRow, Organization, Talent, User
from app.models.enums import Side
from app.security import hash_id_number
from app.talents.schemas import TalentCreate

MAX_STORED_ERRORS = 10_000
MAX_STORED_DUPLICATES = 5_000
STAGE_CHUNK = 2_000
# The commit job writes an import in about COMMIT_CHUNKS transactions (progress moves in 5 %
# steps), none smaller than MIN_COMMIT_CHUNK rows: a chunk of talents also checks the written
# ones against the whole pool for duplicates, which reads the pool once per chunk.
COMMIT_CHUNKS = 20
MIN_COMMIT_CHUNK = 1_000
# An import in these states may be committed (again).
RESTARTABLE = ("previewed", "failed")

log = logging.getLogger(__name__)


class ImportAlreadyCommitted(AppError):
    status, code = 409, "import_already_committed"


class RowError(Exception):
    # field and code are positional-only: a message parameter may be named `code` too
    def __init__(self, field: str, code: str, /, **params: Any) -> None:
        super().__init__(code)
        self.field, self.code, self.params = field, code, params


# --- kinds -----------------------------------------------------------------------------------


class Handler:
    """One importable kind: its schema, how a row finds the object it updates, and writing."""

    schema: type[BaseModel]
    model: type[Any]
    date_fields: frozenset[str] = frozenset()

    def __init__(self, session: Session, viewer: Viewer, org_id: int | None, id_key: str) -> None:
        self.session, self.viewer, self.org_id, self.id_key = session, viewer, org_id, id_key
        self.seen: dict[str, int] = {}  # key -> first row number, for in-file repeats

    def payload(self, values: dict[str, Any]) -> dict[str, Any]:
        return values

    def stage(self, model: BaseModel, present: set[str]) -> dict[str, Any]:
        return model.model_dump(mode="json", include=present)

    def check(self, data: dict[str, Any]) -> None:
        """Service-level rules beyond the schema; raises RowError."""

    def resolve(self, data: dict[str, Any], row: int) -> int | None:
        """The id of the existing object this row updates, or None to create; raises RowError."""
        raise NotImplementedError

    def remember(self, data: dict[str, Any], obj_id: int) -> None:
        """After a row created an object, later rows find it by its keys."""

    def create(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def repeat(self, key: str | None, row: int, field: str) -> None:
        if not key:
            return
        first = self.seen.setdefault(key, row)
        if first != row:
            raise RowError(field, "import_repeated_in_file", first_row=first)

    def restore(self, data: dict[str, Any]) -> dict[str, Any]:
        out = dict(data)
        for name in self.date_fields:
            if isinstance(out.get(name), str):
                out[name] = dt.date.fromisoformat(out[name])
        return out


class TalentHandler(Handler):
    schema = TalentCreate
    model = Talent
    date_fields = frozenset({"consent_date"})

    def __init__(self, session: Session, viewer: Viewer, org_id: int | None, id_key: str) -> None:
        super().__init__(session, viewer, org_id, id_key)
        self.ids: set[int] = set()
        self.by_key: dict[str, int] = {}
        self.by_hash: dict[str, int] = {}
        self.by_contact: dict[tuple[str, str], int] = {}
        rows = session.execute(
            select(
                Talent.id, Talent.external_key, Talent.id_number_hash, Talent.name,
                Talent.phone, Talent.email,
            ).where(Talent.organization_id == org_id)
        )  # fmt: skip
        for tid, key, id_hash, name, phone, email in rows:
            self.ids.add(tid)
            self.remember(
                {"external_key": key, "id_number_hash": id_hash, "name": name,
                 "phone": phone, "email": email},
                tid,
            )  # fmt: skip

    def _contacts(self, data: dict[str, Any]) -> list[tuple[str, str]]:
        name = name_key(data.get("name") or "")
        keys = [phone_key(data.get("phone")), email_key(data.get("email"))]
        return [(name, k) for k in keys if k and name]

    def remember(self, data: dict[str, Any], obj_id: int) -> None:
        if data.get("external_key"):
            self.by_key[data["external_key"]] = obj_id
        if data.get("id_number_hash"):
            self.by_hash.setdefault(data["id_number_hash"], obj_id)
        for key in self._contacts(data):
            self.by_contact.setdefault(key, obj_id)

    def stage(self, model: BaseModel, present: set[str]) -> dict[str, Any]:
        data = model.model_dump(mode="json", include=present - {"id_number"})
        number = getattr(model, "id_number", None)
        if number:
            data["id_number_hash"] = hash_id_number(number, self.id_key)
        return data

    def check(self, data: dict[str, Any]) -> None:
        _check_occupation(data)

    def resolve(self, data: dict[str, Any], row: int) -> int | None:
        target = self._target(data, row)
        key = data.get("external_key")
        if key:
            # One talent per key (本单位编号) in the agency: in the database or an earlier row.
            owner = self.by_key.get(key)
            if owner is not None and owner != target:
                raise RowError("external_key", "external_key_taken")
            if target is not None:
                self.by_key[key] = target
        return target

    def _target(self, data: dict[str, Any], row: int) -> int | None:
        if data.get("id") is not None:
            if data["id"] not in self.ids:
                raise RowError("id", "import_id_unknown")
            self.repeat(f"id:{data['id']}", row, "id")
            return int(data["id"])
        if data.get("external_key"):
            self.repeat(f"key:{data['external_key']}", row, "external_key")
            return self.by_key.get(data["external_key"])
        if data.get("id_number_hash") and data["id_number_hash"] in self.by_hash:
            return self.by_hash[data["id_number_hash"]]
        for key in self._contacts(data):
            if key in self.by_contact:
                return self.by_contact[key]
        return None

    def create(self, data: dict[str, Any]) -> Talent:
        return Talent(**data, organization_id=self.org_id, created_by_id=self.viewer.id)


class EnterpriseHandler(Handler):
    schema = EnterpriseCreate
    model = Enterprise

    def __init__(self, session: Session, viewer: Viewer, org_id: int | None, id_key: str) -> None:
        super().__init__(session, viewer, org_id, id_key)
        self.scoped = set(
            session.scalars(scoped_enterprises(viewer).with_only_columns(Enterprise.id))
        )
        self.by_code: dict[str, int] = dict(
            session.execute(select(Enterprise.credit_code, Enterprise.id)).all()
        )

    def resolve(self, data: dict[str, Any], row: int) -> int | None:
        code = data.get("credit_code")
        self.repeat(code, row, "credit_code")
        if data.get("id") is not None:
            if data["id"] not in self.scoped:
                raise RowError("id", "import_id_unknown")
            owner = self.by_code.get(code or "")
            if owner is not None and owner != data["id"]:
                raise RowError("credit_code", "credit_code_taken")
            return int(data["id"])
        existing = self.by_code.get(code or "")
        if existing is None:
            return None
        if existing not in self.scoped:
            raise RowError("credit_code", "credit_code_taken")
        return existing

    def remember(self, data: dict[str, Any], obj_id: int) -> None:
        self.by_code[data["credit_code"]] = obj_id
        self.scoped.add(obj_id)

    def create(self, data: dict[str, Any]) -> Enterprise:
        return Enterprise(**data, chamber_id=self.org_id)


class DemandHandler(Handler):
    schema = DemandCreate
    model = Demand
    date_fields = frozenset({"deadline"})

    def __init__(self, session: Session, viewer: Viewer, org_id: int | None, id_key: str) -> None:
        super().__init__(session, viewer, org_id, id_key)
        self.enterprises: dict[str, int] = dict(
            session.execute(
                scoped_enterprises(viewer).with_only_columns(Enterprise.credit_code, Enterprise.id)
            ).all()
        )  # fmt: skip
        self.ids: set[int] = set()
        self.by_title: dict[tuple[int, str, str], int] = {}
        for did, eid, kind, title in session.execute(
            scoped_demands(viewer).with_only_columns(
                Demand.id, Demand.enterprise_id, Demand.kind, Demand.title
            )
        ):
            self.ids.add(did)
            self.by_title.setdefault((eid, kind, title), did)

    def payload(self, values: dict[str, Any]) -> dict[str, Any]:
        code = values.pop("enterprise_credit_code", None)
        if code is not None:
            values["enterprise_id"] = self.enterprises.get(code, -1)
        return values

    def stage(self, model: BaseModel, present: set[str]) -> dict[str, Any]:
        data = model.model_dump(mode="json", include=present | {"enterprise_id"})
        return data

    def check(self, data: dict[str, Any]) -> None:
        if data.get("enterprise_id") is None:
            raise RowError("enterprise_credit_code", "missing")
        if data["enterprise_id"] == -1:
            raise RowError("enterprise_credit_code", "enterprise_unknown")
        _check_occupation(data)

    def resolve(self, data: dict[str, Any], row: int) -> int | None:
        if data.get("id") is not None:
            if data["id"] not in self.ids:
                raise RowError("id", "import_id_unknown")
            self.repeat(f"id:{data['id']}", row, "id")
            return int(data["id"])
        key = (data["enterprise_id"], data["kind"], data["title"])
        self.repeat(repr(key), row, "title")
        return self.by_title.get(key)

    def remember(self, data: dict[str, Any], obj_id: int) -> None:
        self.ids.add(obj_id)
        self.by_title.setdefault((data["enterprise_id"], data["kind"], data["title"]), obj_id)

    def create(self, data: dict[str, Any]) -> Demand:
        return Demand(**data, created_by_id=self.viewer.id)


HANDLERS: dict[str, type[Handler]] = {
    "talents": TalentHandler,
    "enterprises": EnterpriseHandler,
    "demands": DemandHandler,
}


def _check_occupation(data: dict[str, Any]) -> None:
    try:
        check_occupation(data.get("occupation_code"))
    except FieldErrors as exc:
        err = exc.errors[0]
        raise RowError("occupation_code", err["code"], **err["params"]) from None


# --- who imports what ----------------------------------------------------------------------


def target_organization(
    session: Session, viewer: Viewer, kind: str, organization_id: int | None
) -> int | None:
    """The organisation the rows belong to; raises Forbidden or FieldErrors."""
    if kind not in SPECS:
        raise FieldErrors.one("kind", "import_kind_unknown")
    policy.require(viewer, policy.action_for(kind))
    own = policy.own_organization(viewer, kind)
    if own is not None:
        return own
    if kind == "demands":
        return None  # an office admin's demand rows name their enterprise
    side = Side.supply if kind == "talents" else Side.demand
    policy.require(viewer, ImportAction.choose_organization)
    org = session.get(Organization, organization_id) if organization_id is not None else None
    if org is None or org.side != side.value:
        code = (
            "missing"
            if organization_id is None
            else ("not_a_supply_org" if side is Side.supply else "not_a_chamber")
        )
        raise FieldErrors.one("organization_id", code)
    return org.id


def can_import(viewer: Viewer, kind: str) -> bool:
    return policy.may_import(viewer, kind)


# --- preview ---------------------------------------------------------------------------------


def _parse_row(
    handler: Handler, spec: KindSpec, columns: dict[int, Column], cells: list[Any]
) -> tuple[dict[str, Any] | None, list[tuple[str, str, dict[str, Any]]]]:
    """(staged data, errors as (field, code, params)) of one row."""
    errors: list[tuple[str, str, dict[str, Any]]] = []
    values: dict[str, Any] = {}
    for pos, col in columns.items():
        raw = cells[pos] if pos < len(cells) else None
        try:
            values[col.name] = parse_cell(col, raw)
        except CellError as exc:
            errors.append((col.name, exc.code, exc.params))
    record_id = values.pop("id", None)
    bad = {e[0] for e in errors}
    present = {c.name for c in columns.values()} & set(handler.schema.model_fields)
    payload = handler.payload({k: v for k, v in values.items() if k not in bad})
    try:
        model = handler.schema.model_validate(payload)
    except ValidationError as exc:
        for err in exc.errors():
            name = str(err["loc"][0]) if err.get("loc") else "body"
            if name not in bad:
                bad.add(name)
                errors.append((name, err["type"], dict(err.get("ctx") or {})))
        return None, errors
    if errors:
        return None, errors
    data = handler.stage(model, present)
    if record_id is not None:
        data["id"] = record_id
    try:
        handler.check(data)
    except RowError as exc:
        return None, [(exc.field, exc.code, exc.params)]
    return data, []


def _column_header(
    spec: KindSpec, sheet_header: list[str], columns: dict[int, Column]
) -> dict[str, str]:
    return {col.name: sheet_header[pos] or col.header("zh") for pos, col in columns.items()}


def _duplicate_index(session: Session) -> dict[tuple[str, str], tuple[int, int]]:
    """key -> (talent id, organisation id) over the whole pool, for the preview's check."""
    from app.duplicates.detect import profile_keys

    index: dict[tuple[str, str], tuple[int, int]] = {}
    for p in duplicates.load_profiles(session):
        for key in profile_keys(p):
            index.setdefault(key, (p.id, p.organization_id))
    return index


def _row_profile(data: dict[str, Any], org_id: int, row: int) -> Profile:
    return Profile(
        -row, org_id, data.get("name") or "", data.get("birth_year"), data.get("school"),
        data.get("employer"), data.get("phone"), data.get("email"), data.get("id_number_hash"),
    )  # fmt: skip


def preview_import(
    session: Session,
    viewer: Viewer,
    *,
    kind: str,
    file: IO[bytes],
    filename: str,
    id_key: str,
    organization_id: int | None = None,
    limits: Limits | None = None,
) -> ImportBatch:
    """Read and validate an upload and stage its rows; nothing is written to the data yet.
    Raises ImportFileError (422), ImportFileTooLarge (413) beyond `limits`."""
    if kind in SPECS and not can_import(viewer, kind):
        raise Forbidden()
    org_id = target_organization(session, viewer, kind, organization_id)
    spec = SPECS[kind]
    sheet = open_sheet(file, filename, spec, limits)
    handler = HANDLERS[kind](session, viewer, org_id, id_key)
    # A file found bad half-way (too many rows, a corrupt part) leaves nothing behind.
    with session.begin_nested():
        return _stage(session, viewer, kind, spec, sheet, handler, org_id, filename)


def _stage(
    session: Session,
    viewer: Viewer,
    kind: str,
    spec: KindSpec,
    sheet: Any,
    handler: Handler,
    org_id: int | None,
    filename: str,
) -> ImportBatch:
    batch = ImportBatch(
        kind=kind,
        organization_id=org_id if org_id is not None else None,
        created_by_id=viewer.id,
        filename=filename[:255],
        header=sheet.header,
    )
    session.add(batch)
    session.flush()
    headers = _column_header(spec, sheet.header, sheet.columns)
    errors: list[dict[str, Any]] = []
    dups: list[dict[str, Any]] = []
    counts = {"rows_read": 0, "rows_valid": 0, "to_create": 0, "to_update": 0, "errors": 0}
    dup_count = 0
    dup_index = _duplicate_index(session) if kind == "talents" else {}
    in_file: dict[tuple[str, str], int] = {}
    from app.duplicates.detect import profile_keys

    staged: list[dict[str, Any]] = []
    try:
        for number, cells in sheet.rows:
            counts["rows_read"] += 1
            data, row_errors = _parse_row(handler, spec, sheet.columns, cells)
            target: int | None = None
            if data is not None:
                try:
                    target = handler.resolve(data, number)
                except RowError as exc:
                    row_errors, data = [(exc.field, exc.code, exc.params)], None
            if data is None:
                counts["errors"] += len(row_errors)
                for field, code, params in row_errors:
                    if len(errors) < MAX_STORED_ERRORS:
                        errors.append(
                            {"row": number, "field": field, "column": headers.get(field),
                             "code": code, "params": _plain(params)}
                        )  # fmt: skip
                staged.append(
                    {"import_id": batch.id, "row_number": number, "has_errors": True, "data": {},
                     "raw": [as_text(c) if i not in _id_positions(sheet.columns) else _mask(c)
                             for i, c in enumerate(cells[: len(sheet.header)])]}
                )  # fmt: skip
            else:
                counts["rows_valid"] += 1
                counts["to_update" if target is not None else "to_create"] += 1
                if target is None:
                    handler.remember(data, -number)
                if kind == "talents" and org_id is not None:
                    for dup in _row_duplicates(
                        _row_profile(data, org_id, number), target, dup_index, in_file, profile_keys
                    ):
                        dup_count += 1
                        if len(dups) < MAX_STORED_DUPLICATES:
                            dups.append(dup)
                staged.append(
                    {"import_id": batch.id, "row_number": number, "has_errors": False,
                     "data": data, "raw": None}
                )  # fmt: skip
            if len(staged) >= STAGE_CHUNK:
                session.execute(insert(ImportRow), staged)
                staged = []
    finally:
        if sheet.close is not None:
            sheet.close()
    if counts["rows_read"] == 0:
        raise ImportFileError("import_empty")
    if staged:
        session.execute(insert(ImportRow), staged)
    batch.rows_read, batch.rows_valid = counts["rows_read"], counts["rows_valid"]
    batch.errors, batch.duplicates = errors, dups
    batch.result = {"preview": {**counts, "duplicates": dup_count}}
    session.flush()
    return batch


def _id_positions(columns: dict[int, Column]) -> set[int]:
    return {p for p, c in columns.items() if c.type == "id"}


def _mask(value: Any) -> str | None:
    text = as_text(value)
    if not text:
        return text
    return text[:4] + "*" * max(0, len(text) - 8) + text[-4:] if len(text) > 8 else "****"


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, int | float | str | bool) or v is None else str(v)
            for k, v in params.items()}  # fmt: skip


def _row_duplicates(
    p: Profile,
    target: int | None,
    index: dict[tuple[str, str], tuple[int, int]],
    in_file: dict[tuple[str, str], int],
    profile_keys: Any,
) -> Iterator[dict[str, Any]]:
    """Duplicates of one row: an earlier row of the file, this agency's other talents, and
    other agencies' talents (named by agency only: their fields stay theirs)."""
    seen: set[tuple[str, int]] = set()
    for family, key in profile_keys(p):
        if family in ("name", "pinyin"):
            continue  # names alone are too weak for a preview notice
        row = in_file.setdefault((family, key), -p.id)
        if row != -p.id and ("file", row) not in seen:
            seen.add(("file", row))
            yield {"row": -p.id, "scope": "file", "other_row": row, "reason": family}
        hit = index.get((family, key))
        if hit is None or hit[0] == target:
            continue
        talent_id, org_id = hit
        scope = "database" if org_id == p.organization_id else "other_agency"
        if (scope, talent_id) in seen:
            continue
        seen.add((scope, talent_id))
        entry: dict[str, Any] = {"row": -p.id, "scope": scope, "reason": family,
                                 "organization_id": org_id}  # fmt: skip
        if scope == "database":
            entry["talent_id"] = talent_id
        yield entry


def scoped_imports(viewer: Viewer) -> Select[ImportBatch]:
    return policy.readable(viewer)


def get_import(session: Session, viewer: Viewer, import_id: int) -> ImportBatch:
    """Raises NotFound (also for another organisation's import)."""
    batch = session.scalar(scoped_imports(viewer).where(ImportBatch.id == import_id))
    if batch is None:
        raise NotFound()
    return batch


def list_imports(session: Session, viewer: Viewer, limit: int = 20) -> list[ImportBatch]:
    return list(
        session.scalars(scoped_imports(viewer).order_by(ImportBatch.id.desc()).limit(limit))
    )


# --- commit ----------------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return list(a or []) == list(b or [])
    return bool(a == b)


def commit_import(session: Session, viewer: Viewer, import_id: int) -> ImportBatch:
    """Hand a previewed (or failed) import to the commit job; the caller commits, then submits
    the job (`run_commit`). Raises NotFound, Forbidden, ImportAlreadyCommitted."""
    batch = get_import(session, viewer, import_id)
    if not can_import(viewer, batch.kind):
        raise Forbidden()
    if batch.kind == "demands" and batch.organization_id is None:
        policy.require(viewer, ImportAction.choose_organization)
    # Compare-and-set: of parallel commits one moves the import on; the others wait for its
    # row lock, then find it committing. A failed import may be committed again: the job
    # goes on after the last chunk it wrote.
    claimed = session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status.in_(RESTARTABLE))
        .values(status="committing", committed_by_id=viewer.id, failure=None)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise ImportAlreadyCommitted()
    session.flush()
    session.refresh(batch)
    return batch


def run_commit(
    session_factory: Callable[[], Session],
    import_id: int,
    id_key: str,
    *,
    chunk_rows: int | None = None,
    max_chunks: int | None = None,
    stopping: threading.Event | None = None,
) -> None:
    """The commit job: write a `committing` import's valid rows, one chunk per transaction.

    Each chunk commits its rows together with the import's counts, progress and `last_row_id`,
    so what the page shows is what is written, and a job stopped between chunks (the process
    restarts; `max_chunks` reached) goes on after the last written row. A chunk that fails is
    rolled back whole and the import becomes `failed` with an error code: the chunks before it
    stay written (committing it again goes on from there).
    """
    with session_factory() as session:
        batch = session.get(ImportBatch, import_id)
        if batch is None or batch.status != "committing":
            return
        user = session.get(User, batch.committed_by_id) if batch.committed_by_id else None
        if user is None:
            _fail(session, import_id, "import_committer_gone")
            return
        viewer = Viewer.of(user)
        set_actor(session, viewer.id, viewer.username)
        total = session.scalar(
            select(func.count()).select_from(ImportRow).where(ImportRow.import_id == import_id)
        )
        size = chunk_rows or max(MIN_COMMIT_CHUNK, -(-(total or 0) // COMMIT_CHUNKS))
        session.commit()
        done = 0
        while max_chunks is None or done < max_chunks:
            if stopping is not None and stopping.is_set():
                return  # the process stops: the import stays committing and resumes on start
            try:
                more = _commit_chunk(session, viewer, import_id, id_key, size, total or 0)
                session.commit()
            except ImportAlreadyCommitted:
                session.rollback()  # another job of this import wrote the chunk: it goes on
                return
            except Exception as exc:
                session.rollback()
                log.warning("import %s: a commit chunk failed", import_id, exc_info=True)
                _fail(session, import_id, exc.code if isinstance(exc, AppError) else None)
                return
            done += 1
            if not more:
                return


def _fail(session: Session, import_id: int, code: str | None) -> None:
    session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == import_id, ImportBatch.status == "committing")
        .values(status="failed", failure=(code or "import_commit_failed")[:64])
    )
    session.commit()


def _commit_chunk(
    session: Session, viewer: Viewer, import_id: int, id_key: str, size: int, total: int
) -> bool:
    """Write the next `size` staged rows; False once the import is committed (or not ours)."""
    # The row lock keeps two jobs of one import (a resumed one, a retried one) in turn; the
    # compare-and-set on last_row_id below makes the later one find its chunk taken.
    batch = session.scalar(
        select(ImportBatch)
        .where(ImportBatch.id == import_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if batch is None or batch.status != "committing":
        return False
    start = batch.last_row_id
    before: dict[str, int] = dict((batch.result or {}).get("commit") or {})
    counts = {k: int(before.get(k, 0)) for k in ("created", "updated", "unchanged", "skipped")}
    handler = HANDLERS[batch.kind](session, viewer, batch.organization_id, id_key)
    rows = list(
        session.execute(
            select(ImportRow.id, ImportRow.row_number, ImportRow.has_errors, ImportRow.data)
            .where(ImportRow.import_id == import_id, ImportRow.id > start)
            .order_by(ImportRow.id)
            .limit(size)
        )
    )
    written = _write_rows(session, handler, rows, counts)
    if batch.kind == "talents":
        duplicates.record_pairs_for(session, written)
    last = rows[-1][0] if rows else start
    finished = len(rows) < size
    values: dict[str, Any] = {
        "last_row_id": last,
        "progress": 100 if finished else min(99, sum(counts.values()) * 100 // max(total, 1)),
        "result": {**(batch.result or {}), "commit": counts},
    }
    if finished:
        values.update(status="committed", committed_at=utcnow())
    moved = session.execute(
        update(ImportBatch)
        .where(
            ImportBatch.id == import_id,
            ImportBatch.status == "committing",
            ImportBatch.last_row_id == start,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if getattr(moved, "rowcount", 0) != 1:
        raise ImportAlreadyCommitted()  # another job wrote this chunk: ours rolls back
    return not finished


def _write_rows(
    session: Session, handler: Handler, rows: list[Any], counts: dict[str, int]
) -> list[int]:
    """Create or update the objects of staged rows; returns the ids written."""
    plans: list[tuple[dict[str, Any], int | None]] = []
    for _, number, has_errors, data in rows:
        if has_errors:
            counts["skipped"] += 1
            continue
        handler.seen.clear()  # rows were checked for repeats in the preview
        try:
            target = handler.resolve(data, number)
        except RowError:
            counts["skipped"] += 1
            continue
        plans.append((data, target))
    targets = [t for _, t in plans if t is not None]
    existing = {
        o.id: o
        for o in session.scalars(select(handler.model).where(handler.model.id.in_(targets)))
    } if targets else {}  # fmt: skip
    written: list[int] = []
    new_objects: list[tuple[Any, dict[str, Any]]] = []
    for data, target in plans:
        values = handler.restore({k: v for k, v in data.items() if k != "id"})
        if target is None:
            obj = handler.create(values)
            session.add(obj)
            new_objects.append((obj, values))
            counts["created"] += 1
            continue
        obj = existing[target]
        changed = False
        for key, value in values.items():
            if key == "id_number_hash" and not value:
                continue
            if not _same(getattr(obj, key), value):
                setattr(obj, key, value)
                changed = True
        counts["updated" if changed else "unchanged"] += 1
        if changed:
            written.append(obj.id)
    session.flush()
    for obj, values in new_objects:
        handler.remember(values, obj.id)
        written.append(obj.id)
    return written
