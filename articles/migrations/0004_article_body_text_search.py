"""The body's plain text, kept at save for search, and on PostgreSQL a GIN index on the
weighted document articles.search.search_document() builds (a frozen copy of it: the index
serves the query only while the two are the same expression; a test checks the plan)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

INDEX_NAME = "article_search"


def search_index():
    document = (
        SearchVector("headline", weight="A", config="english")
        + SearchVector("standfirst", weight="B", config="english")
        + SearchVector("body_text", weight="C", config="english")
    )
    return GinIndex(document, name=INDEX_NAME)


def fill_body_text(apps, schema_editor):
    from articles.sanitize import body_plain_text

    Article = apps.get_model("articles", "Article")
    for article in Article.objects.only("pk", "body").iterator():
        article.body_text = body_plain_text(article.body)
        article.save(update_fields=["body_text"])


def create_search_index(apps, schema_editor):
    # SQLite has no tsvector: search falls back to LIKE there, with nothing to index.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("articles", "Article"), search_index())


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("articles", "Article"), search_index())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_article_sponsor_and_image_sizes"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="body_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_body_text, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
