"""Compare organisation paths in byte order on PostgreSQL (see gonghui/orgs/lookups.py)."""

from django.db import migrations


def to_c_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE orgs_organization ALTER COLUMN path TYPE varchar(255) COLLATE "C"')


def to_default_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE orgs_organization ALTER COLUMN path TYPE varchar(255)")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [migrations.RunPython(to_c_collation, to_default_collation)]
