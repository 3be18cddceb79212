from django.urls import include, path

urlpatterns = [
    path("", include("klaspoort.core.urls")),
    path("saml/", include("klaspoort.federation.saml.urls")),
]
