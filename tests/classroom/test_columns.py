from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest
from django.test import Client, override_settings

from klaspoort.classroom.columns import OverviewColumn, register_column, unregister_column
from klaspoort.roster.models import Group, Pupil
from tests.accounts.pupils import roster
from tests.roster import factories

pytestmark = pytest.mark.django_db

calls: list[int] = []


def home_login_state(group: Group, pupils: Sequence[Pupil], access: Any) -> Mapping[int, Any]:
    calls.append(len(pupils))
    return {pupil.pk: "Ja/Nee" for pupil in pupils if pupil.first_name == "Anna"}


@pytest.fixture
def extra_column(settings: Any) -> Iterator[None]:
    register_column(
        OverviewColumn(
            key="home_login", header="Thuis inloggen", template="homelogin_cell.html", load=home_login_state
        )
    )
    calls.clear()
    yield
    unregister_column("home_login")


TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {"homelogin_cell.html": "<i>{{ value|default:'Nee/Nee' }} {{ pupil.first_name }}</i>"},
                ),
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]


def test_a_registered_column_gets_one_bulk_load_and_a_cell_per_pupil(
    client: Client, extra_column: None
) -> None:
    from django.conf import settings

    room = roster.classroom()
    teacher = factories.staff(room.school, "juf@school.nl", groups=(room.group,))
    roster.sign_in_staff(client, teacher)
    with override_settings(
        TEMPLATES=[{**TEMPLATES[0], "DIRS": settings.TEMPLATES[0]["DIRS"], "APP_DIRS": False}]
    ):
        html = client.get(f"/klas/{room.group.uuid}/").content.decode()
    assert '<th scope="col">Thuis inloggen</th>' in html
    assert re.findall(r"<i>([^<]+)</i>", html) == ["Ja/Nee Anna", "Nee/Nee Bram", "Nee/Nee Chloe"]
    assert calls == [3]
