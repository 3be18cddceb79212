"""The site's URLs plus one view that fails, for the error-logging tests."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from klaspoort.urls import handler500
from klaspoort.urls import urlpatterns as site_patterns


def boom(request: HttpRequest, token: str) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("boom/<str:token>/", boom), *site_patterns]
__all__ = ["handler500", "urlpatterns"]
