"""Trigram indexes for the article list's search (`articles.search.admin_search`): each word is
looked for inside the headline, standfirst and slug (`icontains`), which no b-tree index can
serve; with these, PostgreSQL combines them with the search document's GIN index rather than
reading every article. PostgreSQL only (pg_trgm ships with it)."""

from django.db import migrations

INDEXES = {
    "article_headline_trgm": "UPPER(headline)",
    "article_standfirst_trgm": "UPPER(standfirst)",
    "article_slug_trgm": "UPPER(slug)",
}


def indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        # The expression icontains compares: UPPER(column) LIKE UPPER('%word%').
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON articles_article "
            f"USING gin ({expression} gin_trgm_ops)"
        )


def indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_archive_scale_listings")]

    operations = [migrations.RunPython(indexes_create, indexes_drop)]
