from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from finextra import queues, roles, workflow

        from . import edge
        from . import queues as desk_queues
        from .models import Comment
        from .services import comment_changed

        workflow.register(Comment, follow_up=comment_changed)
        queues.register(*desk_queues.QUEUES)
        edge.connect()
        moderating = (
            "comments.view_comment",
            "comments.change_comment",
            "comments.moderate_comment",
            "comments.view_report",
        )
        roles.grant(roles.MODERATOR, *moderating)
        roles.grant(roles.EDITOR, *moderating, "comments.pick_comment")
