"""Trigram indexes for the moderation desk's search (`CommentAdmin.get_search_results`): a
word in no comment, or a rare commenter's name, no longer reads every comment. PostgreSQL only
(pg_trgm ships with it; on SQLite the desk searches with a plain scan)."""

from django.db import migrations

INDEXES = {
    "comment_body_trgm": "UPPER(body)",
    "comment_guest_trgm": "UPPER(guest_name)",
}


def indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        # The expression admin search's icontains compares: UPPER(column) LIKE UPPER(%term%).
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON comments_comment "
            f"USING gin ({expression} gin_trgm_ops)"
        )


def indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("comments", "0002_desk_queue_indexes")]

    operations = [migrations.RunPython(indexes_create, indexes_drop)]
