from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from klaspoort.audit.models import AuditEvent
from klaspoort.core.actors import SystemActor
from klaspoort.federation.actions import (
    CLIENT_SECRET_PURPOSE,
    do_grant_consent,
    do_new_client_secret,
    do_register_partner,
    do_withdraw_consent,
)
from klaspoort.federation.keyed_hash import digest_matches
from klaspoort.federation.models import Consent, ConsentChange, Partner, PartnerApp
from klaspoort.federation.partner_spec import PartnerSpecError, parse_partner_spec
from tests.roster import factories

from .factories import make_app, partner_spec_data

pytestmark = pytest.mark.django_db


def _state() -> list[tuple[object, ...]]:
    return list(
        PartnerApp.objects.order_by("slug").values_list(
            "partner__slug", "partner__sector_id", "slug", "client_id", "client_secret_hash", "redirect_uris"
        )
    )


def test_registering_creates_partner_app_and_a_hashed_secret() -> None:
    result = do_register_partner(parse_partner_spec(partner_spec_data()), actor="cli")
    app = PartnerApp.objects.select_related("partner").get()
    secret = result.new_secrets["rekenwijs"]

    assert (result.created, result.apps_created, result.apps_updated) == (True, ["rekenwijs"], [])
    assert (app.partner.kind, app.partner.sector_id, app.client_id) == (
        "publisher",
        "noord.example",
        "rekenwijs",
    )
    assert app.allowed_scopes == ["openid", "profile", "eck_id"]
    assert app.licence_endpoint_url == "https://rekenwijs.example/api/licences"
    assert len(secret) == 43
    assert secret not in app.client_secret_hash
    assert len(app.client_secret_hash) == 64
    assert digest_matches(secret, app.client_secret_hash, CLIENT_SECRET_PURPOSE)
    assert not digest_matches(secret + "x", app.client_secret_hash, CLIENT_SECRET_PURPOSE)
    assert AuditEvent.objects.filter(action="partner.registered", subject="partner:uitgeverij-noord").exists()


def test_registering_again_updates_and_keeps_the_secret() -> None:
    first = do_register_partner(parse_partner_spec(partner_spec_data()))
    before = PartnerApp.objects.get().client_secret_hash
    again = do_register_partner(
        parse_partner_spec(partner_spec_data(redirect_uris=["https://new.example/cb"]))
    )
    app = PartnerApp.objects.get()
    assert (again.created, again.apps_updated, again.new_secrets) == (False, ["rekenwijs"], {})
    assert app.client_secret_hash == before
    assert app.redirect_uris == ["https://new.example/cb"]
    assert digest_matches(first.new_secrets["rekenwijs"], app.client_secret_hash, CLIENT_SECRET_PURPOSE)


def test_public_clients_have_no_secret() -> None:
    app, secret = make_app(client_type="public")
    assert (secret, app.client_secret_hash, app.token_endpoint_auth_method) == ("", "", "none")


def test_changing_the_sector_is_refused_and_nothing_changes() -> None:
    do_register_partner(parse_partner_spec(partner_spec_data()))
    before = _state()
    data = partner_spec_data(redirect_uris=["https://new.example/cb"])
    data["sector_id"] = "other.example"
    with pytest.raises(PartnerSpecError, match=r"blijft 'noord\.example'"):
        do_register_partner(parse_partner_spec(data))
    assert _state() == before


def test_a_client_id_of_another_partner_is_refused() -> None:
    do_register_partner(parse_partner_spec(partner_spec_data()))
    before = _state()
    data = partner_spec_data(slug="uitgeverij-zuid")
    data["apps"][0]["slug"] = "zuidrekenen"
    with pytest.raises(PartnerSpecError, match="al in gebruik bij 'uitgeverij-noord/rekenwijs'"):
        do_register_partner(parse_partner_spec(data))
    assert _state() == before
    assert Partner.objects.count() == 1


def test_new_client_secret_replaces_the_old_one() -> None:
    app, old = make_app()
    new = do_new_client_secret(app, actor="cli")
    app.refresh_from_db()
    assert new != old
    assert digest_matches(new, app.client_secret_hash, CLIENT_SECRET_PURPOSE)
    assert not digest_matches(old, app.client_secret_hash, CLIENT_SECRET_PURPOSE)


def test_consent_history_is_appended_for_every_change() -> None:
    school = factories.school()
    app, _ = make_app()
    partner = app.partner
    grant = do_grant_consent(school, partner, actor=SystemActor("coord"))
    assert do_grant_consent(school, partner, actor=SystemActor("coord")) is None
    change = do_grant_consent(school, partner, names=True, actor=SystemActor("coord"))
    withdraw = do_withdraw_consent(school, partner, actor="coord")
    assert do_withdraw_consent(school, partner, actor="coord") is None
    regrant = do_grant_consent(school, partner, eck_id=True, actor=SystemActor("coord"))

    assert [grant, change, withdraw, regrant] == list(ConsentChange.objects.all())
    assert list(ConsentChange.objects.values_list("action", "categories", "actor")) == [
        ("grant", ["identity"], "coord"),
        ("change", ["identity", "names"], "coord"),
        ("withdraw", [], "coord"),
        ("grant", ["eck_id", "identity"], "coord"),
    ]
    consent = Consent.objects.get()
    assert (consent.active, consent.names, consent.eck_id) == (True, False, True)
    assert AuditEvent.objects.filter(action="consent.withdraw", school_ref=school.instelling_ref).count() == 1


def test_consent_history_is_append_only() -> None:
    school = factories.school()
    app, _ = make_app()
    change = do_grant_consent(school, app.partner, actor=SystemActor("test"))
    assert change is not None
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ConsentChange.objects.filter(pk=change.pk).update(actor="someone else")
    with pytest.raises(RuntimeError, match="append-only"):
        change.delete()
    assert list(ConsentChange.objects.values_list("pk", "actor")) == [(change.pk, change.actor)]


def test_add_partner_command_prints_the_secret_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "partner.json"
    path.write_text(json.dumps(partner_spec_data()))
    call_command("add_partner", str(path))
    lines = capsys.readouterr().out.splitlines()
    secret = lines[2].removeprefix("client_secret rekenwijs: ")
    assert lines == [
        "Partner uitgeverij-noord (Uitgeverij Noord) aangemaakt.",
        "  app rekenwijs: nieuw",
        f"client_secret rekenwijs: {secret}",
        "Bewaar deze geheimen nu: ze worden niet opnieuw getoond.",
    ]
    assert digest_matches(secret, PartnerApp.objects.get().client_secret_hash, CLIENT_SECRET_PURPOSE)

    call_command("add_partner", str(path))
    assert capsys.readouterr().out.splitlines() == [
        "Partner uitgeverij-noord (Uitgeverij Noord) bijgewerkt.",
        "  app rekenwijs: bijgewerkt",
    ]


def test_add_partner_command_explains_bad_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(CommandError, match=r"Kan .*missing\.json niet lezen"):
        call_command("add_partner", str(missing))
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(CommandError, match="geen geldige JSON"):
        call_command("add_partner", str(broken))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(partner_spec_data(scopes=["profile"])))
    with pytest.raises(
        CommandError, match=r"niet in orde:\n  partner.apps\[0\].oidc.scopes: moet 'openid' bevatten"
    ):
        call_command("add_partner", str(bad))
    assert Partner.objects.count() == 0


def test_partner_secret_command(capsys: pytest.CaptureFixture[str]) -> None:
    make_app()
    call_command("partner_secret", "rekenwijs")
    out = capsys.readouterr().out.splitlines()
    secret = out[0].removeprefix("client_secret rekenwijs: ")
    assert digest_matches(secret, PartnerApp.objects.get().client_secret_hash, CLIENT_SECRET_PURPOSE)
    with pytest.raises(CommandError, match="Geen app gevonden met slug of client_id 'nope'"):
        call_command("partner_secret", "nope")


def test_partner_secret_refuses_public_clients() -> None:
    app, _ = make_app(client_type="public")
    with pytest.raises(CommandError, match="gebruikt geen clientgeheim"):
        call_command("partner_secret", "rekenwijs")
    app.refresh_from_db()
    assert app.client_secret_hash == ""
