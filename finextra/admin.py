from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone

from .models import TransitionLog, User
from .services import history_for, history_record, transition
from .workflow import State, TransitionRefused


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


class EditorialForm(forms.ModelForm):
    """Carries the version the editor saw, so a save over someone else's is refused."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        current = (
            type(self.instance)
            ._base_manager.filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if cleaned.get("seen_version") != current:
            name = self.instance._meta.verbose_name
            raise forms.ValidationError(
                f"Someone else saved this {name} after you opened it, so your changes were not "
                "saved. Your text is still below: copy what you need, reload the page, and "
                "apply it to the latest version.",
                code="stale",
            )
        return cleaned


class TransitionForm(forms.Form):
    move = forms.CharField(max_length=40)
    version = forms.IntegerField()
    note = forms.CharField(required=False, max_length=2000)
    at = forms.DateTimeField(
        required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
    )


class EditorialAdmin(admin.ModelAdmin):
    """The desk for an editorial model: its state, the moves the user may make, its history.

    Subclasses name `review_permission` and `publish_permission` ("app.codename").
    """

    form = EditorialForm
    change_form_template = "admin/editorial/change_form.html"
    review_permission = ""
    publish_permission = ""

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
        if "seen_version" not in fields and self.has_change_permission(request, obj):
            fields.append("seen_version")
        fieldsets[0] = (name, {**options, "fields": fields})
        return fieldsets

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if change:
                obj.version = type(obj)._base_manager.select_for_update().get(pk=obj.pk).version + 1
            super().save_model(request, obj, form, change)
            copy_changed = change and set(form.changed_data) & set(obj.copy_fields)
            if not copy_changed:
                return
            if obj.state == State.EDITED and not request.user.has_perm(self.review_permission):
                transition(
                    obj=obj,
                    move="copy_changed",
                    user=request.user,
                    note="Copy changed after the edit: " + ", ".join(sorted(copy_changed)),
                )
                self.message_user(
                    request,
                    "You changed the copy after it was edited, so it is back in draft for an "
                    "editor to check again.",
                    messages.WARNING,
                )
            elif obj.state == State.PUBLISHED:
                obj.revised_at = timezone.now()
                obj.save(update_fields=["revised_at"])
                history_record(
                    obj=obj,
                    move="live_change",
                    user=request.user,
                    from_state=State.PUBLISHED,
                    to_state=State.PUBLISHED,
                    note="Published copy changed: " + ", ".join(sorted(copy_changed)),
                )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None:
            info = self.opts.app_label, self.opts.model_name
            extra_context.update(
                workflow_moves=obj.transitions.available(request.user, obj),
                workflow_history=history_for(obj)[:50],
                workflow_action=reverse("admin:{}_{}_transition".format(*info), args=[obj.pk]),
                workflow_note=request.session.pop("workflow_note", ""),
                workflow_now=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            )
        return super().change_view(request, object_id, form_url, extra_context)

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
        try:
            transition(
                obj=obj,
                move=data["move"],
                user=request.user,
                note=data["note"],
                at=at,
                version=data["version"],
            )
        except TransitionRefused as refusal:
            request.session["workflow_note"] = data["note"]
            messages.error(request, str(refusal))
        else:
            if obj.is_scheduled:
                when = timezone.localtime(obj.published_at)
                done = f"scheduled for {when:%d %b %Y at %H:%M}"
            else:
                done = f"now {obj.get_state_display().lower()}"
            messages.success(request, f"“{obj}” is {done}.")
        return HttpResponseRedirect(change_url)
