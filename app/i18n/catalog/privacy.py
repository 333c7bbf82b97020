"""Erasure of personal data and consent."""

MESSAGES: dict[str, tuple[str, str]] = {
    "privacy.erase_title": ("依申请删除个人数据", "Erase personal data on request"),
    "privacy.erase_button": ("删除个人数据", "Erase personal data"),
    "privacy.erase_intro": (
        "将永久删除“{name}”的全部个人数据，无法恢复。",
        "Every piece of personal data of “{name}” will be deleted for good; this cannot be undone.",
    ),
    "privacy.erase_what_db": (
        "人才档案及提及此人的推荐、审核、对接、联系方式查看记录、消息和导入暂存行",
        "The profile and every suggestion, review, introduction, contact reveal, message and staged import row about the person",
    ),
    "privacy.erase_what_search": ("搜索索引中的档案", "The profile in the search index"),
    "privacy.erase_what_vectors": ("缓存的语义向量", "Cached sentence vectors of their text"),
    "privacy.erase_what_kept": (
        "仅保留匿名统计（机构贡献、对接结果），操作日志只记录删除本身",
        "Only anonymised counts remain (agency credit, outcomes); the audit log records the erasure without the personal values",
    ),
    "privacy.erase_confirm_box": (
        "我确认本人已申请删除，且此操作不可恢复",
        "I confirm the person asked for erasure and that it cannot be undone",
    ),
    "privacy.erase_confirm_required": ("请勾选确认", "Tick the confirmation first"),
    "privacy.erase_confirm_dialog": (
        "确定永久删除此人的全部个人数据吗？",
        "Erase all personal data of this person for good?",
    ),
    "privacy.erased": (
        "个人数据已删除，仅保留匿名统计",
        "Personal data erased; anonymised counts kept",
    ),
}
