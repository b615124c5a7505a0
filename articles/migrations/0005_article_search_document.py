"""The search document stored with each article, kept by PostgreSQL itself.

Migration 0004 indexed an expression: the index found rare words fast, but ranking and counting
a common word rebuilt every matching row's tsvector, seconds on 100,000 articles. Here the
weighted document (headline A, standfirst B, body text C) is a column, written by a trigger on
every insert and on every update of those fields (a bulk update or a bulk load included), and
the GIN index is on the column. SQLite keeps the column empty: search falls back to LIKE there.
"""

from importlib import import_module

import django.contrib.postgres.search
from django.db import migrations

# The name 0004 gave its index on the expression, kept for the index on the column.
INDEX_NAME = "article_search"

CREATE_TRIGGER = """
CREATE FUNCTION articles_article_search_document() RETURNS trigger AS $$
BEGIN
    NEW.search_document :=
        setweight(to_tsvector('english', coalesce(NEW.headline, '')), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.standfirst, '')), 'B')
        || setweight(to_tsvector('english', coalesce(NEW.body_text, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER article_search_document
    BEFORE INSERT OR UPDATE OF headline, standfirst, body_text, search_document
    ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_document();
"""

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS article_search_document ON articles_article;
DROP FUNCTION IF EXISTS articles_article_search_document();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX_NAME}"')
    schema_editor.execute(CREATE_TRIGGER)
    # Writing the column fires the trigger, which computes it from the row.
    schema_editor.execute("UPDATE articles_article SET search_document = NULL")
    schema_editor.execute(
        f'CREATE INDEX "{INDEX_NAME}" ON articles_article USING gin (search_document)'
    )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX_NAME}"')
    schema_editor.execute(DROP_TRIGGER)
    # Back to 0004's index on the expression.
    previous = import_module("articles.migrations.0004_article_body_text_search")
    schema_editor.add_index(apps.get_model("articles", "Article"), previous.search_index())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_article_body_text_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(install, uninstall),
    ]
