from django.urls import path

from klaspoort.federation.saml.views import metadata

app_name = "saml"
urlpatterns = [
    path("metadata/", metadata.metadata, name="metadata"),
]
