"""GET /saml/metadata/ — the IdP metadata partners load."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from klaspoort.federation.saml.idp import identity_provider
from klaspoort.federation.saml.keys import signing_credentials
from klaspoort.federation.saml.metadata import METADATA_CONTENT_TYPE, build_metadata


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    body = build_metadata(identity_provider(), signing_credentials().certificate_base64)
    response = HttpResponse(body, content_type=METADATA_CONTENT_TYPE)
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Disposition"] = 'inline; filename="klaspoort-idp-metadata.xml"'
    return response
