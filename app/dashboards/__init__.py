"""The office's dashboards (issue 6)."""
