from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("channels/<slug:slug>/", views.ChannelView.as_view(), name="channel"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("news/<int:pk>/", views.article_detail, name="article_by_id"),
    path("news/<int:pk>/<str:slug>/", views.article_detail, name="article"),
]
