"""In-app notifications and e-mails."""

MESSAGES: dict[str, tuple[str, str]] = {
    "notify.title": ("消息", "Inbox"),
    "notify.read_all": ("全部标为已读", "Mark all read"),
    "notify.unread": ("未读", "unread"),
    "notify.unread_n": ("{n} 条未读消息", "{n} unread"),
    "notify.empty": ("暂无消息", "No messages"),
    "notify.introduction_new": (
        "新推荐人才：{title}，请答复意向",
        "A talent is recommended for {title}: are you interested?",
    ),
    "notify.consent_needed": (
        "{name} 被推荐到“{title}”，请征询人才意见",
        "{name} was recommended for “{title}”: ask for their consent",
    ),
    "notify.interest_received": (
        "企业已答复“{title}”的意向：{answer}",
        "The enterprise answered for “{title}”: {answer}",
    ),
    "notify.consent_recorded": (
        "人才已答复“{title}”的对接：{answer}",
        "The talent answered for “{title}”: {answer}",
    ),
    "notify.outcome_recorded": (
        "“{title}”的对接结果：{outcome}",
        "Outcome for “{title}”: {outcome}",
    ),
    "notify.answer.yes": ("有意向/同意", "yes"),
    "notify.answer.no": ("无意向/不同意", "no"),
    "notify.outcome.interviewed": ("已面试", "interviewed"),
    "notify.outcome.hired": ("已录用", "hired"),
    "notify.outcome.declined_by_enterprise": ("企业婉拒", "declined by the enterprise"),
    "notify.outcome.declined_by_talent": ("人才婉拒", "declined by the talent"),
    "notify.dispatch_new": (
        "新派单：“{title}”，请在 {due} 前推荐人才",
        "New dispatch: “{title}”, nominate talents by {due}",
    ),
    "notify.dispatch_overdue": (
        "派单逾期：{agency} 未在 {due} 前为“{title}”推荐人才",
        "Dispatch overdue: {agency_en} nominated nobody for “{title}” by {due}",
    ),
    "notify.dispatch_reverted": (
        "“{title}”长期未满足，已自动扩派给 {n} 个机构",
        "“{title}” stayed unfilled and was offered to {n} more agencies",
    ),
}
