from django.urls import include, path

urlpatterns = [
    path("", include("klaspoort.core.urls")),
    path("saml/", include("klaspoort.federation.saml.urls")),
    path("", include("klaspoort.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
