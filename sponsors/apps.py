from django.apps import AppConfig


class SponsorsConfig(AppConfig):
    name = "sponsors"

    def ready(self):
        from finextra import queues, roles, workflow

        from . import queues as desk_queues
        from . import signals  # noqa: F401
        from .models import Placement

        workflow.register(Placement)
        queues.register(*desk_queues.QUEUES)
        reading = ("sponsors.view_placement", "sponsors.view_sponsor")
        roles.grant(
            roles.COMMERCIAL,
            *reading,
            "sponsors.add_placement",
            "sponsors.change_placement",
            "sponsors.add_sponsor",
            "sponsors.change_sponsor",
        )
        roles.grant(
            roles.EDITOR, *reading, "sponsors.change_placement", "sponsors.review_placement"
        )
        roles.grant(
            roles.PUBLISHER, *reading, "sponsors.change_placement", "sponsors.publish_placement"
        )
        # Writers name the sponsor of a sponsored article.
        roles.grant(roles.WRITER, "sponsors.view_sponsor")
