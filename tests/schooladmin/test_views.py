from __future__ import annotations

import re

import pytest
from django.test import Client

from klaspoort.roster.models import StaffRole
from klaspoort.schooladmin.models import AgentToken, FixedRange, SchoolNetwork
from tests.accounts.pupils import roster
from tests.roster import factories

pytestmark = pytest.mark.django_db

URL = "/schoolbeheer/netwerk/"


@pytest.fixture
def coordinator_client(client: Client) -> Client:
    school = factories.school()
    roster.sign_in_staff(client, factories.staff(school, "ict@school.nl", roles=(StaffRole.ICT_COORDINATOR,)))
    return client


def test_teachers_may_not_change_the_network(client: Client) -> None:
    school = factories.school()
    roster.sign_in_staff(client, factories.staff(school, "juf@school.nl"))
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"action": "add_range", "cidr": "203.0.113.0/24"})
    assert response.status_code == 403
    assert not FixedRange.objects.exists()


def test_coordinator_adds_a_range_and_restricts_the_shortcut(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        URL, {"action": "add_range", "cidr": "203.0.113.0/24", "label": "school"}
    )
    assert response.status_code == 302
    assert coordinator_client.post(URL, {"action": "restrict", "restrict": "1"}).status_code == 302
    network = SchoolNetwork.objects.get()
    assert (network.effective_networks, network.restrict_pupil_shortcut) == (["203.0.113.0/24"], True)
    html = coordinator_client.get(URL).content.decode()
    assert "<code>203.0.113.0/24</code>" in html
    assert "De leerlingenlink werkt nu alleen op het schoolnetwerk." in html


def test_bad_input_is_explained_and_nothing_is_stored(coordinator_client: Client) -> None:
    response = coordinator_client.post(URL, {"action": "add_range", "cidr": "203.0.113.7/24"})
    assert response.status_code == 400
    assert "bedoel je 203.0.113.0/24?" in response.content.decode()
    assert not FixedRange.objects.exists()
    response = coordinator_client.post(URL, {"action": "restrict", "restrict": "1"})
    assert response.status_code == 400
    assert "Registreer eerst" in response.content.decode()


def test_a_new_token_is_shown_once_with_the_command_line(coordinator_client: Client) -> None:
    response = coordinator_client.post(URL, {"action": "issue_token", "label": "pc directie"})
    html = response.content.decode()
    token = re.search(r'<p class="token" id="new-token">([^<]+)</p>', html).group(1)  # type: ignore[union-attr]
    assert (
        f"klaspoort ip-agent --url http://testserver/schoolnetwerk/melding --token {token} --every 10m"
        in html
    )
    assert response["Cache-Control"].startswith("max-age=0")
    assert token not in coordinator_client.get(URL).content.decode()
    agent = AgentToken.objects.get()
    assert coordinator_client.post(URL, {"action": "revoke_token", "token": str(agent.pk)}).status_code == 302
    assert AgentToken.objects.get().revoked_at is not None
