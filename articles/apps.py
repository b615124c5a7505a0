from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from finextra import edge as finextra_edge
        from finextra import queues, roles, workflow

        from . import edge
        from . import queues as desk_queues
        from .models import Article
        from .services import article_changed

        workflow.register(Article, follow_up=article_changed)
        queues.register(*desk_queues.QUEUES)
        finextra_edge.clock_source_register(edge.next_scheduled_article)
        reading = ("articles.view_channel", "articles.view_author", "articles.view_tag")
        # Only the newsroom reads articles in the admin (and so their previews): an unpublished
        # story is not for the commercial team or the moderators.
        newsroom = (*reading, "articles.view_article")
        roles.grant(
            roles.WRITER,
            *newsroom,
            "articles.add_article",
            "articles.change_article",
            "articles.add_tag",
        )
        roles.grant(
            roles.EDITOR,
            *newsroom,
            "articles.add_article",
            "articles.change_article",
            "articles.review_article",
            "articles.add_tag",
            "articles.change_tag",
            "articles.add_author",
            "articles.change_author",
        )
        roles.grant(
            roles.PUBLISHER,
            *newsroom,
            "articles.change_article",
            "articles.publish_article",
            "articles.delete_article",
            "articles.add_channel",
            "articles.change_channel",
        )
        roles.grant(roles.COMMERCIAL, *reading)
        roles.grant(roles.MODERATOR, *reading)
