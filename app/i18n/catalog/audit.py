"""The audit log page."""

MESSAGES: dict[str, tuple[str, str]] = {
    "audit.at": ("时间", "When"),
    "audit.actor": ("操作人", "Who"),
    "audit.action": ("操作", "Action"),
    "audit.entity": ("对象", "What"),
    "audit.changes": ("变更内容", "Changes"),
    "audit.action.create": ("新建", "Created"),
    "audit.action.update": ("修改", "Updated"),
    "audit.action.delete": ("删除", "Deleted"),
}
