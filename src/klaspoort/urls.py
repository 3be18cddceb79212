from django.conf import settings
from django.contrib.staticfiles.views import serve as serve_static
from django.urls import include, path, re_path

from klaspoort.accounts.language import set_language
from klaspoort.federation.oidc.discovery import discovery_view

handler400 = "klaspoort.core.errors.bad_request"
handler403 = "klaspoort.core.errors.permission_denied"
handler404 = "klaspoort.core.errors.page_not_found"
handler500 = "klaspoort.core.errors.server_error"

urlpatterns = [
    path("", include("klaspoort.core.urls")),
    path("saml/", include("klaspoort.federation.saml.urls")),
    path("oidc/", include("klaspoort.federation.oidc.urls")),
    path(".well-known/openid-configuration", discovery_view, name="openid-configuration"),
    path("", include("klaspoort.accounts.urls")),
    path("", include("klaspoort.twofactor.urls")),
    path("", include("klaspoort.portal.urls")),
    path("", include("klaspoort.accounts.pupils.urls")),
    path("", include("klaspoort.classroom.urls")),
    path("", include("klaspoort.schooladmin.urls")),
    path("", include("klaspoort.accounts.home.urls")),
    path("", include("klaspoort.operator.urls")),
    path("", include("klaspoort.helpcentre.urls")),
    path("", include("klaspoort.laslink.urls")),
    path("", include("klaspoort.substitutes.urls")),
    # The language switch: Django's, and a signed-in person's mails follow the choice.
    path("i18n/setlang/", set_language, name="set_language"),
]

if settings.DEVELOPMENT:
    # Embedded mode (`make demo`, tests): Django serves the static files itself. In production a
    # reverse proxy serves STATIC_ROOT (`klaspoort collectstatic`).
    urlpatterns += [re_path(r"^static/(?P<path>.*)$", serve_static, {"insecure": True})]

handler500 = "klaspoort.core.errors.server_error"
