"""Uploaded files when the media store fails (full, read-only, unreachable): a form error, and
nothing left behind. A save that cannot store its files removes what it did store; the admin
then shows the form again, with the reason under the field."""

import logging
import os
from contextlib import contextmanager, suppress

from django.core.files.storage import FileSystemStorage
from django.db.models import FileField

logger = logging.getLogger(__name__)

try:  # S3-compatible stores (django-storages) fail with botocore's errors.
    from botocore.exceptions import BotoCoreError, ClientError

    STORAGE_ERRORS: tuple[type[Exception], ...] = (OSError, BotoCoreError, ClientError)
except ImportError:  # pragma: no cover - botocore is installed with django-storages[s3]
    STORAGE_ERRORS = (OSError,)

STORAGE_FAILED_MESSAGE = (
    "This file could not be stored: the media store is full or not writable just now. Nothing "
    "was saved. Try again in a while, and tell the site's administrators if it goes on."
)


class MediaWriteFailed(Exception):
    def __init__(self, field: str | None, message: str = STORAGE_FAILED_MESSAGE):
        super().__init__(message)
        self.field = field
        self.message = message


class MediaStorage(FileSystemStorage):
    """Disk storage that removes a file it could not finish writing (a full disk leaves the
    part already written). Only when the write itself failed: the name is the free one the
    storage chose for this save, so the file is this save's own."""

    def _save(self, name, content):
        path = self.path(name)
        existed = os.path.exists(path)
        try:
            return super()._save(name, content)
        except FileExistsError:
            raise
        except OSError:
            if not existed:
                with suppress(OSError):
                    os.remove(path)
            raise


def _uploads(instance) -> list[tuple[str, object]]:
    """The file fields of `instance` holding a new upload, not yet in storage."""
    pending = []
    for field in instance._meta.concrete_fields:
        if isinstance(field, FileField):
            file = getattr(instance, field.attname)
            if file and not file._committed:
                pending.append((field.name, file))
    return pending


@contextmanager
def files_removed_on_failure(instance):
    """Around a model save: when storing fails, the files this save already stored are
    deleted again and MediaWriteFailed names the field (the row is not saved: the error
    propagates, so the transaction rolls back)."""
    pending = _uploads(instance)
    try:
        yield
    except STORAGE_ERRORS as error:
        # The upload not yet stored is the one that failed; otherwise what followed it did.
        failed = next((name for name, file in pending if not file._committed), None)
        for _name, file in pending:
            if file._committed:
                with suppress(*STORAGE_ERRORS):
                    file.storage.delete(file.name)
        field = failed or (pending[0][0] if pending else None)
        logger.error("Media store failed while saving %r: %s", instance, error)
        raise MediaWriteFailed(field) from error


class MediaErrorsAsFormErrors:
    """ModelAdmin mixin: a save the media store refused is shown again as the form, with the
    reason under the file field and everything typed kept (the transaction rolled back)."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except MediaWriteFailed as failure:
            request._media_write_failed = failure
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        failure = getattr(request, "_media_write_failed", None)
        if failure is None:
            return form

        class RefusedByTheMediaStore(form):
            def clean(self):
                cleaned = super().clean()
                field = failure.field if failure.field in self.fields else None
                self.add_error(field, failure.message)
                return cleaned

        RefusedByTheMediaStore.__name__ = form.__name__
        return RefusedByTheMediaStore
