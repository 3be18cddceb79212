"""The teacher's home-login column and actions in the group overview (C6, C7, E1): classroom's
home_column and home_addresses on top of accounts.home."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from klaspoort.accounts.home.actions import do_activate_home
from klaspoort.accounts.home.models import HomeAddress
from klaspoort.accounts.models import Account
from klaspoort.audit.models import AuditEvent
from tests.accounts.home.conftest import PARENT, PARENT_PASSWORD, SANNE_PIN, Family, last_link, make_family
from tests.accounts.pupils import roster
from tests.roster import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(db: None, settings: Any) -> Family:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_family()


def addresses_url(family: Family, pupil: Any = None, group: Any = None) -> str:
    pupil = pupil or family.sanne
    return f"/klas/{(group or family.group5).uuid}/leerlingen/{pupil.uuid}/thuis"


def cell_states(html: str) -> dict[str, str]:
    tree = lxml.html.fromstring(html)
    return {
        row.xpath("./th")[0].text_content().strip(): row.xpath('.//*[@class="home-login"]/@data-state')[0]
        for row in tree.xpath("//tbody/tr[starts-with(@id, 'pupil-')]")
    }


def stored() -> list[tuple[str, int, str]]:
    return sorted(HomeAddress.objects.values_list("pupil__first_name", "position", "email"))


def test_overview_shows_the_state_of_every_pupil(client: Client, family: Family) -> None:
    roster.sign_in_staff(client, family.teacher)
    page = client.get(f"/klas/{family.group5.uuid}/")
    html = page.content.decode()
    assert '<th scope="col">Thuis inloggen</th>' in html
    assert cell_states(html) == {"Mila Visser": "no-no", "Sanne de Boer": "no-no"}

    response = client.post(addresses_url(family), {"email1": PARENT, "email2": ""})
    assert response.status_code == 302
    assert response["Location"] == f"/klas/{family.group5.uuid}/#pupil-{family.sanne.uuid}"
    html = client.get(f"/klas/{family.group5.uuid}/").content.decode()
    assert cell_states(html) == {"Mila Visser": "no-no", "Sanne de Boer": "yes-no"}
    assert "Ja/Nee" in html
    assert PARENT in html

    do_activate_home(last_link(PARENT).rstrip("/").rsplit("/", 1)[1], PARENT_PASSWORD)
    html = client.get(f"/klas/{family.group5.uuid}/").content.decode()
    assert cell_states(html)["Sanne de Boer"] == "yes-yes"
    assert "Opnieuw sturen" not in html  # only for addresses without a password


def test_the_column_costs_one_query_whatever_the_group_size(client: Client, family: Family) -> None:
    roster.sign_in_staff(client, family.teacher)
    url = f"/klas/{family.group5.uuid}/"
    client.get(url)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len([q for q in queries if "home_accounts_homeaddress" in q["sql"]]))
        extra = [factories.pupil(family.group5, f"Kind{n}") for n in range(10)]
        for pupil in extra:
            HomeAddress.objects.create(pupil=pupil, position=1, email=f"{pupil.first_name}@thuis.example")
        client.get(url)  # new pupils get their pictures once
    assert counts == [1, 1]


def test_edit_page_shows_the_stored_addresses_and_refuses_bad_input(client: Client, family: Family) -> None:
    roster.sign_in_staff(client, family.teacher)
    client.post(addresses_url(family), {"email1": PARENT, "email2": "tweede@thuis.example"})
    page = lxml.html.fromstring(client.get(addresses_url(family)).content.decode())
    assert page.xpath('//input[@name="email1"]/@value') == [PARENT]
    assert page.xpath('//input[@name="email2"]/@value') == ["tweede@thuis.example"]
    assert page.xpath('//input[@name="email1"]/@autocomplete') == ["off"]
    before = stored()
    response = client.post(addresses_url(family), {"email1": "geen adres", "email2": ""})
    assert response.status_code == 400
    assert "&#x27;geen adres&#x27; is geen geldig e-mailadres." in response.content.decode()
    assert stored() == before


def test_resend_sends_a_new_link(client: Client, family: Family) -> None:
    roster.sign_in_staff(client, family.teacher)
    client.post(addresses_url(family), {"email1": PARENT})
    first = last_link(PARENT)
    address = HomeAddress.objects.get()
    response = client.post(addresses_url(family) + "/opnieuw", {"address": str(address.uuid)})
    assert response.status_code == 302
    assert last_link(PARENT) != first
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="home.activation_sent", data__resent=True).count() == 1
    follow = client.get(response["Location"]).content.decode()
    assert "Er is een nieuwe link gestuurd naar ouder@thuis.example." in follow


def test_resend_for_an_activated_address_explains_instead(client: Client, family: Family) -> None:
    roster.sign_in_staff(client, family.teacher)
    client.post(addresses_url(family), {"email1": PARENT})
    do_activate_home(last_link(PARENT).rstrip("/").rsplit("/", 1)[1], PARENT_PASSWORD)
    sent = len(mail.outbox)
    address = HomeAddress.objects.get()
    response = client.post(addresses_url(family) + "/opnieuw", {"address": str(address.uuid)}, follow=True)
    assert "Dit adres heeft al een wachtwoord gemaakt." in response.content.decode()
    assert len(mail.outbox) == sent


def test_a_coordinator_may_set_addresses_in_any_group(client: Client, family: Family) -> None:
    zoe = family.other_group.pupils.get()
    roster.sign_in_staff(client, family.coordinator)
    response = client.post(addresses_url(family, zoe, family.other_group), {"email1": "zoe@thuis.example"})
    assert response.status_code == 302
    assert stored() == [("Zoë", 1, "zoe@thuis.example")]


@pytest.mark.parametrize("who", ["colleague", "daan_teacher"])
def test_other_teachers_are_refused_and_nothing_changes(client: Client, family: Family, who: str) -> None:
    roster.sign_in_staff(client, family.teacher)
    client.post(addresses_url(family), {"email1": PARENT})
    address = HomeAddress.objects.get()
    before = (stored(), len(mail.outbox), Account.objects.count(), AuditEvent.objects.count())
    other = Client()
    roster.sign_in_staff(other, getattr(family, who))
    assert other.get(addresses_url(family)).status_code == 403
    assert other.post(addresses_url(family), {"email1": "indringer@x.example"}).status_code == 403
    assert other.post(addresses_url(family) + "/opnieuw", {"address": str(address.uuid)}).status_code == 403
    # A group of their own does not open a pupil of another group either.
    own_group = family.other_group if who == "colleague" else family.group2
    refused = other.post(addresses_url(family, group=own_group), {"email1": "indringer@x.example"})
    assert refused.status_code == 403
    assert (stored(), len(mail.outbox), Account.objects.count(), AuditEvent.objects.count()) == before


def test_parents_and_anonymous_visitors_cannot_use_teacher_actions(client: Client, family: Family) -> None:
    from tests.accounts.home.conftest import activated_parent, log_in_parent

    activated_parent(family)
    before = stored()
    assert client.post(addresses_url(family), {"email1": "x@x.example"})["Location"].startswith("/login/")
    log_in_parent(client)
    assert (
        client.post(addresses_url(family), {"email1": "x@x.example"}).status_code == 302
    )  # to the staff login
    ref = HomeAddress.objects.get(pupil=family.sanne).uuid
    client.post(f"/thuis/kinderen/{ref}/", {"code": SANNE_PIN})
    assert client.post(addresses_url(family), {"email1": "x@x.example"}).status_code == 403
    assert stored() == before
