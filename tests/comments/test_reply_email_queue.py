"""Reply emails go through the task queue after the reply commits: a mail server that is down
never fails the reader's post, and the database queue retries the email later."""

import socket
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from comments.models import Comment

from .conftest import form_fields, post_url

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_down(settings):
    """A real SMTP backend pointed at a port nothing listens on: every send is refused."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 2


@pytest.fixture
def article(live_article):
    return live_article


def post_reply(client, article, parent, body):
    fields = form_fields(client.get(article.get_absolute_url()).content.decode(), post_url(article))
    return client.post(post_url(article), {**fields, "body": body, "parent": parent.pk})


def test_a_mail_server_that_is_down_does_not_fail_the_reply(
    signed_in, article, post_comment, other_reader, smtp_down, django_capture_on_commit_callbacks
):
    parent = post_comment(article, "Tell me.", author=other_reader, notify_replies=True)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_reply(signed_in, article, parent, "Here you are.")

    assert len(callbacks) == 1, "the email was queued after the commit"
    reply = Comment.objects.get(body="Here you are.")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    assert Comment.objects.filter(parent=parent).count() == 1
    assert mail.outbox == []


# The worker closes its connections between tasks, as it does in production: real transactions.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_the_worker_sends_the_email(
    signed_in, article, post_comment, other_reader, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_QUEUE
    parent = post_comment(article, "Tell me.", author=other_reader, notify_replies=True)

    with django_capture_on_commit_callbacks(execute=True):
        post_reply(signed_in, article, parent, "Here you are.")
    assert mail.outbox == [], "queued, not sent in the request"
    assert DBTaskResult.objects.ready().count() == 1

    call_command("db_worker", batch=True, stdout=StringIO(), stderr=StringIO())

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sasha@example.com"]


@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_a_refused_email_is_retried_later(
    signed_in, article, post_comment, other_reader, settings, smtp_down,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.TASKS = DATABASE_QUEUE
    parent = post_comment(article, "Tell me.", author=other_reader, notify_replies=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_reply(signed_in, article, parent, "Here you are.")
    assert response.status_code == 302

    call_command("db_worker", batch=True, stdout=StringIO(), stderr=StringIO())

    failed, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert failed.status == "FAILED"
    assert retry.status == "READY"
    assert retry.run_after is not None and retry.run_after > failed.finished_at
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
