"""The in-app inbox: every user's notifications and the unread count in the header."""
