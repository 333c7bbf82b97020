"""The demo city: counts, validity of every record, determinism, logins and scoping."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session
from stdnum.cn import uscc

from app.access import Viewer
from app.accounts.schemas import UserCreate
from app.audit.trail import install_audit_hook
from app.db import Base, make_engine, set_actor
from app.demands.schemas import DemandCreate
from app.demo import DATA_FILES, DEMO_PASSWORD, DemoDataError, load_demo, read_demo_data
from app.enterprises.schemas import EnterpriseCreate
from app.enterprises.service import list_enterprises
from app.models import AuditLog, Demand, Enterprise, Organization, Talent, User
from app.models.enums import OrgKind, Role
from app.orgs.schemas import OrganizationCreate
from app.talents.schemas import TalentCreate
from app.talents.service import list_talents

EXPECTED = {"organizations": 9, "users": 13, "enterprises": 48, "demands": 150, "talents": 720}
DEMO_USERS = [
    "office",
    "reviewer",
    "chamber",
    "chamber2",
    "youth",
    "enterprise",
    "enterprise2",
    "kejiju",
    "renshe",
    "kexie",
    "qiaolian",
    "qiaoban",
    "waiban",
]
PLACEMENT = {"chamber", "enterprise", "organization", "created_by", "created_at"}
ROOT = Path(__file__).resolve().parents[3]
CSCO_CANDIDATES = [
    ROOT.parent / "shared" / "data" / "csco2022_occupations_zh" / "csco22.csv",
    ROOT / "matching" / "data" / "csco22.csv",
]


@pytest.fixture
def demo(db: Session) -> dict[str, int]:
    install_audit_hook()
    set_actor(db, None, "demo")
    return load_demo(db, id_key="test-id-key")


def _fields(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in PLACEMENT}


# --- the committed data files, without a database -----------------------------------------------


def test_data_files_are_compact() -> None:
    folder = ROOT / "app" / "demo_data"
    assert sum((folder / name).stat().st_size for name in DATA_FILES) < 1_500_000
    assert (folder / "README.md").exists()


def test_every_record_passes_the_create_schemas() -> None:
    city = read_demo_data("city.json")
    for org in city["organizations"]:
        OrganizationCreate.model_validate(org)
    for user in city["users"]:
        UserCreate.model_validate(
            {k: v for k, v in user.items() if k not in ("organization", "enterprise")}
            | {"password": DEMO_PASSWORD, "organization_id": 1}
        )
    for e in read_demo_data("enterprises.json")["enterprises"]:
        EnterpriseCreate.model_validate(_fields(e))
    for d in read_demo_data("demands.json")["demands"]:
        DemandCreate.model_validate(_fields(d))
    for t in read_demo_data("talents.json")["talents"]:
        TalentCreate.model_validate(_fields(t))


def test_credit_codes_are_valid_and_unique() -> None:
    codes = [e["credit_code"] for e in read_demo_data("enterprises.json")["enterprises"]]
    assert all(uscc.is_valid(code) for code in codes)
    assert len(set(codes)) == len(codes) == EXPECTED["enterprises"]


def test_occupation_codes_exist_in_csco_2022() -> None:
    listed = {o["code"] for o in read_demo_data("occupations.json")["occupations"]}
    used = {d.get("occupation_code") for d in read_demo_data("demands.json")["demands"]} | {
        t.get("occupation_code") for t in read_demo_data("talents.json")["talents"]
    }
    assert used - {None} <= listed
    source = next((p for p in CSCO_CANDIDATES if p.exists()), None)
    if source is None:
        pytest.skip("CSCO 2022 table not available (../shared/data or matching/data)")
    with source.open(encoding="utf-8") as f:
        level4 = {row["code"] for row in csv.DictReader(f) if row["level"] == "4"}
    assert listed <= level4, listed - level4


def test_cross_agency_duplicates_are_planted() -> None:
    """The later duplicate-detection feature has the same person from two agencies to find."""
    by_number: dict[str, set[str]] = defaultdict(set)
    for t in read_demo_data("talents.json")["talents"]:
        if "id_number" in t:
            by_number[t["id_number"]].add(t["organization"])
    pairs = Counter(tuple(sorted(orgs)) for orgs in by_number.values() if len(orgs) > 1)
    assert pairs[("overseas_federation", "science_bureau")] >= 5
    assert sum(pairs.values()) >= 8


# --- loading ------------------------------------------------------------------------------------


def test_load_counts(db: Session, demo: dict[str, int]) -> None:
    assert demo == EXPECTED
    for model, key in [
        (Organization, "organizations"),
        (User, "users"),
        (Enterprise, "enterprises"),
        (Demand, "demands"),
        (Talent, "talents"),
    ]:
        assert db.scalar(select(func.count()).select_from(model)) == EXPECTED[key]
    kinds = set(db.scalars(select(Organization.kind)))
    assert kinds == {k.value for k in OrgKind}
    assert set(db.scalars(select(User.username))) == set(DEMO_USERS)
    statuses = Counter(db.scalars(select(Demand.status)))
    assert statuses["open"] > 100
    assert set(statuses) == {"open", "draft", "paused", "filled", "closed"}
    kinds_seen = set(db.scalars(select(Demand.kind)))
    assert kinds_seen == {"job", "project", "leading_talent"}
    per_agency = Counter(db.scalars(select(Organization.kind).join(Talent.organization)))
    assert len(per_agency) == 6
    assert min(per_agency.values()) >= 50
    assert set(db.scalars(select(Enterprise.industry))) >= set("ACIM")
    hashed = db.scalars(select(Talent.id_number_hash).where(Talent.id_number_hash.is_not(None)))
    assert all(h is not None and len(h) == 64 for h in hashed)


def test_load_writes_the_audit_log(db: Session, demo: dict[str, int]) -> None:
    rows = db.execute(
        select(AuditLog.entity, AuditLog.actor_name).where(AuditLog.action == "create")
    )
    counted = Counter(entity for entity, actor in rows if actor == "demo")
    assert counted == Counter(EXPECTED)


def test_refuses_a_database_with_organisations(db: Session, demo: dict[str, int]) -> None:
    with pytest.raises(DemoDataError, match="already has organisations"):
        load_demo(db, id_key="test-id-key")


def _snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    models: tuple[type[Any], ...] = (Organization, User, Enterprise, Demand, Talent)
    for model in models:
        # salted hashes and per-account secrets are random by design
        secret = {"password_hash", "auth_secret"}
        columns = [c.key for c in inspect(model).column_attrs if c.key not in secret]
        rows = session.execute(select(*[getattr(model, c) for c in columns]).order_by(model.id))
        out[model.__tablename__] = [tuple(r) for r in rows]
    return out


def test_deterministic(tmp_path: Path) -> None:
    """Two loads give the same city (its load time is a benchmark figure, not a test)."""
    install_audit_hook()
    snapshots = []
    for n in range(2):
        engine = make_engine(f"sqlite:///{tmp_path / f'demo{n}.db'}")
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            set_actor(session, None, "demo")
            load_demo(session, id_key="same-key")
            session.commit()
            snapshots.append(_snapshot(session))
        engine.dispose()
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0]["talents"]) == EXPECTED["talents"]


# --- the demo as its users meet it --------------------------------------------------------------


def _token(client: TestClient, username: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, (username, response.text)
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_every_demo_login_works(client: TestClient, demo: dict[str, int]) -> None:
    for username in DEMO_USERS:
        headers = _token(client, username)
        assert client.get("/api/v1/demands?limit=1", headers=headers).status_code == 200


def _user(db: Session, username: str) -> Viewer:
    return Viewer.of(db.scalars(select(User).where(User.username == username)).one())


def test_scoping(client: TestClient, db: Session, demo: dict[str, int]) -> None:
    org_of = {
        kind: db.scalars(select(Organization).where(Organization.kind == kind)).one()
        for kind in ("science_bureau", "general_chamber", "youth_chamber")
    }
    kejiju_count = db.scalar(
        select(func.count())
        .select_from(Talent)
        .where(Talent.organization_id == org_of["science_bureau"].id)
    )
    assert kejiju_count is not None
    assert 0 < kejiju_count < EXPECTED["talents"]

    # kejiju sees only 科技局 talents, through the service and through the API.
    items, total = list_talents(db, _user(db, "kejiju"), limit=1000)
    assert total == kejiju_count == len(items)
    assert {t.organization_id for t in items} == {org_of["science_bureau"].id}
    page = client.get("/api/v1/talents?limit=200", headers=_token(client, "kejiju")).json()
    assert page["total"] == kejiju_count
    assert {t["organization_id"] for t in page["items"]} == {org_of["science_bureau"].id}
    # ... while the office sees every talent.
    _, office_total = list_talents(db, _user(db, "office"), limit=1)
    assert office_total == EXPECTED["talents"]

    # Each chamber sees only its members; the enterprise user only its own firm.
    general, general_total = list_enterprises(db, _user(db, "chamber"), limit=1000)
    youth, youth_total = list_enterprises(db, _user(db, "youth"), limit=1000)
    assert general_total + youth_total == EXPECTED["enterprises"]
    assert {e.chamber_id for e in general} == {org_of["general_chamber"].id}
    assert {e.chamber_id for e in youth} == {org_of["youth_chamber"].id}
    own, own_total = list_enterprises(db, _user(db, "enterprise"), limit=1000)
    assert own_total == 1
    assert own[0].id == _user(db, "enterprise").enterprise_id
    assert own[0].chamber_id == org_of["general_chamber"].id
    demands = client.get("/api/v1/demands?limit=200", headers=_token(client, "enterprise")).json()
    assert demands["total"] >= 2
    assert {d["enterprise_id"] for d in demands["items"]} == {own[0].id}


def test_roles_match_the_readme(db: Session, demo: dict[str, int]) -> None:
    roles = {u.username: (u.role, u.organization.kind) for u in db.scalars(select(User))}
    assert roles["office"] == (Role.office_admin, "talent_office")
    assert roles["reviewer"] == (Role.office_reviewer, "talent_office")
    assert roles["chamber"] == (Role.chamber_staff, "general_chamber")
    assert roles["youth"] == (Role.chamber_staff, "youth_chamber")
    assert roles["enterprise"] == (Role.enterprise_user, "general_chamber")
    assert roles["kejiju"] == (Role.agency_staff, "science_bureau")
    assert roles["renshe"] == (Role.agency_staff, "hrss_bureau")
    assert roles["qiaolian"] == (Role.agency_staff, "overseas_federation")
