from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from klaspoort.accounts.management.commands.create_staff import split_name
from klaspoort.accounts.models import Account
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_staff_then_activation_link_then_login(
    school: SchoolLocation, client: Client, mailoutbox
) -> None:
    out = _run(
        "create_staff",
        "IB@School.example",
        "--school",
        "12AB00",
        "--role",
        "internal_counsellor",
        "--role",
        "remedial_teacher",
        "--name",
        "Ingrid van der Berg",
    )
    assert (
        out
        == "ib@school.example bij 12AB00: rollen internal_counsellor, remedial_teacher (activeringsmail verstuurd)\n"
    )
    placement = StaffPlacement.objects.get()
    assert (placement.staff.first_name, placement.staff.infix, placement.staff.surname) == (
        "Ingrid",
        "van der",
        "Berg",
    )
    assert len(mailoutbox) == 1
    link = _run("activation_link", "ib@school.example").strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/activate/[0-9a-f-]{36}/", link)
    path = link.removeprefix("http://127.0.0.1:8000")
    mailed = re.search(r"/activate/[0-9a-f-]{36}/", mailoutbox[0].body)
    assert mailed is not None
    assert client.get(mailed.group(0)).status_code == 404  # replaced by the printed link
    client.post(path, {"password1": "zonnebloem42", "password2": "zonnebloem42"})
    assert (
        client.post("/login/", {"email": "ib@school.example", "password": "zonnebloem42"}).status_code == 302
    )


def test_create_staff_unknown_school(db) -> None:
    with pytest.raises(CommandError, match="99ZZ00 is niet geregistreerd"):
        _run("create_staff", "a@school.example", "--school", "99ZZ00", "--role", "intern")
    assert Account.objects.count() == 0


def test_create_staff_bad_email(school: SchoolLocation) -> None:
    with pytest.raises(CommandError, match="geen geldig e-mailadres"):
        _run("create_staff", "geen-adres", "--school", "12AB00", "--role", "intern")
    assert Account.objects.count() == 0


def test_activation_link_refusals(school: SchoolLocation, teacher: StaffPlacement) -> None:
    with pytest.raises(CommandError, match="geen medewerkersaccount"):
        _run("activation_link", "niemand@school.example")
    with pytest.raises(CommandError, match="al geactiveerd"):
        _run("activation_link", teacher.staff.email)


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Anna de Vries", ("Anna", "de", "Vries")),
        ("Jan", ("Jan", "", "")),
        ("", ("", "", "")),
        ("Anna Maria Jansen", ("Anna Maria", "", "Jansen")),
        ("Ingrid van der Berg", ("Ingrid", "van der", "Berg")),
    ],
)
def test_split_name(name: str, parts: tuple[str, str, str]) -> None:
    assert split_name(name) == parts
