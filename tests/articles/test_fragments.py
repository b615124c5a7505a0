"""The article's own part of its page is cached; readers never see it stale."""

from django.db.models import F

from articles.models import Article, Author, Tag
from articles.services import article_labels_set, label_save
from finextra.services import transition


def page(client, article) -> str:
    return client.get(article.get_absolute_url()).content.decode()


# The cache is told of a change once it commits; in a test's transaction nothing commits, so the
# changes below run their on-commit work explicitly (committed, as they would be on the site).


def test_a_renamed_author_shows_at_once(client, live_article, django_capture_on_commit_callbacks):
    assert "Alice Morgan" in page(client, live_article)
    author = Author.objects.get(slug="alice-morgan")
    author.name = "Alice Morgan-Smith"
    with django_capture_on_commit_callbacks(execute=True):
        label_save(label=author)
    assert "Alice Morgan-Smith" in page(client, live_article)


def test_a_tag_added_without_a_new_version_shows_at_once(
    client, live_article, django_capture_on_commit_callbacks
):
    assert "Central banks" not in page(client, live_article)
    with django_capture_on_commit_callbacks(execute=True):
        tag = Tag.objects.create(name="Central banks", slug="central-banks")
        article_labels_set(article=live_article, tags=[*live_article.tags.all(), tag])
    assert "Central banks" in page(client, live_article)


def test_a_renamed_channel_shows_at_once(client, live_article, django_capture_on_commit_callbacks):
    page(client, live_article)
    live_article.channel.name = "Markets"
    with django_capture_on_commit_callbacks(execute=True):
        label_save(label=live_article.channel)
    assert ">Markets</a>" in page(client, live_article)


def test_a_published_correction_shows_at_once(client, live_article):
    page(client, live_article)
    live_article.standfirst = "Corrected standfirst."
    live_article.version += 1
    live_article.save()
    assert "Corrected standfirst." in page(client, live_article)


def test_a_new_comment_count_shows_at_once(client, live_article):
    assert "Be the first to comment" in page(client, live_article)
    Article.objects.filter(pk=live_article.pk).update(comment_count=F("comment_count") + 2)
    assert "2 comments" in page(client, live_article)


def test_an_unpublished_article_is_not_served_from_the_cache(client, live_article, publisher):
    page(client, live_article)
    transition(obj=live_article, move="unpublish", user=publisher)
    assert client.get(live_article.get_absolute_url()).status_code == 404
