from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from finextra.edge import edge_public

from . import feeds, sitemaps, views
from .edge import syndication_view as syndicated

app_name = "articles"

urlpatterns = [
    path("", edge_public(views.HomeView.as_view()), name="home"),
    path("search/", views.search, name="search"),
    path("channels/<slug:slug>/", edge_public(views.ChannelView.as_view()), name="channel"),
    path("tags/<slug:slug>/", edge_public(views.TagView.as_view()), name="tag"),
    path("authors/<slug:slug>/", edge_public(views.AuthorView.as_view()), name="author"),
    path("news/<int:pk>/", views.article_detail, name="article_by_id"),
    path("news/<int:pk>/<str:slug>/", views.article_detail, name="article"),
    path("preview/<str:token>/", views.article_preview, name="preview_link"),
    # Feeds, sitemaps and robots.txt (articles/feeds.py, articles/sitemaps.py).
    path("feeds/latest/rss/", syndicated(feeds.LatestNewsFeed()), name="feed_latest_rss"),
    path("feeds/latest/atom/", syndicated(feeds.LatestNewsAtomFeed()), name="feed_latest_atom"),
    path(
        "channels/<slug:slug>/feed/rss/", syndicated(feeds.ChannelFeed()), name="channel_feed_rss"
    ),
    path(
        "channels/<slug:slug>/feed/atom/",
        syndicated(feeds.ChannelAtomFeed()),
        name="channel_feed_atom",
    ),
    path(
        "sitemap.xml",
        syndicated(sitemap_views.index),
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "articles:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        syndicated(sitemap_views.sitemap),
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap_section",
    ),
    path("news-sitemap.xml", syndicated(sitemaps.news_sitemap), name="news_sitemap"),
    path("robots.txt", syndicated(sitemaps.robots_txt), name="robots_txt"),
]
