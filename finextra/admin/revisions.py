"""An item's revisions on its change form: every save kept as a copy, two compared word by
word, and an old one restored into the form (saved only when the person saves it)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET

from ..models import Revision
from ..services import (
    history_record,
    revision_diff,
    revision_record,
    revision_value,
    revisions_for,
)
from .parts import DeskPart


class Revisions(DeskPart):
    def get_urls(self):
        return [
            self.desk_url(
                "<path:object_id>/revisions/compare/",
                self.revision_compare_view,
                "revision_compare",
            ),
            self.desk_url(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                self.revision_restore_view,
                "revision_restore",
            ),
            *super().get_urls(),
        ]

    def desk_context(self, request, obj) -> dict:
        return {
            **super().desk_context(request, obj),
            "workflow_revisions": revisions_for(obj)[:50],
            "workflow_may_restore": self.has_change_permission(request, obj),
            "compare_action": self.admin_url("revision_compare", obj.pk),
        }

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the many-to-many fields, so the revision holds the copy exactly as saved.
        revision_record(obj=form.instance, user=request.user)
        restored_id = form.cleaned_data.get("restored_from")
        restored = restored_id and revisions_for(form.instance).filter(pk=restored_id).first()
        if change and restored:
            history_record(
                obj=form.instance,
                move="restore_revision",
                user=request.user,
                from_state=form.instance.state,
                to_state=form.instance.state,
                note=f"Restored revision {restored.version} (the copy saved "
                f"{timezone.localtime(restored.at):%d %b %Y %H:%M} by "
                f"{restored.actor or '(deleted account)'}).",
            )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        restoring: Revision | None = getattr(request, "restoring_revision", None)
        if restoring is None or request.method != "GET":
            return form_class
        restored = {
            name: revision_value(model=self.model, name=name, value=value)
            for name, value in restoring.snapshot.items()
            if name in form_class.base_fields
        }

        class RestoringForm(form_class):
            def __init__(self, *args, **kwargs):
                initial = {**restored, "restored_from": restoring.pk}
                instance = kwargs.get("instance")
                for name, value in restored.items():
                    field = self.base_fields[name]
                    if isinstance(field, forms.FileField) and instance is not None:
                        # Shown as "Currently: <the old file>"; saving puts it back.
                        model_field = instance._meta.get_field(name)
                        initial[name] = model_field.attr_class(instance, model_field, value or None)
                kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
                super().__init__(*args, **kwargs)

        return RestoringForm

    def revision_compare_view(self, request, object_id):
        """Two revisions side by side, as words struck out and added (?a=older&b=newer)."""
        obj = self.editorial_object(request, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        revisions = revisions_for(obj)
        try:
            older = revisions.get(pk=int(request.GET.get("a", "")))
            newer = revisions.get(pk=int(request.GET.get("b", "")))
        except (ValueError, Revision.DoesNotExist):
            raise Http404("Choose two revisions of this item to compare.") from None
        if (older.at, older.pk) > (newer.at, newer.pk):
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Changes to “{obj}”",
            "older": older,
            "newer": newer,
            "diffs": revision_diff(older=older, newer=newer, model=type(obj)),
            "change_url": self.admin_url("change", obj.pk),
            "may_restore": self.has_change_permission(request, obj),
            "older_restore_url": self.admin_url("revision_restore", obj.pk, older.pk),
        }
        return render(request, "admin/editorial/revision_compare.html", context)

    @method_decorator(require_GET)
    def revision_restore_view(self, request, object_id, revision_id):
        """The change form filled with an old revision's copy. Nothing is saved until the user
        saves it, under the usual rules (a live item stays live, an edited one goes back to
        draft when a writer changes its copy)."""
        obj = self.editorial_object(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        revision = get_object_or_404(revisions_for(obj), pk=revision_id)
        request.restoring_revision = revision
        return self.change_view(
            request,
            str(obj.pk),
            form_url=self.admin_url("change", obj.pk),
            extra_context={"restoring": revision},
        )
