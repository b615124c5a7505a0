"""Reader accounts: sign-up, sign-in at /accounts/login/, sign-out, password reset, the account
page's download and deletion; and the sign-in lockout, for readers and the admin alike."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from comments.models import Comment, Report
from comments.services import comment_report
from finextra.models import TransitionLog
from tests.accounts import PASSWORD
from tests.conftest import cache_on_redis, redis_client, this_runs_keys

User = get_user_model()


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def sign_up(submit, django_capture_on_commit_callbacks):
    """Post the sign-up form as a browser does; its emails go once the sign-up commits."""

    def send(browser, *, next_url="", **fields):
        data = {
            "username": "newreader",
            "display_name": "Nova Reader",
            "email": "nova@example.com",
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
            **fields,
        }
        url = "/accounts/signup/" + (f"?next={next_url.replace('#', '%23')}" if next_url else "")
        with django_capture_on_commit_callbacks(execute=True):
            return submit(browser, url, "", data)

    return send


def test_a_new_reader_confirms_their_address_and_is_signed_in(
    browser, submit, sign_up, live_article, db
):
    next_url = f"{live_article.get_absolute_url()}#comments"

    response = sign_up(browser, next_url=next_url)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/sent/"
    assert "Check your email" in browser.get(response["Location"]).content.decode()
    account = User.objects.get(username="newreader")
    assert not account.is_active  # nothing to sign in to until the address is confirmed
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nova@example.com"]
    link = re.search(r"http://testserver(/accounts/signup/confirm/\S+)", mail.outbox[0].body)

    # Opening the link (a mail scanner does) changes nothing; the button does.
    page = browser.get(link.group(1))
    assert page.status_code == 200
    assert not User.objects.get(pk=account.pk).is_active
    confirmed = submit(browser, link.group(1), "", {})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == next_url
    assert User.objects.get(pk=account.pk).is_active
    page = browser.get(live_article.get_absolute_url()).content.decode()
    assert "Nova Reader" in page  # the header names the signed-in reader
    compose = browser.get(f"/comments/post/{live_article.pk}/").content.decode()
    assert 'name="notify_replies"' in compose  # the signed-in reader's form
    # The link is spent.
    assert browser.get(link.group(1)).status_code == 404


def test_sign_up_answers_alike_whether_or_not_the_address_has_an_account(
    browser, sign_up, make_user, db
):
    owner = make_user("owner", email="known@example.com")

    new = sign_up(browser, username="first", email="fresh@example.com")
    known = sign_up(Client(enforce_csrf_checks=True), username="second", email="KNOWN@example.com")

    assert (new.status_code, new["Location"]) == (known.status_code, known["Location"])
    # The owner is told instead, and nothing is created for the address they already use.
    assert [m.to for m in mail.outbox] == [["fresh@example.com"], [owner.email]]
    to_owner = mail.outbox[1]
    assert "already have one: your username is owner" in to_owner.body
    assert "/accounts/password-reset/" in to_owner.body
    assert not User.objects.filter(username="second").exists()
    assert User.objects.filter(email__iexact="known@example.com").count() == 1


def test_signing_in_before_confirming_fails_like_a_wrong_password(browser, submit, sign_up, db):
    sign_up(browser)

    response = submit(
        browser,
        "/accounts/login/",
        "",
        {"username": "newreader", "password": "a-long-Passphrase-42"},
    )

    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_an_unconfirmed_account_does_not_keep_an_address_from_its_owner(browser, sign_up, db):
    sign_up(browser, username="squatter", email="victim@example.com")

    sign_up(Client(enforce_csrf_checks=True), username="victim", email="victim@example.com")

    assert list(
        User.objects.filter(email="victim@example.com").values_list("username", flat=True)
    ) == ["victim"]
    assert mail.outbox[-1].to == ["victim@example.com"]
    assert "/accounts/signup/confirm/" in mail.outbox[-1].body


def test_sign_up_refusals_keep_what_was_typed(browser, sign_up, db, make_user):
    make_user("taken", email="taken@example.com")

    response = sign_up(
        browser,
        username="taken",
        display_name="Kept Name",
        email="TAKEN@example.com",
        password1="short",
        password2="different",
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "A user with that username already exists." in content
    # The page says nothing about the address (its owner would be emailed, were it valid).
    assert "email already" not in content and "address already" not in content
    assert 'value="Kept Name"' in content
    assert User.objects.count() == 1


def test_a_weak_password_is_refused_under_the_password_field(browser, submit, db):
    response = submit(
        browser,
        "/accounts/signup/",
        "",
        {
            "username": "nova",
            "email": "nova@example.com",
            "password1": "short",
            "password2": "short",
        },
    )

    content = response.content.decode()
    password = content.split('id="div_id_password1"')[1].split('id="div_id_password2"')[0]
    confirmation = content.split('id="div_id_password2"')[1].split("</form>")[0]
    assert "This password is too short." in password
    # Announced with the field: the input is described by its own error list.
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in password
    assert '<ul class="field-errors" id="id_password1_error">' in password
    assert "too short" not in confirmation
    assert not User.objects.exists()


def test_the_database_keeps_one_account_per_address_whatever_its_case(make_user):
    from django.db import IntegrityError, transaction

    make_user("first", email="Same@Example.com")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("second", email="same@example.COM")
    make_user("third")  # no address at all: any number of those
    make_user("fourth")


def test_a_password_reset_answers_alike_whether_or_not_the_address_is_known(
    browser, submit, reader
):
    known = submit(browser, "/accounts/password-reset/", "", {"email": "riley@example.com"})
    unknown = submit(
        Client(enforce_csrf_checks=True),
        "/accounts/password-reset/",
        "",
        {"email": "nobody@example.com"},
    )

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [["riley@example.com"]]


def test_a_reader_signs_in_at_accounts_login_and_out_by_post(browser, submit, reader):
    response = submit(browser, "/accounts/login/", "", {"username": "riley", "password": PASSWORD})
    assert response.status_code == 302
    assert "Riley Reader" in browser.get("/").content.decode()

    assert browser.get("/accounts/logout/").status_code == 405  # nothing changes on a GET
    home = browser.get("/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home).group(1)
    browser.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert "Sign in" in browser.get("/").content.decode()


def test_sign_in_refuses_an_outside_next_url(browser, submit, reader):
    response = submit(
        browser,
        "/accounts/login/?next=https://evil.example/",
        "",
        {"username": "riley", "password": PASSWORD},
    )

    assert response["Location"] == "/"


def test_pages_that_need_an_account_send_readers_to_accounts_login(client, db):
    response = client.get("/accounts/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_password_reset_by_email(browser, submit, reader):
    submit(browser, "/accounts/password-reset/", "", {"email": "riley@example.com"})

    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = browser.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    submit(
        browser,
        set_url,
        "",
        {"new_password1": "a-new-Passphrase-77", "new_password2": "a-new-Passphrase-77"},
    )

    assert User.objects.get(pk=reader.pk).check_password("a-new-Passphrase-77")


def test_a_weak_new_password_is_refused_under_the_new_password(browser, submit, reader):
    submit(browser, "/accounts/password-reset/", "", {"email": "riley@example.com"})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    set_url = browser.get(link, follow=True).redirect_chain[-1][0]

    response = submit(browser, set_url, "", {"new_password1": "short", "new_password2": "short"})

    content = response.content.decode()
    first = content.split('id="div_id_new_password1"')[1].split('id="div_id_new_password2"')[0]
    assert "This password is too short." in first
    assert "too short" not in content.split('id="div_id_new_password2"')[1]
    assert User.objects.get(pk=reader.pk).check_password(PASSWORD)


def test_the_account_page_offers_the_download_and_deletion(signed_in):
    page = signed_in.get("/accounts/").content.decode()

    assert "Download your comments (JSON)" in page
    assert "Delete my account" in page


def test_a_reader_downloads_their_comments_as_json(
    signed_in, reader, other_reader, live_article, post_comment
):
    mine = post_comment(live_article, "My words", author=reader)
    post_comment(live_article, "Not mine", author=other_reader)

    response = signed_in.get("/accounts/comments.json")

    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["username"] == "riley"
    assert [c["body"] for c in data["comments"]] == ["My words"]
    assert data["comments"][0]["id"] == mine.pk
    assert data["comments"][0]["article"] == live_article.headline


def test_deleting_an_account_keeps_the_comments_as_a_former_reader_and_nothing_else(
    submit, reader, other_reader, live_article, post_comment, client
):
    comment = post_comment(
        live_article, "Words that stay", author=reader, ip="198.51.100.7", notify_replies=True
    )
    theirs = post_comment(live_article, "Reported by riley", author=other_reader)
    comment_report(comment=theirs, reporter=reader, reason="spam")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)

    wrong = submit(browser, "/accounts/delete/", "", {"password": "not-it"})
    assert "That is not your password." in wrong.content.decode()
    assert User.objects.filter(pk=reader.pk).exists()

    response = submit(browser, "/accounts/delete/", "", {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(username="riley").exists()
    comment.refresh_from_db()
    assert (comment.author_id, comment.ip_hash, comment.notify_replies) == (None, "", False)
    assert not Report.objects.exists()
    assert Comment.objects.get(pk=theirs.pk).open_reports == 0
    assert not TransitionLog.objects.filter(actor_id=reader.pk).exists()
    page = client.get(live_article.get_absolute_url()).content.decode()
    assert "Words that stay" in page
    assert "a former reader" in page
    assert "Riley" not in page
    assert "Sign in" in browser.get("/").content.decode()


def test_account_deletion_needs_a_post(signed_in, reader):
    signed_in.get("/accounts/delete/")

    assert User.objects.filter(pk=reader.pk).exists()


# The sign-in lockout.


def sign_in(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def admin_sign_in(client, username, password, **extra):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        **extra,
    )


def test_six_wrong_passwords_lock_that_username_from_that_address(client, editor):
    here = {"REMOTE_ADDR": "203.0.113.10"}
    for _ in range(5):
        response = admin_sign_in(client, "editor", "wrong", **here)
        assert response.status_code == 200  # the form again, "enter a correct username..."

    sixth = admin_sign_in(client, "editor", "wrong", **here)
    right = admin_sign_in(client, "editor", PASSWORD, **here)

    assert sixth.status_code == 429
    assert right.status_code == 429
    assert "Too many sign-in attempts" in right.content.decode()
    assert "Try again in 15 minutes" in right.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out, and signs in.
    elsewhere = admin_sign_in(Client(), "editor", PASSWORD, REMOTE_ADDR="198.51.100.20")
    assert elsewhere.status_code == 302


def test_the_readers_sign_in_locks_the_same_way(client, reader):
    for _ in range(6):
        sign_in(client, "riley", "wrong")

    response = sign_in(client, "riley", PASSWORD)

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    # Another username from the same address is not locked.
    assert sign_in(client, "other", "wrong").status_code == 200


def cache_clock_forward(by: timedelta):
    """The lock is a cache entry that lives as long as the cool-off. The local-memory cache reads
    Python's clock, which the test moves (time_machine); Redis keeps its own, so there the
    entries whose time to live ends within `by` are dropped, as Redis would drop them."""
    if not cache_on_redis():
        return
    client = redis_client()
    for key in this_runs_keys():
        if 0 <= client.pttl(key) <= by.total_seconds() * 1000:
            client.delete(key)


def test_the_lock_ends_with_the_cool_off(client, reader, settings):
    cool_off = settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    for _ in range(6):
        sign_in(client, "riley", "wrong")
    assert sign_in(client, "riley", PASSWORD).status_code == 429
    locked_at = timezone.now()

    almost = cool_off - timedelta(seconds=1)
    with time_machine.travel(locked_at + almost, tick=False):
        cache_clock_forward(by=almost)
        assert sign_in(client, "riley", PASSWORD).status_code == 429

    over = cool_off + timedelta(seconds=1)
    with time_machine.travel(locked_at + over, tick=False):
        cache_clock_forward(by=over)
        assert sign_in(client, "riley", PASSWORD).status_code == 302


def test_a_forged_x_forwarded_for_neither_resets_nor_evades_the_lock(client, reader):
    for n in range(6):
        sign_in(client, "riley", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    forged = sign_in(client, "riley", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert forged.status_code == 429


def test_behind_a_trusted_proxy_the_client_address_is_locked_not_the_proxy(
    client, reader, settings
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    for _ in range(6):
        sign_in(client, "riley", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.50", **proxy)

    # Prepending a forged hop does not change the address the proxy saw.
    forged = sign_in(
        client, "riley", PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50", **proxy
    )
    other_client = sign_in(
        Client(), "riley", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.51", **proxy
    )

    assert forged.status_code == 429
    assert other_client.status_code == 302


def test_the_lockout_keeps_no_address_or_username_in_the_database(client, reader):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for _ in range(6):
        sign_in(client, "riley", "wrong", REMOTE_ADDR="203.0.113.77")

    assert not AccessAttempt.objects.exists()
    assert not AccessLog.objects.exists()
    assert not AccessFailureLog.objects.exists()
    # The cache holds only hashed keys, which expire with the cool-off.
    keys = [k for k in _cache_keys() if "axes" in k]
    assert keys and not any("203.0.113.77" in k or "riley" in k for k in keys)


def _cache_keys() -> list[str]:
    backend = cache._cache if hasattr(cache, "_cache") else None
    if isinstance(backend, dict):  # local memory
        return list(backend)
    client = redis_client()
    return [key.decode() for key in client.keys("*")]
