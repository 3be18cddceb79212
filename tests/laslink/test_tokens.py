"""POST /las/v1/token: OAuth 2 client credentials for LAS vendors (Authlib), short-lived bearer tokens
kept as keyed hashes, rotation and revocation; a vendor's token reaches only its own schools."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from klaspoort.audit.models import AuditEvent
from klaspoort.core import clock
from klaspoort.jobs.housekeeping import purge_expired
from klaspoort.laslink import tokens
from klaspoort.laslink.actions import do_rotate_vendor_secret, do_set_las_consent, do_switch_link
from klaspoort.laslink.models import LasAccessToken, LasLink, PushedFile
from klaspoort.roster.models import ImportRun, StaffPlacement
from tests.laslink.conftest import DemoLas, Vendor

pytestmark = pytest.mark.django_db
TOKEN_URL = "/las/v1/token"


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def get_token(client: Client, vendor: Vendor, secret: str | None = None, **form: str) -> Any:
    return client.post(
        TOKEN_URL,
        {"grant_type": "client_credentials", **form},
        **basic(vendor.vendor.client_id, secret or vendor.secret),
    )


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_vendor_gets_a_short_lived_bearer_token_kept_only_as_a_keyed_hash(
    client: Client, vendor_a: Vendor
) -> None:
    response = get_token(client, vendor_a)
    assert response.status_code == 200
    body = response.json()
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("Bearer", 900, "las")
    assert "refresh_token" not in body
    assert response["Cache-Control"] == "no-store"
    row = LasAccessToken.objects.get()
    assert row.vendor == vendor_a.vendor
    assert row.token_hash == tokens.token_hash(body["access_token"]) != body["access_token"]
    assert row.expires_at - row.issued_at == dt.timedelta(seconds=900)
    assert tokens.vendor_of_token(body["access_token"]) == vendor_a.vendor


@pytest.mark.parametrize(
    "case",
    [
        ({"grant_type": "client_credentials"}, "wrong", 401, "invalid_client"),
        ({"grant_type": "client_credentials"}, "unknown", 401, "invalid_client"),
        ({"grant_type": "client_credentials"}, "none", 401, "invalid_client"),
        ({"grant_type": "client_credentials"}, "post", 401, "invalid_client"),
        ({"grant_type": "password", "username": "x", "password": "y"}, "ok", 400, "unsupported_grant_type"),
    ],
)
def test_a_wrong_token_request_gets_the_protocol_error_and_no_token(
    client: Client, vendor_a: Vendor, case: tuple[dict[str, str], str, int, str]
) -> None:
    form, auth, status, error = case
    headers = {
        "wrong": basic(vendor_a.vendor.client_id, "wrong"),
        "unknown": basic("las-nobody", vendor_a.secret),
        "none": {},
        "post": {},
        "ok": basic(vendor_a.vendor.client_id, vendor_a.secret),
    }[auth]
    if auth == "post":  # client_secret_post is not accepted: the secret only in the Basic header
        form = {**form, "client_id": vendor_a.vendor.client_id, "client_secret": vendor_a.secret}
    response = client.post(TOKEN_URL, form, **headers)
    assert (response.status_code, response.json()["error"]) == (status, error)
    assert LasAccessToken.objects.count() == 0


def test_a_token_works_like_the_secret_on_the_connector(
    client: Client, vendor_a: Vendor, coordinators: list[StaffPlacement]
) -> None:
    school = coordinators[0].school
    token = get_token(client, vendor_a).json()["access_token"]
    response = client.put(f"/las/v1/schools/{school.code}/link", json.dumps({"enabled": True}),
                          content_type="application/json", **bearer(token))  # fmt: skip
    assert (response.status_code, response.json()["las_enabled"]) == (200, True)
    assert client.get(f"/las/v1/schools/{school.code}/link", **bearer(token)).status_code == 200


def test_a_vendors_token_cannot_read_or_write_another_vendors_schools(
    client: Client,
    vendor_a: Vendor,
    vendor_b: Vendor,
    coordinators: list[StaffPlacement],
    las_server: tuple[DemoLas, str],
) -> None:
    school = coordinators[0].school
    do_switch_link(coordinators[0], vendor_a.vendor, True, actor="staff:test")
    link = do_set_las_consent(vendor_a.vendor, school, True)
    token_b = get_token(client, vendor_b).json()["access_token"]
    before = (LasLink.objects.values().get(pk=link.pk), ImportRun.objects.count(), AuditEvent.objects.count())
    assert client.get(f"/las/v1/schools/{school.code}/link", **bearer(token_b)).status_code == 403
    put = client.put(f"/las/v1/schools/{school.code}/link", json.dumps({"enabled": False}),
                     content_type="application/json", **bearer(token_b))  # fmt: skip
    assert put.status_code == 403
    pushed = client.post(f"/las/v1/schools/{school.code}/edexml", las_server[0].exports[school.code],
                         content_type="application/xml", **bearer(token_b))  # fmt: skip
    assert pushed.status_code == 403
    after = (LasLink.objects.values().get(pk=link.pk), ImportRun.objects.count(), AuditEvent.objects.count())
    assert after == before
    assert PushedFile.objects.count() == 0


def test_an_expired_revoked_unknown_or_deactivated_token_is_refused(
    client: Client, vendor_a: Vendor, schools: list[Any]
) -> None:
    url = f"/las/v1/schools/{schools[0].code}/link"
    put = json.dumps({"enabled": True})
    for case in ("expired", "revoked", "unknown", "inactive"):
        LasAccessToken.objects.all().delete()
        vendor_a.vendor.refresh_from_db()
        token = get_token(client, vendor_a).json()["access_token"]
        if case == "expired":
            LasAccessToken.objects.update(expires_at=clock.now() - dt.timedelta(seconds=1))
        elif case == "revoked":
            assert tokens.do_revoke_vendor_tokens(vendor_a.vendor) == 1
        elif case == "unknown":
            token = token[:-2] + "xx"
        else:
            type(vendor_a.vendor).objects.filter(pk=vendor_a.vendor.pk).update(active=False)
        response = client.put(url, put, content_type="application/json", **bearer(token))
        assert (case, response.status_code) == (case, 401)
        type(vendor_a.vendor).objects.filter(pk=vendor_a.vendor.pk).update(active=True)
    assert LasLink.objects.count() == 0


def test_rotation_keeps_the_old_secret_for_the_grace_and_without_grace_ends_its_tokens(
    client: Client, vendor_a: Vendor
) -> None:
    old_token = get_token(client, vendor_a).json()["access_token"]
    new = do_rotate_vendor_secret(vendor_a.vendor, grace=dt.timedelta(hours=1))
    assert get_token(client, vendor_a).status_code == 200  # the old secret, in its grace period
    assert get_token(client, vendor_a, new).status_code == 200
    assert tokens.vendor_of_token(old_token) == vendor_a.vendor
    newest = do_rotate_vendor_secret(vendor_a.vendor, grace=dt.timedelta(0))
    assert tokens.vendor_of_token(old_token) is None
    assert get_token(client, vendor_a, new).status_code == 401
    assert get_token(client, vendor_a, newest).status_code == 200


def test_expired_tokens_are_purged_by_housekeeping(client: Client, vendor_a: Vendor) -> None:
    get_token(client, vendor_a)
    get_token(client, vendor_a)
    LasAccessToken.objects.filter(pk=LasAccessToken.objects.order_by("id").first().pk).update(  # type: ignore[union-attr]
        expires_at=clock.now() - dt.timedelta(seconds=1)
    )
    assert purge_expired()["las_tokens"] == 1
    assert LasAccessToken.objects.count() == 1
