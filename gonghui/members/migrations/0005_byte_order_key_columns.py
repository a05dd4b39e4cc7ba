"""Byte-order ("C") collation for the member table's ASCII key columns, on PostgreSQL only.

The blind indexes (hex HMACs) and card numbers are only ever compared for equality or
sorted as codes, so the database's linguistic collation buys nothing there, while it
makes every comparison in their three random-order B-trees go through strcoll(): a
tenth of the server's CPU when a large roster is imported. The model fields keep no
``db_collation`` because SQLite has no "C" collation (its default is byte order already).
"""

from django.db import migrations

COLUMNS = (("id_number_index", 32), ("phone_index", 32), ("member_card_number", 15))


def _alter(schema_editor, collation: str | None) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    clause = f' COLLATE "{collation}"' if collation else ' COLLATE "default"'
    changes = ", ".join(f"ALTER COLUMN {name} TYPE varchar({length}){clause}" for name, length in COLUMNS)
    schema_editor.execute(f"ALTER TABLE members_member {changes}")


def forwards(apps, schema_editor):
    _alter(schema_editor, "C")


def backwards(apps, schema_editor):
    _alter(schema_editor, None)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_unchecked_audit_fks_partial_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
