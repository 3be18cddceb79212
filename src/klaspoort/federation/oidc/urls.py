from django.urls import path

from klaspoort.federation.oidc import authorize, keys, logout, revocation, token, userinfo

app_name = "oidc"

urlpatterns = [
    path("authorize/", authorize.authorize_view, name="authorize"),
    path("token/", token.token_view, name="token"),
    path("userinfo/", userinfo.userinfo_view, name="userinfo"),
    path("jwks/", keys.jwks_view, name="jwks"),
    path("revoke/", revocation.revocation_view, name="revoke"),
    path("logout/", logout.logout_view, name="logout"),
]
