"""The change form of every editorial item: it carries the version the editor opened, so a save
over someone else's is refused, and puts back the files of a restored revision."""

from django import forms
from django.db import router, transaction
from django.urls import reverse
from django.utils.html import format_html

from ..services import revisions_for


class StaleSave(Exception):
    """An admin save whose version check did not run under the row's lock (a programming error:
    the admin's change view validates and saves in one transaction)."""


def stale_message(instance) -> str:
    opts = instance._meta
    latest = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
    return format_html(
        "Someone else saved this {} after you opened it, so your changes were not saved. Your "
        'text is still below: copy what you need, <a href="{}">open the latest version</a>, and '
        "apply it there (this browser offers your text back there too).",
        opts.verbose_name,
        latest,
    )


class EditorialForm(forms.ModelForm):
    """Carries the version the editor saw, so a save over someone else's is refused.

    The admin's change view validates and saves in one transaction, so `clean()` reads the
    version under the row's lock: nobody can save or move the item between this check and the
    save (`EditorialAdmin.save_model`), on PostgreSQL as on SQLite.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Set by "Restore this copy": the revision whose files (the lead image) the save puts back.
    restored_from = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version
        self.restored_files: dict[str, str] = {}
        if self.is_bound and self.instance.pk is not None:
            self._restore_files()

    def _restore_files(self):
        """A restore's POST carries no file: the revision's stored file becomes the field's
        starting value, so saving without a new upload puts that file back."""
        try:
            revision_id = int(self.data.get(self.add_prefix("restored_from")) or 0)
        except (TypeError, ValueError):
            return
        revision = (
            revisions_for(self.instance).filter(pk=revision_id).first() if revision_id else None
        )
        if revision is None:
            return
        for name, value in revision.snapshot.items():
            field = self.fields.get(name)
            if not isinstance(field, forms.FileField):
                continue
            current = getattr(self.instance, name)
            if (value or "") != (current.name or ""):
                self.initial[name] = value or None
                self.restored_files[name] = value or ""

    @property
    def changed_data(self):
        changed = list(super().changed_data)
        # No new upload and not cleared: the revision's file is what this save writes.
        changed += [name for name in sorted(self.restored_files) if name not in changed]
        return changed

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        model = type(self.instance)
        rows = model._base_manager.filter(pk=self.instance.pk)
        if transaction.get_connection(router.db_for_write(model)).in_atomic_block:
            # Held until the change view's transaction ends, after the save.
            rows = rows.select_for_update()
        current = rows.values_list("version", flat=True).first()
        if cleaned.get("seen_version") != current:
            raise forms.ValidationError(stale_message(self.instance), code="stale")
        for name, restored in self.restored_files.items():
            value = cleaned.get(name)
            if value is None and not restored:
                cleaned[name] = False  # the copy had no file: clear the current one
            elif isinstance(value, str) and not getattr(self.instance, name).storage.exists(value):
                self.add_error(
                    name,
                    forms.ValidationError(
                        "The file this copy had is no longer stored: upload it again, "
                        "or choose another.",
                        code="restored_file_missing",
                    ),
                )
        return cleaned
