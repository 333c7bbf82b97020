"""Builders with realistic zh/en data; they add and flush, never commit."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import uscc

from app.models import Demand, Enterprise, Organization, Talent, User
from app.models.enums import ORG_KIND_SIDE, OrgKind, Role
from app.security import hash_password

PASSWORD = "talent-test-pw"
_PASSWORD_HASH = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per run
_seq = itertools.count(1)

ORG_NAMES = {
    OrgKind.talent_office: ("人才办", "Talent Office"),
    OrgKind.general_chamber: ("总商会", "General Chamber of Commerce"),
    OrgKind.youth_chamber: ("青商会", "Young Entrepreneurs' Association"),
    OrgKind.science_bureau: ("科技局", "Science and Technology Bureau"),
    OrgKind.hrss_bureau: ("人社局", "Human Resources and Social Security Bureau"),
    OrgKind.science_association: ("科协", "Association for Science and Technology"),
    OrgKind.overseas_federation: ("侨联", "Overseas Chinese Federation"),
    OrgKind.overseas_affairs_office: ("侨办", "Overseas Chinese Affairs Office"),
    OrgKind.foreign_affairs_office: ("外事办", "Foreign Affairs Office"),
}


def credit_code(n: int) -> str:
    """A valid unified social credit code, different for each n."""
    body = f"91410100{n:09d}"
    return body + uscc.calc_check_digit(body)


def make_orgs(db: Session) -> dict[OrgKind, Organization]:
    orgs = {}
    for kind, (zh, en) in ORG_NAMES.items():
        org = db.scalar(select(Organization).where(Organization.kind == kind.value))
        if org is None:
            org = Organization(
                name_zh=zh, name_en=en, kind=kind.value, side=ORG_KIND_SIDE[kind].value
            )
            db.add(org)
        orgs[kind] = org
    db.flush()
    return orgs


def make_user(
    db: Session,
    org: Organization,
    role: Role,
    *,
    username: str | None = None,
    enterprise: Enterprise | None = None,
) -> User:
    user = User(
        username=username or f"user{next(_seq)}",
        password_hash=_PASSWORD_HASH,
        display_name="测试用户",
        role=role.value,
        organization_id=org.id,
        enterprise_id=enterprise.id if enterprise else None,
    )
    db.add(user)
    db.flush()
    return user


def make_enterprise(db: Session, chamber: Organization, **overrides: Any) -> Enterprise:
    n = next(_seq)
    values: dict[str, Any] = {
        "name": f"临江星河科技有限公司{n}",
        "credit_code": credit_code(n),
        "industry": "I",
        "district": "滨江区",
        "size": "small",
        "contact_name": "王经理",
        "contact_phone": "13812345678",
        "chamber_id": chamber.id,
    }
    values.update(overrides)
    enterprise = Enterprise(**values)
    db.add(enterprise)
    db.flush()
    return enterprise


def make_demand(db: Session, enterprise: Enterprise, **overrides: Any) -> Demand:
    values: dict[str, Any] = {
        "enterprise_id": enterprise.id,
        "kind": "job",
        "title": "Python后端开发工程师",
        "description": "负责数据平台后端开发，熟悉 Python 与 PostgreSQL。",
        "headcount": 2,
        "occupation_code": "2-02-10-03",
        "min_education": "bachelor",
        "majors": ["计算机科学与技术"],
        "min_years_experience": 2,
        "required_skills": ["Python", "SQL"],
        "preferred_skills": ["Docker"],
        "languages": ["中文"],
        "work_location": "滨江区",
        "salary_min": 12000,
        "salary_max": 20000,
        "overseas_required": False,
        "status": "open",
        "deadline": dt.date(2027, 3, 31),
    }
    values.update(overrides)
    demand = Demand(**values)
    db.add(demand)
    db.flush()
    return demand


def make_talent(db: Session, org: Organization, **overrides: Any) -> Talent:
    n = next(_seq)
    values: dict[str, Any] = {
        "organization_id": org.id,
        "name": "李明",
        "gender": "male",
        "birth_year": 1990,
        "education": "master",
        "school": "浙江大学",
        "major": "计算机科学与技术",
        "professional_title": "工程师",
        "employer": "临江数智科技",
        "position": "高级工程师",
        "years_experience": 8,
        "skills": ["Python", "机器学习"],
        "languages": ["中文", "英语"],
        "summary": "从事大数据平台研发八年。",
        "preferred_locations": ["滨江区"],
        "expected_salary": 18000,
        "phone": f"139{n:08d}",
        "email": f"liming{n}@example.com",
        "consent_date": dt.date(2026, 1, 5),
        "consent_scope": "同意用于岗位匹配",
        "status": "active",
    }
    values.update(overrides)
    talent = Talent(**values)
    db.add(talent)
    db.flush()
    return talent


@dataclass
class World:
    """Two of everything, so every test can ask "and what about the other organisation?"."""

    orgs: dict[OrgKind, Organization]
    users: dict[str, User] = field(default_factory=dict)
    enterprises: dict[str, Enterprise] = field(default_factory=dict)
    demands: dict[str, Demand] = field(default_factory=dict)
    talents: dict[str, Talent] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)


def make_world(db: Session) -> World:
    orgs = make_orgs(db)
    w = World(orgs)
    general, youth = orgs[OrgKind.general_chamber], orgs[OrgKind.youth_chamber]
    kejiju, renshe = orgs[OrgKind.science_bureau], orgs[OrgKind.hrss_bureau]
    w.enterprises["general"] = make_enterprise(db, general)
    w.enterprises["general2"] = make_enterprise(db, general, name="临江海川新材料有限公司")
    w.enterprises["youth"] = make_enterprise(db, youth, name="临江青禾农业科技有限公司")
    w.users["admin"] = make_user(db, orgs[OrgKind.talent_office], Role.office_admin)
    w.users["reviewer"] = make_user(db, orgs[OrgKind.talent_office], Role.office_reviewer)
    w.users["chamber"] = make_user(db, general, Role.chamber_staff)
    w.users["youth"] = make_user(db, youth, Role.chamber_staff)
    w.users["enterprise"] = make_user(
        db, general, Role.enterprise_user, enterprise=w.enterprises["general"]
    )
    w.users["enterprise2"] = make_user(
        db, general, Role.enterprise_user, enterprise=w.enterprises["general2"]
    )
    w.users["kejiju"] = make_user(db, kejiju, Role.agency_staff)
    w.users["renshe"] = make_user(db, renshe, Role.agency_staff)
    w.demands["general"] = make_demand(db, w.enterprises["general"])
    w.demands["general2"] = make_demand(db, w.enterprises["general2"], title="材料研发工程师")
    w.demands["youth"] = make_demand(db, w.enterprises["youth"], title="农业数据分析师")
    w.demands["youth_draft"] = make_demand(
        db, w.enterprises["youth"], title="草稿需求", status="draft"
    )
    w.talents["kejiju"] = make_talent(db, kejiju)
    w.talents["renshe"] = make_talent(db, renshe, name="张伟")
    return w
