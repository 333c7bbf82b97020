"""Locale choice and the zh/en message catalogs; every visible string goes through `translate`."""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection

LOCALES = ("zh", "en")
LANG_COOKIE = "lang"

# message id -> (Chinese, English). Templates use `_("id")`; errors use "error.<code>";
# field errors "field_error.<pydantic type or our code>"; labels "field.<name>", "enum.<x>".
CATALOG: dict[str, tuple[str, str]] = {
    # --- errors -----------------------------------------------------------------------------
    "error.bad_request": ("请求无效", "Bad request"),
    "error.validation_error": ("提交的内容有误，请按提示修改", "Some fields need fixing"),
    "error.not_found": ("找不到该内容，或您无权查看", "Not found, or you may not see it"),
    "error.forbidden": ("您没有执行此操作的权限", "You are not allowed to do this"),
    "error.not_authenticated": ("请先登录", "Please log in first"),
    "error.invalid_credentials": ("用户名或密码错误", "Wrong username or password"),
    "error.too_many_attempts": (
        "尝试次数过多，请 {retry_after_s} 秒后再试",
        "Too many attempts; try again in {retry_after_s} seconds",
    ),
    "error.csrf_failed": (
        "页面已过期，请刷新后重新提交",
        "The page has expired; reload it and submit again",
    ),
    "error.conflict": ("与现有数据冲突", "Conflicts with existing data"),
    "error.body_too_large": (
        "提交的内容过大（上限 {limit_bytes} 字节）",
        "Request body too large (limit {limit_bytes} bytes)",
    ),
    "error.method_not_allowed": ("不支持该请求方法", "Method not allowed"),
    "error.unsupported_media_type": ("不支持的内容类型", "Unsupported media type"),
    "error.http_error": ("请求失败（{status}）", "Request failed ({status})"),
    "error.internal_error": (
        "服务器内部错误，请稍后再试；问题已记录",
        "Internal error; it has been logged, try again later",
    ),
    "error.organization_in_use": (
        "该机构下仍有用户或数据，不能删除",
        "This organisation still has users or data",
    ),
    "error.enterprise_in_use": (
        "该企业仍有需求，不能删除",
        "This enterprise still has demands; delete them first",
    ),
    # --- field errors (pydantic types and our own codes) --------------------------------------
    "field_error.missing": ("此项必填", "This field is required"),
    "field_error.string_too_long": (
        "不能超过 {max_length} 个字符",
        "At most {max_length} characters",
    ),
    "field_error.string_too_short": (
        "至少 {min_length} 个字符",
        "At least {min_length} characters",
    ),
    "field_error.too_long": ("最多 {max_length} 项", "At most {max_length} items"),
    "field_error.greater_than_equal": ("不能小于 {ge}", "Must be at least {ge}"),
    "field_error.greater_than": ("必须大于 {gt}", "Must be greater than {gt}"),
    "field_error.less_than_equal": ("不能大于 {le}", "Must be at most {le}"),
    "field_error.int_parsing": ("请输入整数", "Enter a whole number"),
    "field_error.int_type": ("请输入整数", "Enter a whole number"),
    "field_error.int_from_float": ("请输入整数", "Enter a whole number"),
    "field_error.bool_parsing": ("请选择是或否", "Choose yes or no"),
    "field_error.bool_type": ("请选择是或否", "Choose yes or no"),
    "field_error.string_type": ("请输入文字", "Enter text"),
    "field_error.list_type": ("应为列表", "Must be a list"),
    "field_error.date_parsing": ("日期格式应为 YYYY-MM-DD", "Date must be YYYY-MM-DD"),
    "field_error.date_from_datetime_parsing": (
        "日期格式应为 YYYY-MM-DD",
        "Date must be YYYY-MM-DD",
    ),
    "field_error.date_type": ("日期格式应为 YYYY-MM-DD", "Date must be YYYY-MM-DD"),
    "field_error.enum": ("请从可选项中选择：{expected}", "Choose one of: {expected}"),
    "field_error.literal_error": ("请从可选项中选择：{expected}", "Choose one of: {expected}"),
    "field_error.model_attributes_type": (
        "请求体必须是 JSON 对象",
        "The request body must be a JSON object",
    ),
    "field_error.dict_type": ("请求体必须是 JSON 对象", "The request body must be a JSON object"),
    "field_error.model_type": ("请求体必须是 JSON 对象", "The request body must be a JSON object"),
    "field_error.json_invalid": ("JSON 格式错误", "Malformed JSON"),
    "field_error.extra_forbidden": ("不认识的字段", "Unknown field"),
    "field_error.value_error": ("取值无效", "Invalid value"),
    "field_error.credit_code_invalid": (
        "统一社会信用代码无效（18 位，校验位不符）",
        "Invalid unified social credit code (18 characters with a check character)",
    ),
    "field_error.credit_code_taken": (
        "该统一社会信用代码已登记",
        "This unified social credit code is already registered",
    ),
    "field_error.username_taken": ("用户名已被占用", "Username already taken"),
    "field_error.phone_invalid": (
        "电话号码格式不正确，例如 13812345678 或 0371-12345678",
        "Invalid phone number, e.g. 13812345678 or 0371-12345678",
    ),
    "field_error.email_invalid": ("电子邮箱格式不正确", "Invalid e-mail address"),
    "field_error.id_number_invalid": ("身份证号码无效", "Invalid ID card number"),
    "field_error.birth_year_future": ("出生年份不能晚于今年", "Birth year cannot be in the future"),
    "field_error.salary_range": (
        "最低月薪不能高于最高月薪",
        "Minimum salary cannot exceed the maximum",
    ),
    "field_error.occupation_unknown": (
        "职业编码 {code} 不在《职业分类大典（2022）》中",
        "Occupation code {code} is not in CSCO 2022",
    ),
    "field_error.industry_invalid": (
        "行业门类应为 A–T 中的一个字母",
        "Industry must be a GB/T 4754 section letter A–T",
    ),
    "field_error.not_a_chamber": ("请选择总商会或青商会", "Choose a chamber of commerce"),
    "field_error.not_a_supply_org": ("请选择人才供给方机构", "Choose a supply-side agency"),
    "field_error.enterprise_unknown": ("企业不存在或不在您的范围内", "Unknown enterprise"),
    "field_error.organization_unknown": ("机构不存在", "Unknown organisation"),
    "field_error.org_kind_taken": ("该类型的机构已存在", "An organisation of this kind exists"),
    "field_error.role_org_mismatch": (
        "角色与所属机构不匹配",
        "The role does not fit the organisation",
    ),
    "field_error.item_too_long": (
        "每一项不能超过 {max_length} 个字符",
        "Each item at most {max_length} characters",
    ),
    # --- enumerations ------------------------------------------------------------------------
    "enum.side.office": ("人才办", "Talent office"),
    "enum.side.demand": ("需求方", "Demand side"),
    "enum.side.supply": ("供给方", "Supply side"),
    "enum.kind.talent_office": ("人才办", "Talent Office"),
    "enum.kind.general_chamber": ("总商会", "General Chamber of Commerce"),
    "enum.kind.youth_chamber": ("青商会", "Young Entrepreneurs' Association"),
    "enum.kind.science_bureau": ("科技局", "Science & Technology Bureau"),
    "enum.kind.hrss_bureau": ("人社局", "Human Resources & Social Security Bureau"),
    "enum.kind.science_association": ("科协", "Science Association"),
    "enum.kind.overseas_federation": ("侨联", "Overseas Chinese Federation"),
    "enum.kind.overseas_affairs_office": ("侨办", "Overseas Chinese Affairs Office"),
    "enum.kind.foreign_affairs_office": ("外事办", "Foreign Affairs Office"),
    "enum.role.office_admin": ("人才办管理员", "Office administrator"),
    "enum.role.office_reviewer": ("人才办审核员", "Office reviewer"),
    "enum.role.chamber_staff": ("商会工作人员", "Chamber staff"),
    "enum.role.enterprise_user": ("企业用户", "Enterprise user"),
    "enum.role.agency_staff": ("部门工作人员", "Agency staff"),
    "enum.education.high_school": ("高中及以下", "High school or below"),
    "enum.education.associate": ("大专", "Associate degree"),
    "enum.education.bachelor": ("本科", "Bachelor"),
    "enum.education.master": ("硕士", "Master"),
    "enum.education.doctor": ("博士", "Doctorate"),
    "enum.size.micro": ("微型", "Micro"),
    "enum.size.small": ("小型", "Small"),
    "enum.size.medium": ("中型", "Medium"),
    "enum.size.large": ("大型", "Large"),
    "enum.demand_kind.job": ("岗位", "Job"),
    "enum.demand_kind.project": ("项目合作", "R&D project"),
    "enum.demand_kind.leading_talent": ("领军人才项目", "Leading-talent project"),
    "enum.demand_status.draft": ("草稿", "Draft"),
    "enum.demand_status.open": ("招募中", "Open"),
    "enum.demand_status.paused": ("已暂停", "Paused"),
    "enum.demand_status.filled": ("已满员", "Filled"),
    "enum.demand_status.closed": ("已关闭", "Closed"),
    "enum.talent_status.active": ("可推荐", "Active"),
    "enum.talent_status.inactive": ("暂停推荐", "Inactive"),
    "enum.gender.male": ("男", "Male"),
    "enum.gender.female": ("女", "Female"),
    "enum.industry.A": ("A 农、林、牧、渔业", "A Agriculture, forestry, fishing"),
    "enum.industry.B": ("B 采矿业", "B Mining"),
    "enum.industry.C": ("C 制造业", "C Manufacturing"),
    "enum.industry.D": ("D 电力、热力、燃气及水生产和供应业", "D Utilities"),
    "enum.industry.E": ("E 建筑业", "E Construction"),
    "enum.industry.F": ("F 批发和零售业", "F Wholesale and retail"),
    "enum.industry.G": ("G 交通运输、仓储和邮政业", "G Transport, storage and post"),
    "enum.industry.H": ("H 住宿和餐饮业", "H Accommodation and catering"),
    "enum.industry.I": ("I 信息传输、软件和信息技术服务业", "I Information technology"),
    "enum.industry.J": ("J 金融业", "J Finance"),
    "enum.industry.K": ("K 房地产业", "K Real estate"),
    "enum.industry.L": ("L 租赁和商务服务业", "L Leasing and business services"),
    "enum.industry.M": ("M 科学研究和技术服务业", "M Research and technical services"),
    "enum.industry.N": ("N 水利、环境和公共设施管理业", "N Water, environment, public facilities"),
    "enum.industry.O": ("O 居民服务、修理和其他服务业", "O Household and other services"),
    "enum.industry.P": ("P 教育", "P Education"),
    "enum.industry.Q": ("Q 卫生和社会工作", "Q Health and social work"),
    "enum.industry.R": ("R 文化、体育和娱乐业", "R Culture, sports, entertainment"),
    "enum.industry.S": ("S 公共管理、社会保障和社会组织", "S Public administration"),
    "enum.industry.T": ("T 国际组织", "T International organisations"),
    "enum.bool.true": ("是", "Yes"),
    "enum.bool.false": ("否", "No"),
    # --- field labels ------------------------------------------------------------------------
    "field.name_zh": ("中文名称", "Chinese name"),
    "field.name_en": ("英文名称", "English name"),
    "field.side": ("类别", "Side"),
    "field.kind": ("类型", "Kind"),
    "field.name": ("名称", "Name"),
    "field.talent_name": ("姓名", "Name"),
    "field.credit_code": ("统一社会信用代码", "Unified social credit code"),
    "field.industry": ("行业门类", "Industry (GB/T 4754)"),
    "field.district": ("所在区县", "District"),
    "field.size": ("企业规模", "Size"),
    "field.contact_name": ("联系人", "Contact person"),
    "field.contact_phone": ("联系电话", "Contact phone"),
    "field.chamber_id": ("所属商会", "Chamber"),
    "field.chamber": ("所属商会", "Chamber"),
    "field.enterprise_id": ("企业", "Enterprise"),
    "field.enterprise": ("企业", "Enterprise"),
    "field.title": ("标题", "Title"),
    "field.description": ("需求描述", "Description"),
    "field.headcount": ("需求人数", "Headcount"),
    "field.occupation_code": ("职业编码（职业分类大典 2022）", "Occupation code (CSCO 2022)"),
    "field.min_education": ("最低学历", "Minimum education"),
    "field.majors": ("专业要求", "Majors"),
    "field.min_years_experience": ("最少工作年限", "Minimum years of experience"),
    "field.required_skills": ("必备技能", "Required skills"),
    "field.preferred_skills": ("优先技能", "Preferred skills"),
    "field.languages": ("语言", "Languages"),
    "field.work_location": ("工作地点", "Work location"),
    "field.salary_min": ("最低月薪（元）", "Monthly salary from (yuan)"),
    "field.salary_max": ("最高月薪（元）", "Monthly salary to (yuan)"),
    "field.overseas_required": ("要求海外经历", "Overseas experience required"),
    "field.deadline": ("截止日期", "Deadline"),
    "field.status": ("状态", "Status"),
    "field.gender": ("性别", "Gender"),
    "field.birth_year": ("出生年份", "Birth year"),
    "field.education": ("最高学历", "Highest education"),
    "field.school": ("毕业院校", "School"),
    "field.major": ("专业", "Major"),
    "field.professional_title": ("职称", "Professional title"),
    "field.employer": ("现工作单位", "Current employer"),
    "field.position": ("现任职务", "Current position"),
    "field.years_experience": ("工作年限", "Years of experience"),
    "field.skills": ("技能", "Skills"),
    "field.summary": ("个人简介与经历", "Summary and experience"),
    "field.preferred_locations": ("意向工作地点", "Preferred locations"),
    "field.expected_salary": ("期望月薪（元）", "Expected monthly salary (yuan)"),
    "field.is_returnee": ("留学回国人员", "Returnee"),
    "field.is_foreign_national": ("外籍人员", "Foreign national"),
    "field.nationality": ("国籍", "Nationality"),
    "field.phone": ("手机号码", "Phone"),
    "field.email": ("电子邮箱", "E-mail"),
    "field.id_number": ("身份证号码（仅存储加密摘要）", "ID number (only a keyed hash is kept)"),
    "field.consent_date": ("授权日期", "Consent date"),
    "field.consent_scope": ("授权范围", "Consent scope"),
    "field.organization_id": ("所属机构", "Organisation"),
    "field.organization": ("所属机构", "Organisation"),
    "field.external_key": ("本单位编号", "Your own ID"),
    "field.username": ("用户名", "Username"),
    "field.password": ("密码", "Password"),
    "field.display_name": ("显示名称", "Display name"),
    "field.role": ("角色", "Role"),
    "field.is_active": ("启用", "Active"),
    "field.created_at": ("创建时间", "Created"),
    "field.updated_at": ("更新时间", "Updated"),
    "field.q": ("关键词", "Keywords"),
    "field.id_number_on_file": ("已登记身份证摘要", "ID hash on file"),
    "section.basic": ("基本信息", "Basics"),
    "section.education_work": ("学历与工作", "Education and work"),
    "section.skills_wishes": ("技能与意向", "Skills and wishes"),
    "section.contact_consent": ("联系方式与授权", "Contact and consent"),
    "section.demand": ("需求信息", "The demand"),
    "section.requirements": ("任职要求", "Requirements"),
    "section.terms": ("地点与待遇", "Location and pay"),
    # --- help texts ----------------------------------------------------------------------------
    "help.list_input": ("多项用逗号、顿号或换行分隔", "Separate items with commas or new lines"),
    "help.credit_code": ("18 位，最后一位为校验码", "18 characters; the last is a check character"),
    "help.occupation_code": ("例如 2-02-10-03；可留空", "e.g. 2-02-10-03; optional"),
    "help.id_number": (
        "仅用于跨部门查重，系统只保存不可逆摘要",
        "Used only to find duplicates; only a hash is kept",
    ),
    "help.consent": (
        "须取得本人同意后方可录入",
        "Record the person's consent before entering the profile",
    ),
    # --- UI ------------------------------------------------------------------------------------
    "app.name": ("人才超市", "Talent Supermarket"),
    "app.tagline": ("人才与企业精准对接平台", "Matching talent with enterprises"),
    "nav.home": ("首页", "Home"),
    "nav.organizations": ("机构", "Organisations"),
    "nav.enterprises": ("企业", "Enterprises"),
    "nav.demands": ("需求", "Demands"),
    "nav.talents": ("人才", "Talents"),
    "nav.users": ("用户", "Users"),
    "nav.audit": ("操作日志", "Audit log"),
    "nav.api_docs": ("接口文档", "API docs"),
    "nav.logout": ("退出登录", "Log out"),
    "nav.login": ("登录", "Log in"),
    "nav.main": ("主导航", "Main navigation"),
    "nav.skip": ("跳到正文", "Skip to content"),
    "lang.switch": ("English", "中文"),
    "lang.switch_label": ("切换到英文", "Switch to Chinese"),
    "login.title": ("登录人才超市", "Log in to the Talent Supermarket"),
    "login.submit": ("登录", "Log in"),
    "login.demo_hint": (
        "演示账号：office、reviewer、chamber、youth、enterprise、kejiju、renshe、qiaolian，"
        "密码均为 talent-demo",
        "Demo accounts: office, reviewer, chamber, youth, enterprise, kejiju, renshe, qiaolian; "
        "password talent-demo",
    ),
    "login.logged_out": ("您已退出登录", "You have logged out"),
    "home.welcome": ("您好，{name}", "Welcome, {name}"),
    "home.your_org": ("所属机构：{org}", "Organisation: {org}"),
    "home.your_role": ("角色：{role}", "Role: {role}"),
    "home.counts": ("数据概览", "At a glance"),
    "home.actions": ("常用操作", "Quick actions"),
    "home.open_demands": ("招募中的需求", "Open demands"),
    "home.open_headcount": ("待招人数", "Open headcount"),
    "home.active_talents": ("可推荐人才", "Active talents"),
    "home.enterprises": ("企业", "Enterprises"),
    "home.hint.office": (
        "您可以查看全部机构的企业、需求和人才，并管理机构与用户。",
        "You see every organisation's enterprises, demands and talents and manage accounts.",
    ),
    "home.hint.reviewer": (
        "您可以查看全部数据，并审核匹配建议。",
        "You see all data and review suggested matches.",
    ),
    "home.hint.chamber": (
        "登记会员企业并为其发布岗位、项目和人才需求。",
        "Register member enterprises and post their jobs, projects and talent needs.",
    ),
    "home.hint.enterprise": (
        "发布和维护本企业的需求。",
        "Post and maintain your enterprise's demands.",
    ),
    "home.hint.agency": (
        "录入和维护本部门推荐的人才，并按需求寻访人才。",
        "Enter and maintain the talents your agency submits, and look for talent by the demands.",
    ),
    "action.new_enterprise": ("登记企业", "Register an enterprise"),
    "action.new_demand": ("发布需求", "Post a demand"),
    "action.new_talent": ("录入人才", "Add a talent"),
    "action.new_organization": ("新增机构", "Add an organisation"),
    "action.new_user": ("新增用户", "Add a user"),
    "action.edit": ("编辑", "Edit"),
    "action.delete": ("删除", "Delete"),
    "action.save": ("保存", "Save"),
    "action.cancel": ("取消", "Cancel"),
    "action.search": ("查询", "Search"),
    "action.reset": ("清除条件", "Clear filters"),
    "action.back_to_list": ("返回列表", "Back to list"),
    "action.view": ("查看", "View"),
    "confirm.delete": (
        "确定删除吗？此操作会记录在操作日志中。",
        "Delete this? The deletion is recorded in the audit log.",
    ),
    "list.total": ("共 {total} 条", "{total} in all"),
    "list.empty": ("没有符合条件的记录。", "Nothing matches these filters."),
    "list.filters": ("筛选", "Filters"),
    "list.any": ("不限", "Any"),
    "page.prev": ("上一页", "Previous"),
    "page.next": ("下一页", "Next"),
    "page.of": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "page.nav": ("分页", "Pagination"),
    "form.errors_summary": (
        "有 {n} 处需要修改，请查看标红的字段。",
        "{n} field(s) need fixing; see the marked fields.",
    ),
    "form.required": ("必填", "required"),
    "form.choose": ("请选择", "Choose…"),
    "flash.created": ("已保存", "Saved"),
    "flash.updated": ("已更新", "Updated"),
    "flash.deleted": ("已删除", "Deleted"),
    "title.organizations": ("机构", "Organisations"),
    "title.enterprises": ("企业", "Enterprises"),
    "title.demands": ("需求", "Demands"),
    "title.talents": ("人才", "Talents"),
    "title.users": ("用户", "Users"),
    "title.audit": ("操作日志", "Audit log"),
    "title.new": ("新建", "New"),
    "title.edit": ("编辑：{name}", "Edit: {name}"),
    "audit.at": ("时间", "When"),
    "audit.actor": ("操作人", "Who"),
    "audit.action": ("操作", "Action"),
    "audit.entity": ("对象", "What"),
    "audit.changes": ("变更内容", "Changes"),
    "audit.action.create": ("新建", "Created"),
    "audit.action.update": ("修改", "Updated"),
    "audit.action.delete": ("删除", "Deleted"),
    "error.page_title": ("出错了", "Something went wrong"),
    "error.go_home": ("返回首页", "Go to the home page"),
    "error.go_back": ("返回上一页", "Go back"),
    "masked": ("（已隐藏）", "(hidden)"),
}


def translate(key: str, locale: str, /, **params: Any) -> str:
    """The catalog text for `key` in `locale`, formatted with `params`; unknown keys show as is."""
    pair = CATALOG.get(key)
    if pair is None:
        return key
    text = pair[1] if locale == "en" else pair[0]
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def translate_field_error(code: str, locale: str, params: dict[str, Any], raw: str | None) -> str:
    key = f"field_error.{code}"
    if key in CATALOG:
        return translate(key, locale, **params)
    if locale == "en" and raw:
        return raw
    return translate("field_error.value_error", locale)


def enum_label(group: str, value: object, locale: str) -> str:
    if value is None or value == "":
        return ""
    return translate(f"enum.{group}.{value}", locale)


def _from_accept_language(header: str) -> str | None:
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh"
    return None


def choose_locale(conn: HTTPConnection, default: str = "zh") -> str:
    """`?lang=` first, then the language cookie, then (API only) Accept-Language, then default.

    Pages ignore the browser's Accept-Language: the interface is Chinese unless the user
    switches, whatever language the browser was installed in.
    """
    for candidate in (conn.query_params.get("lang"), conn.cookies.get(LANG_COOKIE)):
        if candidate in LOCALES:
            return candidate
    if conn.url.path.startswith("/api/"):
        return _from_accept_language(conn.headers.get("accept-language", "")) or default
    return default


def locale_of(conn: HTTPConnection) -> str:
    locale = getattr(conn.state, "locale", None)
    return locale if locale in LOCALES else choose_locale(conn)
