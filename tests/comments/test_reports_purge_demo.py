"""Reports, a commenter deleting their own comment, the house rules, the daily purge of personal
data, and the demo comments."""

import re
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, Report
from finextra.workflow import State
from tests.conftest import demo_seed


def test_a_reader_reports_a_comment_once_and_it_rises_in_the_queue(
    live_article, reader, other_reader, post_comment, submit
):
    comment = post_comment(live_article, "Buy cheap watches", author=other_reader)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    page = browser.get(live_article.get_absolute_url()).content.decode()
    assert f'href="/comments/{comment.pk}/report/"' in page

    first = submit(browser, f"/comments/{comment.pk}/report/", "", {"reason": "spam"})
    second = submit(browser, f"/comments/{comment.pk}/report/", "", {"reason": "abuse"})

    assert first.status_code == second.status_code == 302
    assert Report.objects.filter(comment=comment, reporter=reader).count() == 1
    assert Comment.objects.get(pk=comment.pk).open_reports == 1
    page = browser.get(second["Location"]).content.decode()
    assert "already reported this comment" in page


def test_a_report_needs_a_reason_and_keeps_the_details(
    live_article, reader, other_reader, post_comment, submit
):
    comment = post_comment(live_article, "Hmm", author=other_reader)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)

    response = submit(
        browser, f"/comments/{comment.pk}/report/", "", {"details": "It names a private person"}
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert "It names a private person" in response.content.decode()
    assert not Report.objects.exists()


def test_reporting_needs_an_account(client, live_article, other_reader, post_comment):
    comment = post_comment(live_article, "Hmm", author=other_reader)

    response = client.get(f"/comments/{comment.pk}/report/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_commenter_deletes_their_comment_by_post_leaving_a_tombstone_for_replies(
    live_article, reader, other_reader, post_comment, submit
):
    mine = post_comment(live_article, "Regrettable", author=reader)
    post_comment(live_article, "Reply to it", author=other_reader, parent=mine)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    assert browser.get(f"/comments/{mine.pk}/delete/").status_code == 200
    assert Comment.objects.get(pk=mine.pk).removed_at is None  # a GET only asks

    response = submit(browser, f"/comments/{mine.pk}/delete/", "", {})

    assert response.status_code == 302
    page = browser.get(live_article.get_absolute_url()).content.decode()
    assert "Regrettable" not in page
    assert "Comment removed" in page
    assert "Reply to it" in page


def test_the_house_rules_page_is_linked_from_the_form(client, live_article):
    page = client.get(live_article.get_absolute_url()).content.decode()
    rules = client.get("/comments/house-rules/")

    assert 'href="/comments/house-rules/"' in page
    assert rules.status_code == 200
    assert "House rules for comments" in rules.content.decode()


# The daily purge.


def test_purge_deletes_old_guest_emails_and_address_hashes_only(
    live_article, reader, post_comment, time_machine
):
    old_guest = post_comment(live_article, "Old guest", guest=True, ip="203.0.113.1")
    old_reader = post_comment(live_article, "Old reader", author=reader, ip="203.0.113.2")
    time_machine.move_to(timezone.now() + timedelta(days=91))
    new_guest = post_comment(live_article, "New guest", guest=True, ip="203.0.113.3")
    out = StringIO()

    call_command("purge_comment_data", stdout=out)

    old_guest.refresh_from_db()
    old_reader.refresh_from_db()
    new_guest.refresh_from_db()
    assert (old_guest.guest_email, old_guest.ip_hash) == ("", "")
    assert old_guest.guest_name == "Gail Guest"  # shown on the page, so kept
    assert old_reader.ip_hash == ""
    assert new_guest.guest_email == "gail@example.com" and new_guest.ip_hash
    assert "Purged: 1 guest emails, 2 address hashes." in out.getvalue()


def test_purge_follows_the_retention_setting(live_article, post_comment, settings, time_machine):
    settings.COMMENTS_RETENTION_DAYS = 10
    comment = post_comment(live_article, guest=True, ip="203.0.113.1")
    time_machine.move_to(timezone.now() + timedelta(days=11))

    call_command("purge_comment_data", stdout=StringIO())

    assert Comment.objects.get(pk=comment.pk).guest_email == ""


# The demo.


class TestTheDemo:
    """Seeded once for the class (tests/conftest.py's `demo`)."""

    def test_the_demo_has_threads_and_a_guest_comment_awaiting_moderation(self, demo, client):
        assert Comment.objects.visible().filter(parent__isnull=False).exists()
        waiting = Comment.objects.awaiting_moderation().get()
        assert waiting.guest_name and waiting.state == State.DRAFT
        article = Article.objects.get(slug="t-plus-one-settlement-europe-timeline")
        page = client.get(article.get_absolute_url()).content.decode()
        assert "Finextra staff" in page
        assert "Editor’s pick" in page

    def test_the_seed_article_keeps_no_comments(self, demo, client):
        article = demo.article

        page = client.get(article.get_absolute_url()).content.decode()

        assert article.comment_count == 0
        assert "Comments: (0)" in page
        assert '<a href="#comments">Be the first to comment</a>' in page

    def test_the_demo_is_safe_to_run_again(self, demo):
        before = Comment.objects.count()

        demo_seed()

        assert Comment.objects.count() == before
        for article in Article.objects.filter(comments__isnull=False).distinct():
            assert (
                article.comment_count == Comment.objects.visible().filter(article=article).count()
            )

    def test_the_demo_guest_can_be_published_from_the_desk(self, demo, client):
        from django.contrib.auth import get_user_model

        waiting = Comment.objects.awaiting_moderation().get()
        moderator = get_user_model().objects.get(username="moderator")
        client.force_login(moderator)
        page = client.get("/admin/comments/comment/").content.decode()
        assert waiting.body in page
        fields = {"action": "publish", "_selected_action": [waiting.pk]}

        client.post("/admin/comments/comment/", fields)

        assert Comment.objects.get(pk=waiting.pk).state == State.PUBLISHED


def test_the_report_form_offers_the_reasons_with_none_chosen_and_one_optional_mark(
    live_article, reader, other_reader, post_comment
):
    comment = post_comment(live_article, "Hmm", author=other_reader)
    browser = Client()
    browser.force_login(reader)

    page = browser.get(f"/comments/{comment.pk}/report/").content.decode()

    reasons = re.findall(r'<input type="radio" name="reason" value="([^"]*)"[^>]*>', page)
    assert reasons == [value for value, _ in Report.Reason.choices]
    assert "---------" not in page
    assert " checked" not in page
    assert page.count("(optional)") == 1
    assert 'Anything to add <span class="optional">(optional)</span>' in page
