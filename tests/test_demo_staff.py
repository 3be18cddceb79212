from __future__ import annotations

import pytest
from django.test import Client

from klaspoort import demo_data
from klaspoort.registry.actions import do_register_school

pytestmark = pytest.mark.django_db


def test_demo_staff_can_log_in_and_rerun_is_harmless(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    do_register_school("99DM00", name="Demoschool De Klaproos")
    rows = demo_data.staff_credentials("99DM00")
    assert [label for label, _, _ in rows] == ["leerkracht", "ICT-coördinator"]
    assert demo_data.staff_credentials("99DM00") == rows
    for _, email, password in rows:
        client = Client()
        assert client.post("/login/", {"email": email, "password": password})["Location"] == "/portal/"


def test_demo_without_school() -> None:
    assert demo_data.staff_credentials("99ZZ00") == []
