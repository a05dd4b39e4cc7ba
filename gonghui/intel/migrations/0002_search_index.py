"""PostgreSQL: a GIN index over the jieba tokens as an exact-lexeme tsvector (``search.TSVECTOR_SQL``).

No text-search parser is involved (it would split or drop Chinese words): the tokens are already words.
SQLite searches the same column with LIKE and needs no index.
"""

from django.db import migrations

INDEX = "intel_doc_tokens_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON intel_document "
            "USING gin (array_to_tsvector(string_to_array(search_tokens, ' ')))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("intel", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
