from __future__ import annotations

from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.urls import path


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def done(request: HttpRequest) -> HttpResponse:
    return HttpResponse("signed in")


urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("done/", done),
    path("healthz", healthz),
]
