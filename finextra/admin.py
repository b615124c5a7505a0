import json
from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.redirects.admin import RedirectAdmin as DjangoRedirectAdmin
from django.contrib.redirects.models import Redirect
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import router, transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html

from .media import MediaErrorsAsFormErrors
from .models import Revision, TransitionLog, User
from .queues import queues_of
from .redirects import redirect_check, redirect_save
from .services import (
    AUTOSAVE_MAX_BYTES,
    PREVIEW_DEFAULT_HOURS,
    AutosaveRefused,
    autosave_discard,
    autosave_for,
    autosave_record,
    history_for,
    history_record,
    preview_link_create,
    preview_links_for,
    preview_links_revoke,
    revision_diff,
    revision_record,
    revision_value,
    revisions_for,
    transition,
)
from .workflow import Move, State, TransitionRefused, change_follow_up


class CappedPaginator(Paginator):
    """The desk's lists count no further than `cap` rows: counting a million comments on every
    page load buys nobody anything. Past the cap the list says "More than 10000 ..." and its
    last pages are the cap's; filters and search reach the rest."""

    cap = 10_000
    capped = False

    @cached_property
    def count(self):
        counted = self.object_list.order_by().values("pk")[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        ("Personal info", {"fields": ("display_name", "first_name", "last_name", "email")}),
        *DjangoUserAdmin.fieldsets[2:],
    )
    list_display = ("username", "display_name", "email", "is_staff", "is_active")
    search_fields = ("username", "display_name", "email")


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    list_display = ("at", "content_type", "object_id", "move", "from_state", "to_state", "actor")
    list_filter = ("content_type", "move", "to_state")
    date_hierarchy = "at"
    list_select_related = ("content_type", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RedirectForm(forms.ModelForm):
    class Meta:
        model = Redirect
        fields = ("site", "old_path", "new_path")

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            redirect_check(
                old_path=cleaned["old_path"],
                new_path=cleaned["new_path"],
                site=cleaned["site"],
                pk=self.instance.pk,
            )
        return cleaned


admin.site.unregister(Redirect)


@admin.register(Redirect)
class RedirectAdmin(DjangoRedirectAdmin):
    """Old addresses and where they send readers; saved through the service that refuses
    loops and points every row straight at its final target."""

    form = RedirectForm

    def save_model(self, request, obj, form, change):
        if change and "old_path" in form.changed_data:
            Redirect.objects.filter(pk=obj.pk).delete()
        saved = redirect_save(old_path=obj.old_path, new_path=obj.new_path, site=obj.site)
        obj.pk, obj.new_path = saved.pk, saved.new_path


class QueueFilter(admin.SimpleListFilter):
    """The desk's queues of the list's model (`finextra.queues`), as the admin's front page
    links to them. With `default`, the list opens on that queue; "All" shows every row."""

    title = "queue"
    parameter_name = "queue"
    default: str | None = None
    ALL = "all"

    def __init__(self, request, params, model, model_admin):
        # The default is how the list opens. Any other filter or a search asks for all rows
        # matching it (a commenter's name links to all their comments), and an action acts on
        # the rows the person selected.
        self.opening = request.method == "GET" and not set(request.GET) - {"o", "p"}
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [(queue.key, queue.title) for queue in queues_of(model_admin.model)]

    def value(self):
        return super().value() or (self.default if self.opening else None)

    def queryset(self, request, queryset):
        queue = next((q for q in queues_of(queryset.model) if q.key == self.value()), None)
        if queue is None:
            return queryset
        return queue.items(request.user, queryset)

    def choices(self, changelist):
        if self.default is None:
            yield from super().choices(changelist)
            return
        for key, title in [(self.ALL, "All"), *self.lookup_choices]:
            yield {
                "selected": self.value() == key,
                "query_string": changelist.get_query_string({self.parameter_name: key}),
                "display": title,
            }


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


class TransitionForm(forms.Form):
    move = forms.CharField(max_length=40)
    version = forms.IntegerField()
    note = forms.CharField(required=False, max_length=2000)
    # The ticked box of a move that asks first (Move.confirm).
    confirm = forms.BooleanField(required=False)
    at = forms.DateTimeField(
        required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
    )


PREVIEW_HOURS_CHOICES = [(1, "1 hour"), (24, "24 hours"), (48, "48 hours"), (168, "7 days")]


class PreviewLinkForm(forms.Form):
    hours = forms.TypedChoiceField(
        choices=PREVIEW_HOURS_CHOICES, coerce=int, initial=PREVIEW_DEFAULT_HOURS
    )
    revision = forms.IntegerField(required=False)


class EditorialAdmin(MediaErrorsAsFormErrors, admin.ModelAdmin):
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
    preview_url_name = ""

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

    class Media:
        # Unsaved changes: a warning on leaving, and a copy kept in the browser (README).
        js = ["editorial-drafts.js"]

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
        """Write `obj` and what follows from it: its app's follow-up service (purges, counts),
        as `transition()` runs it. An admin whose model has a save service calls that here."""
        before = None if obj._state.adding else type(obj)._base_manager.get(pk=obj.pk)
        obj.save(update_fields=update_fields)
        change_follow_up(obj=obj, before=before)

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
        # Saved: what this person had typed and not saved is in the item now.
        autosave_discard(obj=form.instance, user=request.user)

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

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/transition/",
                view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            path(
                "<path:object_id>/autosave/",
                view(self.autosave_view),
                name="{}_{}_autosave".format(*info),
            ),
            path(
                "<path:object_id>/revisions/compare/",
                view(self.revision_compare_view),
                name="{}_{}_revision_compare".format(*info),
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                view(self.revision_restore_view),
                name="{}_{}_revision_restore".format(*info),
            ),
            path(
                "<path:object_id>/preview-links/",
                view(self.preview_link_create_view),
                name="{}_{}_preview_link_create".format(*info),
            ),
            path(
                "<path:object_id>/preview-links/<int:link_id>/revoke/",
                view(self.preview_link_revoke_view),
                name="{}_{}_preview_link_revoke".format(*info),
            ),
            *super().get_urls(),
        ]

    def _admin_url(self, name: str, *args) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)

    def _timeline(self, obj) -> list[dict]:
        """Moves and saves as one story, newest first: who wrote, who edited, who published."""
        revisions = list(revisions_for(obj)[:50])
        entries = [
            {"at": entry.at, "actor": entry.actor, "move": entry, "revision": None}
            for entry in history_for(obj)[:50]
        ]
        for revision, previous in zip(revisions, [*revisions[1:], None], strict=False):
            entries.append(
                {
                    "at": revision.at,
                    "actor": revision.actor,
                    "move": None,
                    "revision": revision,
                    "previous": previous,
                }
            )
        entries.sort(key=lambda entry: entry["at"], reverse=True)
        return entries

    def _editorial_object(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404(f"No such {self.opts.verbose_name}.")
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None:
            info = self.opts.app_label, self.opts.model_name
            extra_context.update(
                workflow_moves=obj.transitions.available(request.user, obj),
                workflow_history=history_for(obj)[:50],
                workflow_timeline=self._timeline(obj),
                workflow_revisions=revisions_for(obj)[:50],
                workflow_may_restore=self.has_change_permission(request, obj),
                compare_action=self._admin_url("revision_compare", obj.pk),
                workflow_action=reverse("admin:{}_{}_transition".format(*info), args=[obj.pk]),
                workflow_note=request.session.pop("workflow_note", ""),
                workflow_now=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                autosave=self._autosave_offer(request, obj),
            )
            if self.preview_url_name:
                extra_context.update(
                    preview_links=preview_links_for(obj).select_related("created_by")[:20],
                    preview_form=PreviewLinkForm(),
                    preview_action=self._admin_url("preview_link_create", obj.pk),
                    preview_may_create=(
                        not obj.is_live
                        and obj.withdrawn_at is None
                        and self.has_change_permission(request, obj)
                    ),
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def _autosave_offer(self, request, obj) -> dict | None:
        """The person's autosave of this draft, for the page's script to offer back."""
        autosave = autosave_for(obj=obj, user=request.user)
        if autosave is None or not self.has_change_permission(request, obj):
            return None
        return {
            **autosave.data,
            "version": autosave.version,
            "at": autosave.at.isoformat(timespec="milliseconds"),
        }

    def autosave_view(self, request, object_id):
        """Keep (or, with {"discard": true}, forget) what the person has typed into a draft's
        form and not saved: JSON from static/editorial-drafts.js. The item is never changed."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._editorial_object(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if len(request.body) > AUTOSAVE_MAX_BYTES:
            return HttpResponse("Too long to autosave.", status=413, content_type="text/plain")
        try:
            data = json.loads(request.body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return HttpResponse("Send the form as JSON.", status=400, content_type="text/plain")
        if data.get("discard") is True:
            autosave_discard(obj=obj, user=request.user)
            return HttpResponse(status=204)
        values, opened, version = data.get("values"), data.get("opened"), data.get("version")
        if not isinstance(values, dict) or not isinstance(opened, dict):
            return HttpResponse("Send the form as JSON.", status=400, content_type="text/plain")
        try:
            version = int(version)
        except (TypeError, ValueError):
            version = -1
        if not 0 <= version < 2**31:
            return HttpResponse("Say which version.", status=400, content_type="text/plain")
        try:
            autosave_record(
                obj=obj,
                user=request.user,
                version=version,
                data={"opened": opened, "values": values},
            )
        except AutosaveRefused as refusal:
            return HttpResponse(str(refusal), status=409, content_type="text/plain")
        return HttpResponse(status=204)

    def revision_compare_view(self, request, object_id):
        """Two revisions side by side, as words struck out and added (?a=older&b=newer)."""
        obj = self._editorial_object(request, object_id)
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
            "change_url": self._admin_url("change", obj.pk),
            "may_restore": self.has_change_permission(request, obj),
            "older_restore_url": self._admin_url("revision_restore", obj.pk, older.pk),
        }
        return render(request, "admin/editorial/revision_compare.html", context)

    def revision_restore_view(self, request, object_id, revision_id):
        """The change form filled with an old revision's copy. Nothing is saved until the user
        saves it, under the usual rules (a live item stays live, an edited one goes back to
        draft when a writer changes its copy)."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        obj = self._editorial_object(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        revision = get_object_or_404(revisions_for(obj), pk=revision_id)
        request.restoring_revision = revision
        return self.change_view(
            request,
            str(obj.pk),
            form_url=self._admin_url("change", obj.pk),
            extra_context={"restoring": revision},
        )

    def preview_link_create_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._editorial_object(request, object_id)
        if not self.preview_url_name or not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = self._admin_url("change", obj.pk)
        form = PreviewLinkForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose how long the link should work. No link was made.")
            return HttpResponseRedirect(change_url)
        if obj.is_live:
            messages.error(
                request, "This is live: share its public address. No preview link was made."
            )
            return HttpResponseRedirect(change_url)
        revision = None
        if form.cleaned_data["revision"]:
            revision = revisions_for(obj).filter(pk=form.cleaned_data["revision"]).first()
            if revision is None:
                messages.error(request, "That revision is not one of this item's. No link made.")
                return HttpResponseRedirect(change_url)
        try:
            link, token = preview_link_create(
                obj=obj, user=request.user, hours=form.cleaned_data["hours"], revision=revision
            )
        except TransitionRefused as refusal:
            messages.error(request, str(refusal))
            return HttpResponseRedirect(change_url)
        url = request.build_absolute_uri(reverse(self.preview_url_name, args=[token]))
        messages.success(
            request,
            f"Preview link (copy it now: it is shown only once), working until "
            f"{timezone.localtime(link.expires_at):%d %b %Y %H:%M}: {url}",
        )
        return HttpResponseRedirect(change_url)

    def preview_link_revoke_view(self, request, object_id, link_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._editorial_object(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if preview_links_revoke(obj=obj, link_id=link_id):
            messages.success(request, "The preview link was revoked: it no longer works.")
        else:
            messages.warning(request, "That link had already stopped working.")
        return HttpResponseRedirect(self._admin_url("change", obj.pk))

    def transition_apply(self, request, obj, *, move, note, at, version):
        """A button of the workflow panel. Never an automatic move: `transition()` refuses
        those unless the code that owns them asks. A model whose moves have side effects
        (comments) sends them through its own service instead."""
        transition(obj=obj, move=move, user=request.user, note=note, at=at, version=version)

    def transition_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "That request was incomplete. Nothing was changed.")
            return HttpResponseRedirect(change_url)
        data = form.cleaned_data
        at: datetime | None = data["at"]
        move = obj.transitions.get(data["move"])
        if move is not None and move.confirm and not data["confirm"]:
            request.session["workflow_note"] = data["note"]
            messages.error(
                request,
                f"“{move.label}” asks you to confirm first: tick “{move.confirm}”. "
                "Nothing was changed.",
            )
            return HttpResponseRedirect(change_url)
        try:
            self.transition_apply(
                request, obj, move=data["move"], note=data["note"], at=at, version=data["version"]
            )
        except TransitionRefused as refusal:
            request.session["workflow_note"] = data["note"]
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"“{obj}” is {move_done(move, obj)}.")
        return HttpResponseRedirect(change_url)

    # Bulk moves (the list's actions), each item through the panel's own path, one message each.

    def bulk_move(self, request, queryset, move_name: str) -> None:
        move = self.model.transitions.get(move_name)
        for obj in queryset.order_by("pk"):
            try:
                self.transition_apply(
                    request, obj, move=move_name, note="", at=None, version=obj.version
                )
            except TransitionRefused as refusal:
                self.message_user(request, f"“{obj}”: {refusal}", messages.ERROR)
            else:
                self.message_user(request, f"“{obj}” is {move_done(move, obj)}.", messages.SUCCESS)


def move_done(move: Move, obj) -> str:
    """What a move did, after "“Headline” is …"."""
    if obj.is_scheduled:
        return f"scheduled for {timezone.localtime(obj.published_at):%d %b %Y at %H:%M}"
    if move.done:
        return move.done
    if move.source == State.PUBLISHED and move.target == State.PUBLISHED:
        return "live now"
    return f"now {obj.get_state_display().lower()}"
