from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from klaspoort.federation.models import Partner, PartnerApp
from klaspoort.federation.oidc.client import find_app_by_client_id
from klaspoort.federation.saml.partners import app_by_entity_id, app_by_public_id

pytestmark = pytest.mark.django_db

ENTITY_ID = "https://sp.example.nl/metadata"


def _saml_app() -> PartnerApp:
    partner = Partner.objects.create(slug="sp", kind="publisher", name="SP", sector_id="sp")
    return PartnerApp.objects.create(
        partner=partner,
        slug="sp-app",
        name="SP",
        saml_entity_id=ENTITY_ID,
        saml_acs_urls=["https://sp.example.nl/acs"],
    )


def test_a_service_provider_is_looked_up_once_and_a_saved_change_is_seen_at_once() -> None:
    app = _saml_app()
    with CaptureQueriesContext(connection) as first:
        found = app_by_entity_id(ENTITY_ID)
    with CaptureQueriesContext(connection) as second:
        again = app_by_entity_id(ENTITY_ID)
    assert found is not None
    assert again is found
    assert (len(first.captured_queries), len(second.captured_queries)) == (1, 0)
    assert found.service_provider.acs_urls == ("https://sp.example.nl/acs",)

    app.saml_acs_urls = ["https://sp.example.nl/acs2"]
    app.save()  # post_save empties the cache of this worker
    changed = app_by_entity_id(ENTITY_ID)
    assert changed is not None
    assert changed.service_provider.acs_urls == ("https://sp.example.nl/acs2",)

    app.delete()
    assert app_by_entity_id(ENTITY_ID) is None


def test_a_portal_launch_looks_the_app_up_once_by_slug_or_uuid_and_sees_a_saved_change_at_once() -> None:
    app = _saml_app()
    for app_id in ("sp-app", str(app.uuid)):
        with CaptureQueriesContext(connection) as first:
            found = app_by_public_id(app_id)
        with CaptureQueriesContext(connection) as second:
            again = app_by_public_id(app_id)
        assert found is not None
        assert again is found
        assert found.model.pk == app.pk
        assert (len(first.captured_queries), len(second.captured_queries)) == (1, 0)
    assert app_by_public_id("unknown-app") is None

    app.saml_acs_urls = ["https://sp.example.nl/acs2"]
    app.save()  # post_save empties the cache of this worker
    for app_id in ("sp-app", str(app.uuid)):
        changed = app_by_public_id(app_id)
        assert changed is not None
        assert changed.service_provider.acs_urls == ("https://sp.example.nl/acs2",)

    app.saml_entity_id = None
    app.save()  # no longer a SAML service provider
    assert app_by_public_id("sp-app") is None
    assert app_by_public_id(str(app.uuid)) is None


def test_an_unknown_entity_id_is_remembered_as_unknown_until_an_app_is_saved() -> None:
    with CaptureQueriesContext(connection) as first:
        assert app_by_entity_id(ENTITY_ID) is None
    with CaptureQueriesContext(connection) as second:
        assert app_by_entity_id(ENTITY_ID) is None
    assert (len(first.captured_queries), len(second.captured_queries)) == (1, 0)
    _saml_app()
    assert app_by_entity_id(ENTITY_ID) is not None


def test_oidc_clients_and_service_providers_are_forgotten_together() -> None:
    app = _saml_app()
    app.client_id = "sp-client"
    app.save()
    assert find_app_by_client_id("sp-client") is not None
    assert app_by_entity_id(ENTITY_ID) is not None
    Partner.objects.filter(pk=app.partner_id).update(active=False)  # no signal: still cached here
    assert find_app_by_client_id("sp-client") is not None
    Partner.objects.get(pk=app.partner_id).save()  # a saved partner empties both caches
    assert find_app_by_client_id("sp-client") is None
