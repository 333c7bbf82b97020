"""The columns of each importable kind: header labels (zh and en), cell type, enumeration.

One table drives the template, the header matching, the row parsing and the export, so a
column exported is a column imported.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from app.i18n import translate
from app.models.enums import (
    INDUSTRY_SECTIONS,
    DemandKind,
    DemandStatus,
    Education,
    EnterpriseSize,
    Gender,
    TalentStatus,
)

Kind = Literal["talents", "enterprises", "demands"]
KINDS: tuple[Kind, ...] = ("talents", "enterprises", "demands")
CellType = Literal[
    "text", "long", "int", "date", "bool", "enum", "phone", "email", "id", "list", "code"
]


@dataclass(frozen=True)
class Column:
    name: str  # schema field, or "id" / "enterprise_credit_code"
    type: CellType = "text"
    required: bool = False
    label_key: str | None = None
    enum_group: str | None = None
    enum_values: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    example: tuple[object, ...] = ()
    width: int = 14

    @property
    def label(self) -> str:
        return self.label_key or f"field.{self.name}"

    def header(self, locale: str) -> str:
        return translate(self.label, locale)


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    sheet_key: str
    columns: tuple[Column, ...]
    by_name: dict[str, Column] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.by_name.update({c.name: c for c in self.columns})

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]


def _values(enum: type[object]) -> tuple[str, ...]:
    return tuple(str(getattr(m, "value")) for m in enum)  # type: ignore[attr-defined]  # noqa: B009


SYSTEM_ID = Column("id", "int", label_key="field.import_system_id", aliases=("系统id", "编号id"))

TALENT = KindSpec(
    "talents",
    "title.talents",
    (
        SYSTEM_ID,
        Column(
            "external_key",
            aliases=("编号", "外部编号", "本单位编号", "人员编号", "externalid"),
            example=("KJ-2026-001", "KJ-2026-002"),
        ),
        Column(
            "name",
            required=True,
            label_key="field.talent_name",
            aliases=("名字", "人才姓名", "姓名name"),
            example=("李明", "Anna Müller"),
            width=12,
        ),
        Column(
            "gender",
            "enum",
            enum_group="gender",
            enum_values=_values(Gender),
            aliases=("性别",),
            example=("男", "女"),
            width=8,
        ),
        Column(
            "birth_year",
            "int",
            aliases=("出生年", "出生年份", "出生年月"),
            example=(1988, 1990),
            width=10,
        ),
        Column(
            "education",
            "enum",
            enum_group="education",
            enum_values=_values(Education),
            aliases=("学历", "最高学历"),
            example=("硕士", "博士"),
        ),
        Column(
            "school", aliases=("学校", "毕业学校", "毕业院校"), example=("浙江大学", "TU München")
        ),
        Column("major", aliases=("所学专业",), example=("计算机科学与技术", "Materials Science")),
        Column("professional_title", aliases=("职称",), example=("高级工程师", "")),
        Column(
            "employer",
            aliases=("工作单位", "单位", "现单位", "所在单位"),
            example=("临江数智科技", "Fraunhofer IWM"),
            width=20,
        ),
        Column("position", aliases=("职务", "岗位", "现职务"), example=("技术总监", "Researcher")),
        Column("years_experience", "int", aliases=("工龄", "工作经验"), example=(10, 6)),
        Column(
            "skills",
            "list",
            aliases=("专业技能", "特长"),
            example=("Python、大数据", "锂电池、材料表征"),
            width=24,
        ),
        Column("languages", "list", aliases=("外语", "语种"), example=("中文、英语", "德语、英语")),
        Column(
            "summary",
            "long",
            aliases=("简介", "个人简介", "工作经历"),
            example=("从事数据平台研发十年。", "Battery materials researcher."),
            width=30,
        ),
        Column(
            "preferred_locations",
            "list",
            aliases=("意向地点", "期望地点"),
            example=("滨江区", "高新区"),
        ),
        Column("expected_salary", "int", aliases=("期望月薪", "期望薪资"), example=(25000, 30000)),
        Column("occupation_code", "code", aliases=("职业编码",), example=("", "")),
        Column(
            "is_returnee",
            "bool",
            aliases=("是否留学回国", "海归", "留学回国"),
            example=("否", "是"),
        ),
        Column("is_foreign_national", "bool", aliases=("是否外籍", "外籍"), example=("否", "是")),
        Column("nationality", aliases=("国籍",), example=("中国", "德国")),
        Column(
            "phone",
            "phone",
            aliases=("手机", "手机号", "电话", "联系电话", "电话号码", "mobile"),
            example=("13812345678", "+49 151 23456789"),
            width=16,
        ),
        Column(
            "email",
            "email",
            aliases=("邮箱", "电子邮件", "mail"),
            example=("liming@example.com", "anna@example.de"),
            width=22,
        ),
        Column(
            "id_number",
            "id",
            aliases=("身份证", "身份证号", "身份证号码", "证件号码"),
            example=("", ""),
            width=20,
        ),
        Column(
            "consent_date",
            "date",
            required=True,
            aliases=("授权时间", "同意日期"),
            example=("2026-03-01", "2026年3月2日"),
            width=12,
        ),
        Column(
            "consent_scope", aliases=("授权说明",), example=("同意用于岗位匹配", "同意用于岗位匹配")
        ),
        Column(
            "status",
            "enum",
            enum_group="talent_status",
            enum_values=_values(TalentStatus),
            aliases=("推荐状态",),
            example=("可推荐", "可推荐"),
        ),
    ),
)

ENTERPRISE = KindSpec(
    "enterprises",
    "title.enterprises",
    (
        SYSTEM_ID,
        Column(
            "name",
            required=True,
            label_key="field.enterprise_name",
            aliases=("企业名称", "单位名称", "名称"),
            example=("临江星河科技有限公司",),
            width=24,
        ),
        Column(
            "credit_code",
            "code",
            required=True,
            aliases=("信用代码", "社会信用代码", "统一信用代码"),
            example=("91410100000000001X",),
            width=22,
        ),
        Column(
            "industry",
            "enum",
            required=True,
            enum_group="industry",
            enum_values=INDUSTRY_SECTIONS,
            aliases=("行业", "所属行业"),
            example=("I 信息传输、软件和信息技术服务业",),
            width=26,
        ),
        Column("district", required=True, aliases=("区县", "所在区", "区域"), example=("滨江区",)),
        Column(
            "size",
            "enum",
            required=True,
            enum_group="size",
            enum_values=_values(EnterpriseSize),
            aliases=("规模",),
            example=("小型",),
        ),
        Column("contact_name", required=True, aliases=("联系人姓名",), example=("王经理",)),
        Column(
            "contact_phone",
            "phone",
            required=True,
            aliases=("电话", "手机", "联系方式"),
            example=("13812345678",),
            width=16,
        ),
    ),
)

DEMAND = KindSpec(
    "demands",
    "title.demands",
    (
        SYSTEM_ID,
        Column(
            "enterprise_credit_code",
            "code",
            required=True,
            label_key="field.import_enterprise_credit_code",
            aliases=("企业信用代码", "统一社会信用代码", "企业代码"),
            example=("91410100000000001X",),
            width=22,
        ),
        Column(
            "kind",
            "enum",
            required=True,
            enum_group="demand_kind",
            enum_values=_values(DemandKind),
            aliases=("需求类型", "类型"),
            example=("岗位",),
        ),
        Column(
            "title",
            required=True,
            aliases=("需求名称", "岗位名称", "名称"),
            example=("Python后端开发工程师",),
            width=22,
        ),
        Column(
            "description",
            "long",
            aliases=("描述", "岗位职责", "需求说明"),
            example=("负责数据平台后端开发。",),
            width=30,
        ),
        Column("headcount", "int", aliases=("人数", "招聘人数"), example=(2,)),
        Column("occupation_code", "code", aliases=("职业编码",), example=("",)),
        Column(
            "min_education",
            "enum",
            enum_group="education",
            enum_values=_values(Education),
            aliases=("学历要求", "学历"),
            example=("本科",),
        ),
        Column("majors", "list", aliases=("专业",), example=("计算机科学与技术",)),
        Column("min_years_experience", "int", aliases=("工作年限", "经验要求"), example=(2,)),
        Column("required_skills", "list", aliases=("技能要求",), example=("Python、SQL",)),
        Column("preferred_skills", "list", aliases=(), example=("Docker",)),
        Column("languages", "list", aliases=("语言要求",), example=("中文",)),
        Column("work_location", aliases=("地点",), example=("滨江区",)),
        Column("salary_min", "int", aliases=("最低月薪", "薪资下限"), example=(12000,)),
        Column("salary_max", "int", aliases=("最高月薪", "薪资上限"), example=(20000,)),
        Column("overseas_required", "bool", aliases=("海外经历",), example=("否",)),
        Column("deadline", "date", aliases=("截止时间",), example=("2027-03-31",)),
        Column(
            "status",
            "enum",
            enum_group="demand_status",
            enum_values=_values(DemandStatus),
            aliases=("需求状态",),
            example=("招募中",),
        ),
    ),
)

SPECS: dict[str, KindSpec] = {"talents": TALENT, "enterprises": ENTERPRISE, "demands": DEMAND}

_BRACKETS = re.compile(r"[（(\[【].*?[）)\]】]")
_NOISE = re.compile(r"[\s*＊:：_\-./·]+")


def header_key(text: str) -> str:
    """A header cell reduced to compare: width, case, spaces, `*` and (notes) do not matter."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = _BRACKETS.sub("", text)
    return _NOISE.sub("", text)


def header_index(spec: KindSpec) -> dict[str, Column]:
    """Every accepted spelling of every header: zh and en labels, the field name, aliases."""
    out: dict[str, Column] = {}
    for col in spec.columns:
        for text in (col.header("zh"), col.header("en"), col.name, *col.aliases):
            out.setdefault(header_key(text), col)
    return out
