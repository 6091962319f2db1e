"""Full-text search inside each database: SQLite FTS5 (kept in step by triggers), PostgreSQL GIN."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE article_fts USING fts5(
        title, text, content='articles_article', content_rowid='id', tokenize='porter unicode61'
    )""",
    """CREATE TRIGGER IF NOT EXISTS article_fts_insert AFTER INSERT ON articles_article BEGIN
        INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS article_fts_delete AFTER DELETE ON articles_article BEGIN
        INSERT INTO article_fts(article_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END""",
    # Django saves every column; only re-index when the searchable text really changed.
    """CREATE TRIGGER IF NOT EXISTS article_fts_update AFTER UPDATE OF title, text ON articles_article
    WHEN old.title IS NOT new.title OR old.text IS NOT new.text BEGIN
        INSERT INTO article_fts(article_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    "INSERT INTO article_fts(article_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS article_fts_insert",
    "DROP TRIGGER IF EXISTS article_fts_delete",
    "DROP TRIGGER IF EXISTS article_fts_update",
    "DROP TABLE IF EXISTS article_fts",
]
POSTGRES_FORWARD = [
    """CREATE INDEX article_fts_idx ON articles_article USING GIN (
        (setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
         setweight(to_tsvector('english', coalesce(text, '')), 'B'))
    )""",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS article_fts_idx"]


def ensure_sqlite_triggers(connection) -> None:
    """(Re)create the FTS triggers. SQLite migrations that rebuild articles_article (most AlterField /
    AddField) drop its triggers with the old table, so this runs after every migrate (apps.py)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'article_fts_%'"
        )
        if cursor.fetchone()[0] == 3:
            return
        for sql in SQLITE_FORWARD[1:]:  # the triggers, then a rebuild of the index
            cursor.execute(sql)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
