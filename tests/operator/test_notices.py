"""Notices (F1): shown on the login pages, the pupil shortcut and the news page while in force, to
their audience, in Dutch or English; one partner's notice only where the school selected it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from klaspoort.accounts.models import Account
from klaspoort.audit.models import AuditEvent
from klaspoort.core.clock import now
from klaspoort.operator import actions
from klaspoort.operator.models import Notice
from klaspoort.registry.models import SchoolLocation
from tests.federation.factories import make_app, tick
from tests.operator.conftest import actor
from tests.roster import factories

HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _fresh_notices() -> None:
    from klaspoort.operator import notices

    notices.forget()  # another test's notices may be in this worker's short cache


def _post(
    operator: Account, audience: str = "everyone", *, start: int = -1, end: int = 2, **extra: object
) -> Notice:
    return actions.do_post_notice(
        operator,
        title_nl=extra.pop("title_nl", "Storing bij het inloggen"),  # type: ignore[arg-type]
        title_en="Problem logging in",
        body_nl="We werken aan een oplossing.",
        body_en="We are working on a fix.",
        severity="outage",
        audience=audience,
        starts_at=now() + start * HOUR,
        ends_at=now() + end * HOUR,
        **extra,  # type: ignore[arg-type]
    )


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def shortcut(school: SchoolLocation) -> str:
    factories.group(school)
    return f"/s/{school.instelling_ref}/"


def test_console_posts_a_notice_that_shows_everywhere(
    console: Client, operator: Account, shortcut: str, django_capture_on_commit_callbacks: object
) -> None:
    response = console.post(
        "/beheer/meldingen/",
        {
            "title_nl": "Onderhoud vanavond", "body_nl": "Tussen 22 en 23 uur kun je niet inloggen.",
            "title_en": "Maintenance tonight", "body_en": "You cannot log in between 10 and 11 pm.",
            "severity": "maintenance", "audience": "everyone",
            "starts_at": _local(now() - HOUR), "ends_at": _local(now() + HOUR),
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="notice.posted").actor == actor(operator)
    for url in (shortcut, "/login/", "/thuis/", "/nieuws/"):
        page = Client().get(url).content.decode()
        assert "Onderhoud vanavond" in page, url
        assert "Tussen 22 en 23 uur kun je niet inloggen." in page, url
    english = Client(headers={"accept-language": "en"}).get("/login/").content.decode()
    assert "Maintenance tonight" in english


def test_audience_window_and_ending(operator: Account, shortcut: str) -> None:
    pupils = _post(operator, "pupils", title_nl="Voor leerlingen")
    _post(operator, "staff", title_nl="Voor medewerkers")
    _post(operator, "everyone", start=1, end=3, title_nl="Nog niet begonnen")
    _post(operator, "everyone", start=-3, end=-1, title_nl="Al voorbij")
    shortcut_page = Client().get(shortcut).content.decode()
    login_page = Client().get("/login/").content.decode()
    parents_page = Client().get("/thuis/").content.decode()
    assert ("Voor leerlingen" in shortcut_page, "Voor medewerkers" in shortcut_page) == (True, False)
    assert ("Voor leerlingen" in login_page, "Voor medewerkers" in login_page) == (False, True)
    assert "Voor medewerkers" not in parents_page
    assert all("Nog niet begonnen" not in page for page in (shortcut_page, login_page))
    assert "Al voorbij" in Client().get("/nieuws/").content.decode()  # past notices stay on the news page
    assert "Al voorbij" not in login_page
    actions.do_end_notice(operator, pupils)
    assert "Voor leerlingen" not in Client().get(shortcut).content.decode()


def test_partner_notice_only_where_the_partner_is_selected(
    operator: Account, school: SchoolLocation, other_school: SchoolLocation
) -> None:
    factories.group(school)
    factories.group(other_school)
    app, _secret = make_app()
    tick(school, app.partner)
    _post(operator, "pupils", partner=app.partner, title_nl="Rekenwijs werkt even niet")
    assert "Rekenwijs werkt even niet" in Client().get(f"/s/{school.instelling_ref}/").content.decode()
    assert (
        "Rekenwijs werkt even niet" not in Client().get(f"/s/{other_school.instelling_ref}/").content.decode()
    )


def test_window_must_be_forward(operator: Account) -> None:
    with pytest.raises(actions.NoticeError):
        _post(operator, start=2, end=1)
    assert Notice.objects.count() == 0


def test_only_operators_post(teacher: object, school: SchoolLocation) -> None:
    from django.core.exceptions import PermissionDenied

    account = Account.objects.get(email="anna.jansen@school.example")
    with pytest.raises(PermissionDenied):
        _post(account)
    assert Notice.objects.count() == 0
