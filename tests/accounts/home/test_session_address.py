"""Finding 11 of issue 12: a parent's session from another network *and* another browser asks for
the password again (through the parent login's throttle); Wi-Fi ↔ 4G in the same browser does not."""

from __future__ import annotations

import pytest
from django.test import Client

from klaspoort.accounts.models import Account, AccountSession
from klaspoort.accounts.session_address import HOME_TAKEOVER, same_network
from klaspoort.accounts.throttle import _Counters, policy
from klaspoort.audit.models import AuditEvent
from tests.accounts.home.conftest import PARENT, PARENT_PASSWORD, Family

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

HOME_WIFI = "192.0.2.20"
PHONE_4G = "198.51.100.200"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SCRIPT = "python-requests/2.32"


def _log_in(client: Client) -> None:
    response = client.post("/thuis/", {"email": PARENT, "password": PARENT_PASSWORD},
                           REMOTE_ADDR=HOME_WIFI, HTTP_USER_AGENT=FIREFOX)  # fmt: skip
    assert response["Location"] == "/thuis/kinderen/"


def test_wifi_to_4g_in_the_same_browser_is_not_challenged(client: Client, parent: Account) -> None:
    _log_in(client)
    for address in (PHONE_4G, HOME_WIFI, "2001:db8::7"):
        page = client.get("/thuis/kinderen/", REMOTE_ADDR=address, HTTP_USER_AGENT=FIREFOX)
        assert page.status_code == 200
    # a browser update at home (same network, another user agent) is not challenged either
    assert client.get("/thuis/kinderen/", REMOTE_ADDR="192.0.2.99", HTTP_USER_AGENT=SCRIPT).status_code == 200
    assert not AuditEvent.objects.filter(action="session.address_changed").exists()


def test_another_network_and_browser_needs_the_password_again(client: Client, parent: Account) -> None:
    _log_in(client)
    stolen = client.get("/thuis/kinderen/", REMOTE_ADDR=PHONE_4G, HTTP_USER_AGENT=SCRIPT)
    assert stolen.status_code == 302
    assert stolen["Location"] == "/thuis/bevestigen/?next=%2Fthuis%2Fkinderen%2F"
    event = AuditEvent.objects.get(action="session.address_changed")
    assert (event.subject, event.client_ip, event.data["login"]) == (
        f"account:{parent.uuid}",
        PHONE_4G,
        "parent",
    )
    # The flag lives in the session: also the parent at home now sees the question.
    assert client.get("/thuis/kinderen/", REMOTE_ADDR=HOME_WIFI, HTTP_USER_AGENT=FIREFOX).status_code == 302
    page = client.get("/thuis/bevestigen/", REMOTE_ADDR=PHONE_4G, HTTP_USER_AGENT=SCRIPT)
    assert "Je sessie wordt gebruikt vanaf een ander netwerk en een andere browser" in page.content.decode()

    key = client.session.session_key
    counters = _Counters.for_policy(policy(), "parent")
    wrong = client.post("/thuis/bevestigen/", {"password": "Fout-wachtwoord-1"},
                        REMOTE_ADDR=PHONE_4G, HTTP_USER_AGENT=SCRIPT)  # fmt: skip
    assert wrong.status_code == 400
    assert "Dit wachtwoord klopt niet." in wrong.content.decode()
    assert counters.per_account.peek(PARENT).count == 1  # counted by the parent login's throttle
    assert (client.session.session_key, bool(client.session.get(HOME_TAKEOVER))) == (key, True)  # unchanged
    failed = AuditEvent.objects.get(action="session.reauth_failed")
    assert (failed.outcome, failed.data["reason"]) == ("denied", "password")

    right = client.post("/thuis/bevestigen/", {"password": PARENT_PASSWORD, "next": "/thuis/kinderen/"},
                        REMOTE_ADDR=PHONE_4G, HTTP_USER_AGENT=SCRIPT)  # fmt: skip
    assert right["Location"] == "/thuis/kinderen/"
    assert client.session.session_key != key
    assert HOME_TAKEOVER not in client.session
    assert client.get("/thuis/kinderen/", REMOTE_ADDR=PHONE_4G, HTTP_USER_AGENT=SCRIPT).status_code == 200
    assert AuditEvent.objects.filter(action="session.reauthenticated", data__login="parent").count() == 1


def test_this_was_not_me_ends_every_session_of_the_parent(
    client: Client, parent: Account, family: Family
) -> None:
    other_device = Client()
    _log_in(other_device)
    _log_in(client)
    assert AccountSession.objects.filter(account=parent).count() == 2
    client.get("/thuis/kinderen/", REMOTE_ADDR=PHONE_4G, HTTP_USER_AGENT=SCRIPT)
    ended = client.post(
        "/thuis/bevestigen/", {"action": "not_me"}, REMOTE_ADDR=PHONE_4G, HTTP_USER_AGENT=SCRIPT
    )
    assert ended["Location"] == "/thuis/"
    assert AccountSession.objects.filter(account=parent).count() == 0
    assert other_device.get("/thuis/kinderen/", REMOTE_ADDR=HOME_WIFI, HTTP_USER_AGENT=FIREFOX)[
        "Location"
    ] == ("/thuis/")


def test_networks_are_compared_by_prefix() -> None:
    prefixes = {4: 24, 6: 48}
    assert same_network("192.0.2.1", "192.0.2.254", prefixes) is True
    assert same_network("192.0.2.1", "192.0.3.1", prefixes) is False
    assert same_network("2001:db8:1:2::1", "2001:db8:1:ffff::9", prefixes) is True
    assert same_network("2001:db8:1::1", "2001:db8:2::1", prefixes) is False
    assert same_network("192.0.2.1", "2001:db8::1", prefixes) is False
