from django.urls import path

from klaspoort.federation.saml.views import idp_initiated, metadata, sso

app_name = "saml"
urlpatterns = [
    path("metadata/", metadata.metadata, name="metadata"),
    path("sso/", sso.single_sign_on, name="sso"),
    path("sso/resume/", sso.resume, name="resume"),
    path("idp-initiated/<str:app_id>/", idp_initiated.idp_initiated, name="idp_initiated"),
]
