"""TEMPORARY: replaced by the notices implementation."""


def unread_message_count(user) -> int:
    return 0


def recent_announcements_for(user):
    return []
