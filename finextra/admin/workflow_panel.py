"""The workflow panel of an item's change form: its state, the moves the user may make, and
its history as one timeline with its revisions; and the list's bulk moves, through the same
path as the panel's buttons."""

from datetime import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from ..services import history_for, revisions_for, transition
from ..workflow import Move, State, TransitionRefused
from .parts import DeskPart


class TransitionForm(forms.Form):
    move = forms.CharField(max_length=40)
    version = forms.IntegerField()
    note = forms.CharField(required=False, max_length=2000)
    # The ticked box of a move that asks first (Move.confirm).
    confirm = forms.BooleanField(required=False)
    at = forms.DateTimeField(
        required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
    )


def move_done(move: Move, obj) -> str:
    """What a move did, after "“Headline” is …"."""
    if obj.is_scheduled:
        return f"scheduled for {timezone.localtime(obj.published_at):%d %b %Y at %H:%M}"
    if move.done:
        return move.done
    if move.source == State.PUBLISHED and move.target == State.PUBLISHED:
        return "live now"
    return f"now {obj.get_state_display().lower()}"


class WorkflowPanel(DeskPart):
    def get_urls(self):
        return [
            self.desk_url("<path:object_id>/transition/", self.transition_view, "transition"),
            *super().get_urls(),
        ]

    def desk_context(self, request, obj) -> dict:
        return {
            **super().desk_context(request, obj),
            "workflow_moves": obj.transitions.available(request.user, obj),
            "workflow_timeline": self.timeline(obj),
            "workflow_action": self.admin_url("transition", obj.pk),
            "workflow_note": request.session.pop("workflow_note", ""),
            "workflow_now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        }

    def timeline(self, obj) -> list[dict]:
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

    def transition_apply(self, request, obj, *, move, note, at, version):
        """A button of the workflow panel. Never an automatic move: `transition()` refuses
        those unless the code that owns them asks. A model whose moves have side effects
        (comments) sends them through its own service instead."""
        transition(obj=obj, move=move, user=request.user, note=note, at=at, version=version)

    @method_decorator(require_POST)
    def transition_view(self, request, object_id):
        obj = self.editorial_object(request, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        change_url = self.admin_url("change", obj.pk)
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
