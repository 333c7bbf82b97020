"""The zh/en message catalogues, one module per domain; `CATALOG` is their union."""

from app.i18n.catalog import (
    audit,
    common,
    dashboards,
    dispatches,
    duplicates,
    home,
    imports,
    introductions,
    matching,
    notifications,
    privacy,
    public,
    review,
    searching,
)

_MODULES = (
    audit,
    common,
    dashboards,
    dispatches,
    duplicates,
    home,
    imports,
    introductions,
    matching,
    notifications,
    privacy,
    public,
    review,
    searching,
)

CATALOG: dict[str, tuple[str, str]] = {}
for _module in _MODULES:
    _clash = CATALOG.keys() & _module.MESSAGES.keys()
    if _clash:
        raise RuntimeError(f"message ids defined twice: {sorted(_clash)}")
    CATALOG.update(_module.MESSAGES)
