from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.flatpages import views as flatpages
from django.urls import include, path

from .csp import csp_report
from .pages import PAGES
from .schedule import calendar_view

admin.site.site_header = "Finextra newsroom"
admin.site.site_title = "Finextra newsroom"
admin.site.index_title = "The desk"

urlpatterns = [
    path("admin/calendar/", calendar_view, name="newsroom-calendar"),
    path("admin/", admin.site.urls),
    path("csp-report/", csp_report, name="csp_report"),
    path("sponsored/", include("sponsors.urls")),
    path("", include("comments.urls")),
    path("", include("articles.urls")),
]
# The site's own pages, edited in the admin (flatpages); named for the footer's links.
urlpatterns += [
    path(url.lstrip("/"), flatpages.flatpage, {"url": url}, name=url.strip("/")) for url, _ in PAGES
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
