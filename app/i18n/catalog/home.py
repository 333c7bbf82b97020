"""The role home pages."""

MESSAGES: dict[str, tuple[str, str]] = {
    "home.todos": ("待办事项", "Waiting for you"),
    "home.todos_none": ("目前没有待办事项", "Nothing is waiting for you"),
    "home.todo.review": ("条推荐待审核", "suggestions to review"),
    "home.todo.answer_interest": (
        "个对接等待企业答复意向",
        "introductions waiting for your answer",
    ),
    "home.todo.record_consent": (
        "个对接等待登记人才意见",
        "introductions waiting for the talent's consent",
    ),
    "home.todo.overdue_dispatches": ("个派单已逾期", "dispatches past their due date"),
    "home.todo.open_dispatches": ("个派单等待推荐人选", "dispatches waiting for nominations"),
    "home.public_interests": ("公众报名待处理", "Public sign-ups waiting"),
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
}
