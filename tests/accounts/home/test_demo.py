"""The demo parent (`make demo`): two demo children, known codes, idempotent."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from klaspoort import demo_data
from klaspoort.accounts.home.models import HomeAddress
from klaspoort.registry.actions import do_register_school
from klaspoort.roster.models import Pupil
from tests.roster import factories

pytestmark = pytest.mark.django_db


def test_demo_parent_logs_in_for_both_children_and_rerun_is_harmless(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    school = do_register_school("99DM00", name="Demoschool De Klaproos")
    factories.pupil(factories.group(school, "Groep 2", year_group="2"), "Eva")
    factories.pupil(factories.group(school, "Groep 6", year_group="6"), "Ravi")
    login, children = demo_data.home_credentials("99DM00")
    assert login == (demo_data.DEMO_PARENT_EMAIL, demo_data.DEMO_PARENT_PASSWORD)
    assert children == [("Ravi", "Groep 6", "4821"), ("Eva", "Groep 2", "ster,maan")]
    sent = len(mail.outbox)
    assert demo_data.home_credentials("99DM00") == (login, children)
    assert len(mail.outbox) == sent
    assert HomeAddress.objects.count() == 2

    client = Client()
    assert client.post("/thuis/", {"email": login[0], "password": login[1]})["Location"] == "/thuis/kinderen/"
    for name, _, code in children:
        ref = HomeAddress.objects.get(pupil=Pupil.objects.get(first_name=name)).uuid
        assert client.post(f"/thuis/kinderen/{ref}/", {"code": code})["Location"] == "/portal/"


def test_demo_without_school() -> None:
    assert demo_data.home_credentials("99ZZ00") == (("", ""), [])
