from django.apps import AppConfig


class SponsorsConfig(AppConfig):
    name = "sponsors"

    def ready(self):
        from finextra import edge as finextra_edge
        from finextra import queues, roles, workflow

        from . import edge
        from . import queues as desk_queues
        from .models import Placement
        from .services import placement_changed

        workflow.register(Placement, follow_up=placement_changed)
        queues.register(*desk_queues.QUEUES)
        finextra_edge.clock_source_register(edge.next_placement_change)
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
