from django.urls import include, path

urlpatterns = [
    path("", include("klaspoort.core.urls")),
]
