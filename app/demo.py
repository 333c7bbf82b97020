"""The demo city that `talent-supermarket demo` loads: 临江市, fictional and deterministic.

The records live in `app/demo_data/*.json`, generated once (seeded) by
`scripts/build_demo_data.py` from public data and committed; this module reads nothing else, so
a clean clone can load the demo. Every record goes through the same Create schema the API uses
and becomes a model the way the services build one; everything is added to the caller's
session and flushed, never committed (the caller owns the transaction). Loading twice into two
empty databases gives the same rows, ids included; only the argon2 password salts and the audit
log's timestamps differ.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import talents as talent_policy
from app.accounts.schemas import UserCreate
from app.accounts.service import check_role_fits
from app.demands.schemas import DemandCreate
from app.enterprises.schemas import EnterpriseCreate
from app.models import Demand, Enterprise, Organization, Talent, User
from app.models.enums import ORG_KIND_SIDE, OrgKind, Role
from app.orgs.schemas import OrganizationCreate
from app.security import hash_id_number, hash_password
from app.talents.schemas import TalentCreate

DEMO_PASSWORD = "talent-demo"
DATA_FILES = ("city.json", "enterprises.json", "demands.json", "talents.json", "occupations.json")
# Keys that place a record (its chamber, enterprise, agency, author, time), not fields of it.
_PLACEMENT = frozenset({"chamber", "enterprise", "organization", "created_by", "created_at"})


class DemoDataError(RuntimeError):
    """The demo cannot be loaded (the database is not empty, or the data files disagree)."""


def read_demo_data(name: str) -> Any:
    """One of the committed JSON files (`DATA_FILES`), parsed."""
    text = resources.files("app").joinpath("demo_data", name).read_text(encoding="utf-8")
    return json.loads(text)


def load_demo(session: Session, *, id_key: str) -> dict[str, int]:
    """Add the demo city to an empty database; returns how many of each thing were added.

    Raises DemoDataError when the database already has organisations (the demo's organisation
    kinds are unique, and mixing the demo into real data would be a mistake).
    """
    if session.scalar(select(Organization.id).limit(1)) is not None:
        raise DemoDataError(
            "the database already has organisations; the demo loads only into an empty database"
        )
    city = read_demo_data("city.json")
    founded = dt.datetime.fromisoformat(city["users_created_at"])
    known_codes = {o["code"] for o in read_demo_data("occupations.json")["occupations"]}

    orgs: dict[str, Organization] = {}
    for record in city["organizations"]:
        org_in = OrganizationCreate.model_validate(record)
        orgs[org_in.kind.value] = Organization(
            **org_in.model_dump(),
            side=ORG_KIND_SIDE[org_in.kind].value,
            created_at=founded,
            updated_at=founded,
        )
    if set(orgs) != {k.value for k in OrgKind}:
        raise DemoDataError("city.json must hold each organisation kind exactly once")
    session.add_all(orgs.values())
    session.flush()

    enterprises: dict[str, Enterprise] = {}
    for record in read_demo_data("enterprises.json")["enterprises"]:
        e_in = EnterpriseCreate.model_validate(_fields(record))
        enterprises[e_in.credit_code] = Enterprise(
            **e_in.model_dump(exclude={"chamber_id"}),
            chamber_id=orgs[record["chamber"]].id,
            **_stamps(record),
        )
    session.add_all(enterprises.values())
    session.flush()

    # Every demo account has the same published password: one argon2 hash serves them all
    # (argon2 is slow on purpose, and 13 hashes would take most of the load time).
    password_hash = hash_password(DEMO_PASSWORD)
    users: dict[str, User] = {}
    for record in city["users"]:
        enterprise = enterprises[record["enterprise"]] if "enterprise" in record else None
        u_in = UserCreate(
            username=record["username"],
            password=DEMO_PASSWORD,
            display_name=record["display_name"],
            role=Role(record["role"]),
            organization_id=orgs[record["organization"]].id,
            enterprise_id=enterprise.id if enterprise else None,
        )
        check_role_fits(session, u_in.role, u_in.organization_id, u_in.enterprise_id)
        users[u_in.username] = User(
            **u_in.model_dump(exclude={"password", "role"}),
            role=u_in.role.value,
            password_hash=password_hash,
            created_at=founded,
        )
    session.add_all(users.values())
    session.flush()

    demands = []
    for record in read_demo_data("demands.json")["demands"]:
        d_in = DemandCreate.model_validate(_fields(record))
        _check_occupation(d_in.occupation_code, known_codes)
        demands.append(
            Demand(
                **d_in.model_dump(exclude={"enterprise_id"}),
                enterprise_id=enterprises[record["enterprise"]].id,
                created_by_id=users[record["created_by"]].id,
                **_stamps(record),
            )
        )
    session.add_all(demands)

    agency_staff: dict[int, int] = {}  # organisation id -> the user who entered its talents
    for user in users.values():
        agency = talent_policy.own_agency(Viewer.of(user))  # the agencies' own staff
        if agency is not None:
            agency_staff.setdefault(agency, user.id)
    talents = []
    for record in read_demo_data("talents.json")["talents"]:
        t_in = TalentCreate.model_validate(_fields(record))
        _check_occupation(t_in.occupation_code, known_codes)
        org = orgs[record["organization"]]
        talent = Talent(
            **t_in.model_dump(exclude={"organization_id", "id_number"}),
            organization_id=org.id,
            created_by_id=agency_staff[org.id],
            **_stamps(record),
        )
        if t_in.id_number:
            talent.id_number_hash = hash_id_number(t_in.id_number, id_key)
        talents.append(talent)
    session.add_all(talents)
    session.flush()
    return {
        "organizations": len(orgs),
        "users": len(users),
        "enterprises": len(enterprises),
        "demands": len(demands),
        "talents": len(talents),
    }


def _fields(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in _PLACEMENT}


def _stamps(record: dict[str, Any]) -> dict[str, dt.datetime]:
    moment = dt.datetime.fromisoformat(record["created_at"])
    return {"created_at": moment, "updated_at": moment}


def _check_occupation(code: str | None, known: set[str]) -> None:
    if code is not None and code not in known:
        raise DemoDataError(f"occupation code {code} is not in occupations.json")
