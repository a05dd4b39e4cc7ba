"""Database-level locks that work on PostgreSQL and SQLite."""

from __future__ import annotations

import zlib

from django.db import connection


def tree_lock(name: str = "orgs.tree") -> None:
    """Serialise tree writes until the end of the current transaction.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: transactions are opened
    with BEGIN IMMEDIATE (settings), which already takes the database write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])
