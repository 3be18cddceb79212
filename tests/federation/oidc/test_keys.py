from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client

from klaspoort.audit.models import AuditEvent
from klaspoort.federation.models import SigningKey
from klaspoort.federation.oidc import keys

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[dt.datetime]:
    """A settable clock for the key module."""
    moment = [T0]
    monkeypatch.setattr(keys, "clock_now", lambda: moment[0])
    return moment


def _kids(alg: str = "ES256") -> list[str]:
    return [k["kid"] for k in keys.public_jwks()["keys"] if k["alg"] == alg]


def test_jwks_publishes_public_es256_and_rs256_keys_only(db: None) -> None:
    response = Client().get("/oidc/jwks/")
    published = response.json()["keys"]
    assert response["Cache-Control"] == "public, max-age=60"
    assert sorted((k["kty"], k["alg"], k["use"]) for k in published) == [
        ("EC", "ES256", "sig"),
        ("RSA", "RS256", "sig"),
    ]
    assert all("d" not in k and "p" not in k for k in published)
    stored = SigningKey.objects.get(alg="ES256")
    assert '"d"' not in stored.private_jwk_encrypted
    assert stored.private_jwk_encrypted.startswith("gAAAA")  # a Fernet token
    assert keys.signing_key("ES256").kid == stored.kid


def test_a_new_key_is_published_before_it_signs_and_the_old_one_lingers(clock: list[dt.datetime]) -> None:
    old = keys.signing_key("ES256").kid
    (new, _) = keys.do_rotate_keys(publish_ahead=3600, retention=86400, actor="cli")
    keys.clear_key_cache()  # what on_commit does outside a test transaction

    assert _kids() == [old, new.kid]
    assert keys.signing_key("ES256").kid == old

    clock[0] = T0 + dt.timedelta(seconds=3599)
    assert keys.signing_key("ES256").kid == old
    clock[0] = T0 + dt.timedelta(seconds=3600)
    assert keys.signing_key("ES256").kid == new.kid  # the cache ends at the planned change
    assert _kids() == [old, new.kid]

    clock[0] = T0 + dt.timedelta(seconds=3600 + 86400)
    assert _kids() == [new.kid]
    assert AuditEvent.objects.filter(action="oidc.keys_rotated").count() == 1


def test_rotate_keys_command(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    keys.signing_key("ES256")
    call_command("rotate_keys", "--publish-ahead", "0", "--retention", "60")
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["ES256", "RS256"]
    assert all("gepubliceerd, tekent vanaf" in line for line in lines)
    assert SigningKey.objects.filter(retired_at__isnull=True).count() == 2
    assert SigningKey.objects.count() == 4


def test_id_tokens_can_be_rs256(db: None) -> None:
    from joserfc import jwt

    key = keys.signing_key("RS256")
    token = jwt.encode({"alg": "RS256", "kid": str(key.kid)}, {"a": 1}, key)
    assert jwt.decode(token, keys.verification_keys()).claims == {"a": 1}
