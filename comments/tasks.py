"""Work that talks to another server, off the request: queued (django-tasks) once the comment's
transaction commits, run by the worker (`manage.py db_worker`) in production and at once in
development and tests. A failure never reaches the reader who posted."""

import logging
import smtplib
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

# Seconds before each retry of an email the mail server refused or did not answer.
REPLY_EMAIL_RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 60 * 60)


@task()
def reply_email_send(reply_pk: int, attempt: int = 1) -> None:
    """Email the parent comment's author about reply `reply_pk` (checked again here: the reply
    may have been removed, or the reader unsubscribed, since it was queued). Retried later on a
    mail server error while the queue can wait (the database backend); then it fails, logged."""
    from .services import reply_email_deliver

    try:
        reply_email_deliver(reply_pk)
    except (smtplib.SMTPException, OSError) as error:
        backend = reply_email_send.get_backend()
        if attempt <= len(REPLY_EMAIL_RETRY_DELAYS) and backend.supports_defer:
            run_after = timezone.now() + timedelta(seconds=REPLY_EMAIL_RETRY_DELAYS[attempt - 1])
            reply_email_send.using(run_after=run_after).enqueue(reply_pk, attempt=attempt + 1)
            logger.warning(
                "Reply email for comment %s not sent (%s): attempt %s, retried at %s",
                reply_pk,
                error,
                attempt,
                run_after.isoformat(timespec="seconds"),
            )
        else:
            logger.error(
                "Reply email for comment %s not sent (%s): gave up after attempt %s",
                reply_pk,
                error,
                attempt,
            )
        raise
