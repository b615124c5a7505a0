from django.contrib import admin

from ..models import TransitionLog


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    """Every move of every editorial item, read-only: the history is written by
    `transition()` and nothing else."""

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
