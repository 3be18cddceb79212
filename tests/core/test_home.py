from __future__ import annotations

import pytest
from django.test import Client

from klaspoort.registry.actions import do_register_school

pytestmark = pytest.mark.django_db


def test_home_lists_schools(client: Client) -> None:
    do_register_school("12AB00", name="De Regenboog")
    response = client.get("/")
    assert response.status_code == 200
    assert "De Regenboog" in response.content.decode()
    assert "12AB00" in response.content.decode()
