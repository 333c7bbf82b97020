"""Staff review of suggestions and the introductions (对接) approval creates."""
