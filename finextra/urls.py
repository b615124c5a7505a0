from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Finextra newsroom"
admin.site.site_title = "Finextra newsroom"
admin.site.index_title = "The desk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sponsored/", include("sponsors.urls")),
    path("", include("comments.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
