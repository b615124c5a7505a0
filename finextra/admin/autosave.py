"""The server's copy of what a person has typed into a draft and not saved (`finextra.Autosave`),
kept by static/editorial-drafts.js and offered back on the change form. It never writes the
item."""

import json

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from ..services import (
    AUTOSAVE_MAX_BYTES,
    AutosaveRefused,
    autosave_discard,
    autosave_for,
    autosave_record,
)
from .parts import DeskPart


class Autosaves(DeskPart):
    def get_urls(self):
        return [
            self.desk_url("<path:object_id>/autosave/", self.autosave_view, "autosave"),
            *super().get_urls(),
        ]

    def desk_context(self, request, obj) -> dict:
        return {**super().desk_context(request, obj), "autosave": self.autosave_offer(request, obj)}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Saved: what this person had typed and not saved is in the item now.
        autosave_discard(obj=form.instance, user=request.user)

    def autosave_offer(self, request, obj) -> dict | None:
        """The person's autosave of this draft, for the page's script to offer back."""
        autosave = autosave_for(obj=obj, user=request.user)
        if autosave is None or not self.has_change_permission(request, obj):
            return None
        return {
            **autosave.data,
            "version": autosave.version,
            "at": autosave.at.isoformat(timespec="milliseconds"),
        }

    @method_decorator(require_POST)
    def autosave_view(self, request, object_id):
        """Keep (or, with {"discard": true}, forget) what the person has typed into a draft's
        form and not saved: JSON from static/editorial-drafts.js. The item is never changed."""
        obj = self.editorial_object(request, object_id)
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
