"""Every change a reader can see purges, after the transaction commits, exactly the pages that
show it (by surrogate key), at the proxies named in EDGE_PURGE_URLS; a change nobody sees
purges nothing; a rolled-back change sends nothing."""

import pytest
from django.db import transaction
from django.utils import timezone

from articles.corrections import correction_publish
from articles.models import Channel, Tag
from articles.services import article_save, label_save
from comments.services import comment_post, comment_publish, comment_remove
from finextra.edge import edge_purge
from finextra.services import transition
from sponsors.models import Slot, Sponsor
from sponsors.services import placement_save, sponsor_save
from tests.factories import PlacementFactory


def sent(purges) -> set[str]:
    return set().union(*purges) if purges else set()


def list_keys(article) -> set[str]:
    tag, author = article.tags.get(), article.authors.get()
    return {
        f"article-{article.pk}",
        "list-home",
        f"list-channel-{article.channel_id}",
        f"list-tag-{tag.pk}",
        f"list-author-{author.pk}",
        "syndication",
    }


def test_nothing_is_sent_before_the_commit(
    purges, story, publisher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition(obj=story, move="unpublish", user=publisher)
        assert purges == []
    for callback in callbacks:
        callback()

    assert sent(purges) == list_keys(story)


def test_a_rolled_back_change_sends_nothing(purges, transactional_db, settings):
    with pytest.raises(RuntimeError), transaction.atomic():
        edge_purge({"article-1"})
        raise RuntimeError("the save failed")
    edge_purge({"article-2"})  # outside a transaction: at once

    assert purges == [{"article-2"}]


def test_a_publish_purges_the_article_and_every_list_it_joins(
    purges, make_article, editor, publisher, django_capture_on_commit_callbacks
):
    from articles.models import Author

    article = make_article()
    article.tags.add(Tag.objects.create(name="Rates", slug="rates"))
    article.authors.add(Author.objects.create(name="Alice Morgan", slug="alice-morgan"))
    transition(obj=article, move="mark_edited", user=editor)
    with django_capture_on_commit_callbacks(execute=True):
        transition(obj=article, move="publish", user=publisher)

    assert sent(purges) == list_keys(article)


@pytest.mark.parametrize("move", ["unpublish", "withdraw"])
def test_unpublish_and_withdraw_purge_the_article_and_its_lists(
    purges, story, publisher, move, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        transition(obj=story, move=move, user=publisher, note="Legal.")

    assert sent(purges) == list_keys(story)


def test_a_correction_purges_the_article_and_the_feeds(
    purges, story, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        correction_publish(article=story, note="The rate was 4.5%.", user=editor)

    assert sent(purges) == {f"article-{story.pk}", "syndication"}


def test_a_live_copy_change_purges_the_article_where_it_is_listed(
    purges, story, django_capture_on_commit_callbacks
):
    story.headline = "Markets rally again"
    with django_capture_on_commit_callbacks(execute=True):
        article_save(article=story)

    assert sent(purges) == list_keys(story)


def test_a_draft_change_purges_nothing(purges, make_article, django_capture_on_commit_callbacks):
    draft = make_article()
    draft.headline = "Still embargoed"
    with django_capture_on_commit_callbacks(execute=True):
        article_save(article=draft)

    assert purges == []


def test_a_comment_going_live_or_removed_purges_its_article(
    purges, story, moderator, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_ALLOW_GUESTS = True
    with django_capture_on_commit_callbacks(execute=True):
        waiting = comment_post(
            article=story, body="A guest's view.", guest_name="G", guest_email="g@e.com"
        )
    assert purges == []  # awaiting moderation: readers see nothing yet

    with django_capture_on_commit_callbacks(execute=True):
        comment_publish(comment=waiting, user=moderator)
    assert sent(purges) == {f"article-{story.pk}"}

    purges.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_remove(comment=waiting, user=moderator)
    assert sent(purges) == {f"article-{story.pk}"}


@pytest.fixture
def placement(editor, publisher):
    placement = PlacementFactory(title="Webinar", slot=Slot.HOME)
    transition(obj=placement, move="mark_edited", user=editor)
    return placement


def test_a_placement_going_live_purges_its_slot_and_the_register(
    purges, placement, publisher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        transition(obj=placement, move="publish", user=publisher)

    assert sent(purges) == {"slot-home", f"placement-{placement.pk}", "sponsored"}


def test_a_live_placement_moved_to_another_slot_purges_both(
    purges, placement, publisher, django_capture_on_commit_callbacks
):
    transition(obj=placement, move="publish", user=publisher)
    placement.refresh_from_db()
    placement.slot = Slot.CHANNEL
    with django_capture_on_commit_callbacks(execute=True):
        placement_save(placement=placement)

    assert sent(purges) == {"slot-home", "slot-channel", f"placement-{placement.pk}", "sponsored"}


def test_renames_purge_the_pages_showing_the_name(
    purges, story, django_capture_on_commit_callbacks
):
    tag, author = story.tags.get(), story.authors.get()
    sponsor = Sponsor.objects.create(name="Northwind", slug="northwind")
    with django_capture_on_commit_callbacks(execute=True):
        tag.name = "Interest rates"
        label_save(label=tag)
        author.name = "Alice M. Morgan"
        label_save(label=author)
        sponsor.name = "Northwind Cloud Ltd"
        sponsor_save(sponsor=sponsor)

    assert sent(purges) == {
        f"tag-{tag.pk}",
        f"author-{author.pk}",
        f"sponsor-{sponsor.pk}",
        "sponsored",
        "syndication",
    }


def test_a_channel_rename_purges_every_page(purges, story, django_capture_on_commit_callbacks):
    """Channel names are in every page's header."""
    channel = Channel.objects.get(pk=story.channel_id)
    channel.name = "Markets"
    with django_capture_on_commit_callbacks(execute=True):
        label_save(label=channel)

    assert sent(purges) == {"all"}


def test_a_proxy_that_does_not_answer_loses_nothing(
    settings, story, publisher, django_capture_on_commit_callbacks, caplog
):
    settings.EDGE_PURGE_URLS = ["http://127.0.0.1:9/"]  # the discard port: refused
    with django_capture_on_commit_callbacks(execute=True):
        transition(obj=story, move="unpublish", user=publisher)

    story.refresh_from_db()
    assert story.state == "draft"
    assert "Purge of" in caplog.text


def test_a_commenter_renamed_or_deleted_purges_the_pages_of_their_comments(
    purges, story, reader, django_capture_on_commit_callbacks
):
    comment_post(article=story, body="Well put.", author=reader)
    purges.clear()
    reader.display_name = "Riley R."
    with django_capture_on_commit_callbacks(execute=True):
        reader.save()
    assert sent(purges) == {f"article-{story.pk}"}

    purges.clear()
    reader.last_login = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        reader.save()  # a sign-in changes nothing readers see
    assert purges == []

    with django_capture_on_commit_callbacks(execute=True):
        reader.delete()
    assert sent(purges) == {f"article-{story.pk}"}
