"""Enumerations shared by models, schemas, forms and imports (values are stored as strings)."""

from __future__ import annotations

from enum import StrEnum


class Side(StrEnum):
    office = "office"
    demand = "demand"
    supply = "supply"


class OrgKind(StrEnum):
    talent_office = "talent_office"  # 人才办
    general_chamber = "general_chamber"  # 总商会
    youth_chamber = "youth_chamber"  # 青商会
    science_bureau = "science_bureau"  # 科技局
    hrss_bureau = "hrss_bureau"  # 人社局
    science_association = "science_association"  # 科协
    overseas_federation = "overseas_federation"  # 侨联
    overseas_affairs_office = "overseas_affairs_office"  # 侨办
    foreign_affairs_office = "foreign_affairs_office"  # 外事办


ORG_KIND_SIDE: dict[OrgKind, Side] = {
    OrgKind.talent_office: Side.office,
    OrgKind.general_chamber: Side.demand,
    OrgKind.youth_chamber: Side.demand,
    OrgKind.science_bureau: Side.supply,
    OrgKind.hrss_bureau: Side.supply,
    OrgKind.science_association: Side.supply,
    OrgKind.overseas_federation: Side.supply,
    OrgKind.overseas_affairs_office: Side.supply,
    OrgKind.foreign_affairs_office: Side.supply,
}


class Role(StrEnum):
    office_admin = "office_admin"
    office_reviewer = "office_reviewer"
    chamber_staff = "chamber_staff"
    enterprise_user = "enterprise_user"
    agency_staff = "agency_staff"


ROLE_SIDE: dict[Role, Side] = {
    Role.office_admin: Side.office,
    Role.office_reviewer: Side.office,
    Role.chamber_staff: Side.demand,
    Role.enterprise_user: Side.demand,
    Role.agency_staff: Side.supply,
}


class Education(StrEnum):
    """Ordered from lowest to highest; `rank` compares them."""

    high_school = "high_school"  # 高中及以下
    associate = "associate"  # 大专
    bachelor = "bachelor"  # 本科
    master = "master"  # 硕士
    doctor = "doctor"  # 博士

    @property
    def rank(self) -> int:
        return list(Education).index(self)


class EnterpriseSize(StrEnum):
    micro = "micro"
    small = "small"
    medium = "medium"
    large = "large"


class DemandKind(StrEnum):
    job = "job"  # 岗位
    project = "project"  # 项目合作
    leading_talent = "leading_talent"  # 领军人才项目


class DemandStatus(StrEnum):
    draft = "draft"
    open = "open"
    paused = "paused"
    filled = "filled"
    closed = "closed"
    archived = "archived"  # deleted with history (introductions): kept, out of every list


class TalentStatus(StrEnum):
    active = "active"
    inactive = "inactive"


class Gender(StrEnum):
    male = "male"
    female = "female"


# GB/T 4754-2017 sections (门类), A to T.
INDUSTRY_SECTIONS: tuple[str, ...] = tuple("ABCDEFGHIJKLMNOPQRST")


class RejectReason(StrEnum):
    """Why a reviewer rejected a suggestion."""

    education_mismatch = "education_mismatch"  # 学历不符
    major_mismatch = "major_mismatch"  # 专业不符
    insufficient_experience = "insufficient_experience"  # 经验不足
    salary_mismatch = "salary_mismatch"  # 薪资不符
    location_mismatch = "location_mismatch"  # 地点不符
    talent_employed = "talent_employed"  # 人才已就业
    demand_changed = "demand_changed"  # 需求已变更
    other = "other"  # 其他


class ConsentMethod(StrEnum):
    """How the submitting agency obtained the talent's answer to an introduction."""

    phone = "phone"
    in_person = "in_person"
    written = "written"
    online = "online"


class IntroductionOutcome(StrEnum):
    interviewed = "interviewed"
    hired = "hired"
    declined_by_enterprise = "declined_by_enterprise"
    declined_by_talent = "declined_by_talent"
