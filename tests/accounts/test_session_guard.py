from __future__ import annotations

import time

import pytest
from django.test import Client

from klaspoort.accounts.login import SESSION_IP, SESSION_LOGIN_AT, SESSION_SEEN, SESSION_TAKEOVER
from klaspoort.accounts.models import AccountSession
from klaspoort.accounts.principal import SESSION_KEY
from klaspoort.audit.models import AuditEvent
from klaspoort.roster.models import StaffPlacement
from tests.accounts.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]

HOME = "127.0.0.1"
AWAY = "192.0.2.77"


@pytest.fixture
def signed_in(client: Client, teacher: StaffPlacement) -> Client:
    response = client.post("/login/", {"email": teacher.staff.email, "password": PASSWORD}, REMOTE_ADDR=HOME)
    assert response.status_code == 302
    assert client.session[SESSION_IP] == HOME
    return client


def test_same_address_passes(signed_in: Client) -> None:
    assert signed_in.get("/start/", REMOTE_ADDR=HOME).status_code == 200


def test_new_address_gets_the_takeover_page(signed_in: Client) -> None:
    response = signed_in.get("/start/", REMOTE_ADDR=AWAY)
    assert response.status_code == 302
    assert response["Location"] == "/login/confirm/?next=%2Fstart%2F"
    page = signed_in.get(response["Location"], REMOTE_ADDR=AWAY)
    assert page.status_code == 200
    assert "Mogelijk overgenomen sessie" in page.content.decode()
    assert signed_in.session[SESSION_TAKEOVER]["from"] == HOME
    assert signed_in.session[SESSION_TAKEOVER]["to"] == AWAY
    event = AuditEvent.objects.get(action="session.address_changed")
    assert (event.client_ip, event.data) == (AWAY, {"previous_ip": HOME})


def test_original_address_also_sees_the_warning(signed_in: Client) -> None:
    signed_in.get("/start/", REMOTE_ADDR=AWAY)
    assert signed_in.get("/start/", REMOTE_ADDR=HOME)["Location"].startswith("/login/confirm/")


def test_forwarded_header_is_not_trusted_by_default(signed_in: Client) -> None:
    response = signed_in.get("/start/", REMOTE_ADDR=HOME, HTTP_X_FORWARDED_FOR=AWAY)
    assert response.status_code == 200


def test_honest_network_change_costs_one_password(signed_in: Client) -> None:
    signed_in.get("/start/", REMOTE_ADDR=AWAY)
    before = signed_in.session.session_key
    wrong = signed_in.post("/login/confirm/", {"password": "fout12345", "next": "/start/"}, REMOTE_ADDR=AWAY)
    assert wrong.status_code == 400
    assert "Dit wachtwoord klopt niet." in wrong.content.decode()
    right = signed_in.post("/login/confirm/", {"password": PASSWORD, "next": "/start/"}, REMOTE_ADDR=AWAY)
    assert right["Location"] == "/start/"
    assert signed_in.session.session_key != before  # a copied old cookie is now useless
    assert signed_in.session[SESSION_IP] == AWAY
    assert SESSION_TAKEOVER not in signed_in.session
    assert SESSION_KEY in signed_in.session  # not kicked out: still at the same school
    assert signed_in.get("/start/", REMOTE_ADDR=AWAY).status_code == 200
    actions = list(AuditEvent.objects.filter(action__startswith="session.").values_list("action", flat=True))
    assert sorted(actions) == ["session.address_changed", "session.reauth_failed", "session.reauthenticated"]


def test_this_was_not_me_ends_every_session(client: Client, teacher: StaffPlacement) -> None:
    phone = Client()
    for browser in (client, phone):
        browser.post("/login/", {"email": teacher.staff.email, "password": PASSWORD}, REMOTE_ADDR=HOME)
    assert AccountSession.objects.filter(account__isnull=False).count() == 2
    client.get("/start/", REMOTE_ADDR=AWAY)
    response = client.post("/login/confirm/", {"action": "not_me"}, REMOTE_ADDR=AWAY)
    assert response["Location"] == "/login/"
    assert AccountSession.objects.filter(account__isnull=False).count() == 0
    assert phone.get("/start/", REMOTE_ADDR=HOME).status_code == 302
    assert AuditEvent.objects.filter(action="session.takeover_reported").count() == 1


def test_confirm_page_without_flag_just_continues(signed_in: Client) -> None:
    assert signed_in.get("/login/confirm/?next=/profile/", REMOTE_ADDR=HOME)["Location"] == "/profile/"


def test_logout_works_from_a_new_address(signed_in: Client) -> None:
    assert signed_in.post("/logout/", REMOTE_ADDR=AWAY)["Location"] == "/login/"
    assert AccountSession.objects.filter(account__isnull=False).count() == 0


def _age(client: Client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_idle_timeout_ends_the_session(signed_in: Client, settings) -> None:
    _age(signed_in, **{SESSION_SEEN: settings.STAFF_IDLE_TIMEOUT + 5})
    response = signed_in.get("/start/", REMOTE_ADDR=HOME)
    assert response["Location"] == "/login/?next=%2Fstart%2F"
    assert AccountSession.objects.filter(account__isnull=False).count() == 0
    assert AuditEvent.objects.filter(action="session.expired").count() == 1


def test_activity_keeps_the_session_alive(signed_in: Client, settings) -> None:
    _age(signed_in, **{SESSION_SEEN: settings.STAFF_IDLE_TIMEOUT - 5})
    assert signed_in.get("/start/", REMOTE_ADDR=HOME).status_code == 200
    assert int(time.time()) - signed_in.session[SESSION_SEEN] < 5


def test_absolute_timeout(signed_in: Client, settings) -> None:
    _age(signed_in, **{SESSION_LOGIN_AT: settings.STAFF_SESSION_MAX_AGE + 5})
    assert signed_in.get("/start/", REMOTE_ADDR=HOME)["Location"].startswith("/login/")


def test_last_seen_is_written_at_most_once_a_minute(signed_in: Client, django_assert_max_num_queries) -> None:
    signed_in.get("/start/", REMOTE_ADDR=HOME)
    with django_assert_max_num_queries(6) as queries:
        signed_in.get("/start/", REMOTE_ADDR=HOME)
    assert not any(q["sql"].startswith("UPDATE") for q in queries.captured_queries)
