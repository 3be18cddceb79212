"""The connector's OpenAPI document describes every /las/v1/ route we serve, with the token lifetime
and scope the code uses."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from klaspoort.laslink import tokens, urls

OPENAPI = Path(settings.PROJECT_DIR) / "docs" / "partners" / "las-connector.openapi.yaml"


def test_every_connector_route_is_documented() -> None:
    text = OPENAPI.read_text(encoding="utf-8")
    documented = set(re.findall(r"^  (/las/v1/\S+):$", text, re.M))
    served = {
        "/" + str(pattern.pattern).replace("<str:code>", "{school}").replace("<int:push_id>", "{push}")
        for pattern in urls.urlpatterns
        if str(pattern.pattern).startswith("las/v1/")
    }
    assert (
        served
        == documented
        == {
            "/las/v1/token",
            "/las/v1/schools/{school}/link",
            "/las/v1/schools/{school}/edexml",
            "/las/v1/schools/{school}/pushes/{push}",
        }
    )


def test_the_token_scheme_says_what_the_server_does() -> None:
    text = OPENAPI.read_text(encoding="utf-8")
    assert "tokenUrl: /las/v1/token" in text
    assert f"scopes: {{{tokens.SCOPE}: " in text
    assert tokens.TOKEN_LIFETIME == 900
    assert "valid 15 minutes" in text
    assert "expires_in: {type: integer, description: seconds (900)}" in text
