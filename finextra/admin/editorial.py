"""The desk for an editorial model (articles, placements, comments): `EditorialAdmin` is the
admin's own change form and list, with the parts each in its module (the workflow panel, the
revisions, the preview links, the autosave) and the save rules here."""

from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.db import transaction
from django.utils import timezone

from ..media import MediaErrorsAsFormErrors
from ..services import editorial_save, history_record, transition
from ..workflow import State
from .autosave import Autosaves
from .forms import EditorialForm, StaleSave, stale_message
from .lists import CappedPaginator
from .preview_links import PreviewLinks
from .revisions import Revisions
from .workflow_panel import WorkflowPanel


class EditorialAdmin(
    WorkflowPanel, Revisions, PreviewLinks, Autosaves, MediaErrorsAsFormErrors, admin.ModelAdmin
):
    """The desk for an editorial model: its state, the moves the user may make, its history,
    its revisions and its preview links.

    Subclasses name `review_permission` and `publish_permission` ("app.codename"), and
    `preview_url_name` (a URL taking the token) to offer preview links.
    """

    form = EditorialForm
    change_form_template = "admin/editorial/change_form.html"
    # Archive-sized lists: a capped count for the page, no second count of the whole table.
    paginator = CappedPaginator
    show_full_result_count = False
    # A search that matches a common word reads every row it counts: count fewer.
    search_count_cap = 1_000
    review_permission = ""
    publish_permission = ""

    class Media:
        # Unsaved changes: a warning on leaving, and a copy kept in the browser (README).
        js = ["editorial-drafts.js"]

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(
            request,
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
        )
        if request.GET.get(SEARCH_VAR, "").strip() and isinstance(paginator, CappedPaginator):
            paginator.cap = self.search_count_cap
        return paginator

    # Who may change published copy (live at once, kept in the history).
    def may_change_published(self, user) -> bool:
        return user.has_perm(self.review_permission) or user.has_perm(self.publish_permission)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is not None and obj.state == State.PUBLISHED:
            return self.may_change_published(request.user)
        return True

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        name, options = fieldsets[0]
        fields = list(options.get("fields", ()))
        if obj is not None and self.has_change_permission(request, obj):
            fields += [name for name in ("seen_version", "restored_from") if name not in fields]
        fieldsets[0] = (name, {**options, "fields": fields})
        return fieldsets

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None:
            extra_context.update(self.desk_context(request, obj))
        return super().change_view(request, object_id, form_url, extra_context)

    def fields_saved(self, obj, form) -> set[str]:
        """What an admin save writes: the fields the form changed and what derives from them,
        never the workflow's fields or those other services own (a save must not undo a move,
        a correction or a count made since the form was opened)."""
        model_fields = {field.name: field for field in obj._meta.concrete_fields}
        changed = {name for name in form.changed_data if name in model_fields}
        for name in list(changed):
            changed.update(obj.derived_fields.get(name, ()))
        # "Last changed" stamps follow every save.
        changed.update(name for name, f in model_fields.items() if getattr(f, "auto_now", False))
        return changed - set(obj.WORKFLOW_FIELDS) - set(obj.service_fields)

    def save_object(self, request, obj, *, update_fields=None) -> None:
        """Write `obj` and what follows from it (`editorial_save`). An admin whose model has a
        save service of its own calls that here."""
        editorial_save(obj=obj, update_fields=update_fields)

    def save_model(self, request, obj, form, change):
        if not change:
            self.save_object(request, obj)
            return
        model = type(obj)
        with transaction.atomic():
            # Already locked by the form's clean() in this transaction: this re-read is free.
            version = model._base_manager.select_for_update().values_list("version", flat=True)
            current = version.get(pk=obj.pk)
            if current != form.cleaned_data.get("seen_version"):
                raise StaleSave(stale_message(obj))
            obj.version = current + 1
            self.save_object(request, obj, update_fields={*self.fields_saved(obj, form), "version"})
            copy_changed = set(form.changed_data) & set(obj.copy_fields)
            if not copy_changed:
                return
            if obj.state == State.EDITED and not request.user.has_perm(self.review_permission):
                transition(
                    obj=obj,
                    move="copy_changed",
                    user=request.user,
                    note="Copy changed after the edit: " + ", ".join(sorted(copy_changed)),
                    automatic=True,
                )
                self.message_user(
                    request,
                    "You changed the copy after it was edited, so it is back in draft for an "
                    "editor to check again.",
                    messages.WARNING,
                )
            elif obj.state == State.PUBLISHED:
                obj.revised_at = timezone.now()
                model._base_manager.filter(pk=obj.pk).update(revised_at=obj.revised_at)
                history_record(
                    obj=obj,
                    move="live_change",
                    user=request.user,
                    from_state=State.PUBLISHED,
                    to_state=State.PUBLISHED,
                    note="Published copy changed: " + ", ".join(sorted(copy_changed)),
                )
