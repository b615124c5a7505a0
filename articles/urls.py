from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import feeds, sitemaps, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.search, name="search"),
    path("channels/<slug:slug>/", views.ChannelView.as_view(), name="channel"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("news/<int:pk>/", views.article_detail, name="article_by_id"),
    path("news/<int:pk>/<str:slug>/", views.article_detail, name="article"),
    path("preview/<str:token>/", views.article_preview, name="preview_link"),
    # Feeds, sitemaps and robots.txt (articles/feeds.py, articles/sitemaps.py).
    path("feeds/latest/rss/", feeds.LatestNewsFeed(), name="feed_latest_rss"),
    path("feeds/latest/atom/", feeds.LatestNewsAtomFeed(), name="feed_latest_atom"),
    path("channels/<slug:slug>/feed/rss/", feeds.ChannelFeed(), name="channel_feed_rss"),
    path("channels/<slug:slug>/feed/atom/", feeds.ChannelAtomFeed(), name="channel_feed_atom"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "articles:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap_section",
    ),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
]
