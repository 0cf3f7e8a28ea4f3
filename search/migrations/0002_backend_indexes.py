"""Backend-specific search structures; a no-op on other databases.

PostgreSQL: pg_trgm, a GIN index on the stored tsvector and a trigram GIN index on titles.
SQLite: an FTS5 table over the documents (external content, porter stemming) kept in step
by triggers, when this SQLite has FTS5; without it the engine falls back to LIKE matching.
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX search_doc_vector_gin ON search_searchdocument USING gin (search_vector)",
    "CREATE INDEX search_doc_title_trgm ON search_searchdocument USING gin (title gin_trgm_ops)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_title_trgm",
    "DROP INDEX IF EXISTS search_doc_vector_gin",
]

FTS_COLUMNS = "title, tags_text, description, columns_text, body"
SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE search_fts USING fts5({FTS_COLUMNS}, content='search_searchdocument', "
    "content_rowid='id', tokenize='porter unicode61')",
    f"""CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.title, new.tags_text, new.description, new.columns_text, new.body);
    END""",
    f"""CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.title, old.tags_text, old.description, old.columns_text, old.body);
    END""",
    f"""CREATE TRIGGER search_fts_au AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.title, old.tags_text, old.description, old.columns_text, old.body);
        INSERT INTO search_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.title, new.tags_text, new.description, new.columns_text, new.body);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]


def _sqlite_has_fts5(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
        if cursor.fetchone()[0]:
            return True
        try:  # some builds load FTS5 without the compile option
            cursor.execute("CREATE VIRTUAL TABLE temp.search_fts_probe USING fts5(x)")
            cursor.execute("DROP TABLE temp.search_fts_probe")
            return True
        except Exception:
            return False


def forward(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = PG_FORWARD
    elif vendor == "sqlite" and _sqlite_has_fts5(schema_editor):
        statements = SQLITE_FORWARD
    else:
        return
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
