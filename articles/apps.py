from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from finextra import roles, workflow

        from . import signals  # noqa: F401
        from .models import Article

        workflow.register(Article)
        reading = ("articles.view_article", "articles.view_channel", "articles.view_author")
        reading += ("articles.view_tag",)
        roles.grant(
            roles.WRITER,
            *reading,
            "articles.add_article",
            "articles.change_article",
            "articles.add_tag",
        )
        roles.grant(
            roles.EDITOR,
            *reading,
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
            *reading,
            "articles.change_article",
            "articles.publish_article",
            "articles.delete_article",
            "articles.add_channel",
            "articles.change_channel",
        )
        roles.grant(roles.COMMERCIAL, *reading)
        roles.grant(roles.MODERATOR, *reading)
