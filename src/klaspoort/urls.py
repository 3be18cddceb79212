from django.urls import include, path

from klaspoort.federation.oidc.discovery import discovery_view

urlpatterns = [
    path("", include("klaspoort.core.urls")),
    path("saml/", include("klaspoort.federation.saml.urls")),
    path("oidc/", include("klaspoort.federation.oidc.urls")),
    path(".well-known/openid-configuration", discovery_view, name="openid-configuration"),
    path("", include("klaspoort.accounts.urls")),
    path("", include("klaspoort.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
