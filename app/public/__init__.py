"""The public page (统一宣传): open demands without login, and interest registration."""
