"""The project's URLs plus the baseline: a bare Django view behind the same middleware."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """The "bare Django view": no database, no template; only the middleware stack."""
    return HttpResponse("ok")


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("", include("finextra.urls")),
]
