"""Preview links on an item's change form: a secret address that shows an unpublished item
to whoever holds it, for a chosen time, revocable."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from ..services import (
    PREVIEW_DEFAULT_HOURS,
    preview_link_create,
    preview_links_for,
    preview_links_revoke,
    revisions_for,
)
from ..workflow import TransitionRefused
from .parts import DeskPart

PREVIEW_HOURS_CHOICES = [(1, "1 hour"), (24, "24 hours"), (48, "48 hours"), (168, "7 days")]


class PreviewLinkForm(forms.Form):
    hours = forms.TypedChoiceField(
        choices=PREVIEW_HOURS_CHOICES, coerce=int, initial=PREVIEW_DEFAULT_HOURS
    )
    revision = forms.IntegerField(required=False)


class PreviewLinks(DeskPart):
    """Offered where the admin names `preview_url_name` (a URL taking the token)."""

    preview_url_name = ""

    def get_urls(self):
        return [
            self.desk_url(
                "<path:object_id>/preview-links/",
                self.preview_link_create_view,
                "preview_link_create",
            ),
            self.desk_url(
                "<path:object_id>/preview-links/<int:link_id>/revoke/",
                self.preview_link_revoke_view,
                "preview_link_revoke",
            ),
            *super().get_urls(),
        ]

    def desk_context(self, request, obj) -> dict:
        context = super().desk_context(request, obj)
        if not self.preview_url_name:
            return context
        return {
            **context,
            "preview_links": preview_links_for(obj).select_related("created_by")[:20],
            "preview_form": PreviewLinkForm(),
            "preview_action": self.admin_url("preview_link_create", obj.pk),
            "preview_may_create": (
                not obj.is_live
                and obj.withdrawn_at is None
                and self.has_change_permission(request, obj)
            ),
        }

    @method_decorator(require_POST)
    def preview_link_create_view(self, request, object_id):
        obj = self.editorial_object(request, object_id)
        if not self.preview_url_name or not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = self.admin_url("change", obj.pk)
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

    @method_decorator(require_POST)
    def preview_link_revoke_view(self, request, object_id, link_id):
        obj = self.editorial_object(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if preview_links_revoke(obj=obj, link_id=link_id):
            messages.success(request, "The preview link was revoked: it no longer works.")
        else:
            messages.warning(request, "That link had already stopped working.")
        return HttpResponseRedirect(self.admin_url("change", obj.pk))
