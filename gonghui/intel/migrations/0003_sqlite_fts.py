"""SQLite: an FTS5 index over the jieba tokens (external content: the tokens stay in intel_document), kept
in step by triggers, so a search is an index lookup instead of a scan (``search.match``).

The tokens are already words separated by spaces; FTS5's unicode61 tokenizer splits on the spaces and keeps
each Chinese word whole. A SQLite built without FTS5 skips this and searches with LIKE.
"""

from django.db import OperationalError, migrations

TABLE = "intel_document_fts"
CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(search_tokens, content='intel_document', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_ai AFTER INSERT ON intel_document BEGIN
        INSERT INTO {TABLE}(rowid, search_tokens) VALUES (new.id, new.search_tokens);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_ad AFTER DELETE ON intel_document BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, search_tokens) VALUES ('delete', old.id, old.search_tokens);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_au AFTER UPDATE OF search_tokens ON intel_document BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, search_tokens) VALUES ('delete', old.id, old.search_tokens);
        INSERT INTO {TABLE}(rowid, search_tokens) VALUES (new.id, new.search_tokens);
    END""",
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
]
DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_{suffix}" for suffix in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {TABLE}"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    try:
        schema_editor.execute(CREATE[0])
    except OperationalError:  # no FTS5 in this SQLite: search.match falls back to LIKE
        return
    for statement in CREATE[1:]:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("intel", "0002_search_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
