"""The end-substitutions job (C14): after a substitute's last day it marks the substitution ended,
ends the substitute's sessions at the school, revokes every OpenID Connect grant there and sends
each partner app a back-channel logout token. A real sign-in to a partner app before, a real HTTP
receiver for the logout tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from joserfc import jwt
from joserfc.jwk import KeySet

from klaspoort.accounts.models import AccountSession
from klaspoort.accounts.principal import Principal
from klaspoort.audit.models import AuditEvent
from klaspoort.federation.oidc.logout import BACKCHANNEL_EVENT, wait_for_deliveries
from klaspoort.federation.oidc.models import OidcGrant
from klaspoort.jobs import tasks
from klaspoort.jobs.models import JobRun
from klaspoort.roster.models import StaffMembership, StaffPlacement
from klaspoort.substitutes.models import Substitution
from tests.federation.factories import make_app, tick
from tests.federation.oidc.conftest import exchange, get_code, sign_in
from tests.federation.oidc.receiver import logout_receiver
from tests.substitutes.conftest import (
    THURSDAY,
    WEDNESDAY,
    School,
    account_of,
    activate,
    clock_mover,
    make_school,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Any:
    return clock_mover(monkeypatch)


@pytest.fixture
def school(db: None, today: Any) -> School:
    return make_school()


@pytest.fixture
def signed_in(school: School, settings: Any) -> tuple[Substitution, Client, Any]:
    """A substitute for Wednesday only, signed in at the school and into a partner app (a redeemed
    code), and a second grant with offline access that a logout alone would leave."""
    settings.BASE_URL = "http://localhost"
    app, secret = make_app()
    app.allowed_scopes = ["openid", "offline_access"]
    app.save()
    tick(school.school, app.partner)
    substitution = activate(school, first_day=WEDNESDAY, school_days=1)
    account = account_of(substitution.email)
    account.is_active = True
    account.save()
    client = Client()
    client.force_login(account)
    staff = substitution.placement.staff
    sign_in(
        client,
        Principal(kind="staff", person=staff.uuid, school=school.school.instelling_ref, account=account.uuid),
    )
    tokens = exchange(get_code(client), secret).json()
    assert "id_token" in tokens
    exchange(get_code(client, scope="openid offline_access"), secret)
    assert sorted(OidcGrant.objects.values_list("scope", flat=True)) == ["openid", "openid offline_access"]
    return substitution, client, app


def _run() -> JobRun:
    return JobRun.objects.get(pk=tasks.end_substitutions())


def test_on_the_last_day_the_job_leaves_the_substitute_alone(signed_in: Any) -> None:
    substitution, _client, _app = signed_in
    run = _run()
    assert run.summary == {"expired": 0, "cut_off": 0, "sessions": 0, "grants": 0}
    substitution.refresh_from_db()
    assert substitution.ended_at is None
    assert OidcGrant.objects.unrevoked().count() == 2
    assert AccountSession.objects.filter(account__email=substitution.email).count() == 1


def test_after_the_last_day_sessions_grants_and_partners_end(signed_in: Any, today: Any) -> None:
    substitution, client, app = signed_in
    person = substitution.placement.staff.uuid
    today(THURSDAY)
    # Access has ended already, by date, before the job runs:
    assert client.get("/klas/").status_code == 403
    assert not StaffPlacement.objects.active_at().filter(pk=substitution.placement_id).exists()
    with logout_receiver() as receiver:
        app.backchannel_logout_uri = receiver.url
        app.save()
        run = _run()
        wait_for_deliveries()
    assert run.summary == {"expired": 1, "cut_off": 1, "sessions": 1, "grants": 2}
    substitution.refresh_from_db()
    assert (substitution.ending, substitution.ended_by) == ("expired", "job:end-substitutions")
    assert substitution.cut_off_at is not None
    assert not StaffMembership.objects.filter(placement=substitution.placement_id).exists()
    assert StaffPlacement.objects.get(pk=substitution.placement_id).active is False
    assert AccountSession.objects.filter(account__email=substitution.email).count() == 0
    assert OidcGrant.objects.filter(person=person).count() == 2
    assert OidcGrant.objects.unrevoked().filter(person=person).count() == 0  # offline access too
    # One logout token per app and login (both grants are from the same login), signed with our key.
    assert len(receiver.bodies) == 1
    keys = KeySet.import_key_set(Client().get("/oidc/jwks/").json())
    token = jwt.decode(receiver.bodies[0]["logout_token"][0], keys, algorithms=["ES256"])
    assert token.header["typ"] == "logout+jwt"
    assert token.claims["events"] == {BACKCHANNEL_EVENT: {}}
    assert token.claims["aud"] == "rekenwijs"
    assert list(
        AuditEvent.objects.filter(action="substitute.ended").values_list("data__ending", flat=True)
    ) == ["expired"]

    again = _run()  # safe to run twice: nothing left to do
    assert again.summary == {"expired": 0, "cut_off": 0, "sessions": 0, "grants": 0}
    assert AuditEvent.objects.filter(action="substitute.ended").count() == 1


def test_grants_that_outlived_their_session_end_with_a_logout_token(signed_in: Any, today: Any) -> None:
    _substitution, _client, app = signed_in
    AccountSession.objects.all().delete()  # the session expired before the end; its grants did not
    today(THURSDAY)
    with logout_receiver() as receiver:
        app.backchannel_logout_uri = receiver.url
        app.save()
        run = _run()
        wait_for_deliveries()
    assert run.summary == {"expired": 1, "cut_off": 1, "sessions": 0, "grants": 2}
    assert list(OidcGrant.objects.values_list("revoke_reason", flat=True)) == ["substitute_ended"] * 2
    assert len(receiver.bodies) == 1  # one per app and login
