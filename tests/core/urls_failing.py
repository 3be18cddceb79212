"""The project's URLs plus one view that fails, to see the 500 page (tests only)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from klaspoort.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: /srv/klaspoort/settings.py line 42")


urlpatterns = [path("fails/", fails), *urlpatterns]
