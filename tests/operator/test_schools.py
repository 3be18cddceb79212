"""School look-up: paginated with queries independent of size; coordinators, imports, consent; no
pupil names or codes."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from klaspoort.core.actors import SystemActor
from klaspoort.federation.actions import do_grant_consent
from klaspoort.registry.models import SchoolLocation
from tests.federation.factories import make_app
from tests.operator.conftest import MakeStaff
from tests.roster import factories


def _schools(count: int, start: int = 0) -> None:
    for index in range(start, start + count):
        factories.school(f"{10 + index // 26:02d}{chr(65 + index % 26)}X00", f"School {index:03d}")


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_school_list_queries_do_not_grow(console: Client) -> None:
    _schools(3)
    small = _queries(console, "/beheer/scholen/")
    small_search = _queries(console, "/beheer/scholen/?q=School")
    _schools(120, start=3)
    assert _queries(console, "/beheer/scholen/") == small
    assert _queries(console, "/beheer/scholen/?q=School&page=2") == small_search
    page = console.get("/beheer/scholen/?page=3").content.decode()
    assert "Pagina 3 van 3" in page
    assert "School 100" in page
    assert "School 000" not in page


def test_search_by_code(console: Client) -> None:
    _schools(30)
    page = console.get("/beheer/scholen/?q=10CX00").content.decode()
    assert "School 002" in page
    assert "School 003" not in page


def test_school_overview(console: Client, school: SchoolLocation, make_staff: MakeStaff) -> None:
    make_staff(school, "ict@school.example", roles=("ict_coordinator",), first_name="Ilse", surname="Bos")
    make_staff(school, "leraar@school.example", first_name="Piet", surname="Klaas")
    group = factories.group(school)
    factories.pupil(group, "Zoë", "Vermeulen")
    app, _secret = make_app()
    partner = app.partner
    do_grant_consent(school, partner, names=True, actor=SystemActor("test"))
    page = console.get(f"/beheer/scholen/{school.instelling_ref}/").content.decode()
    assert "Ilse Bos &lt;ict@school.example&gt;" in page
    assert "Piet" not in page  # only coordinators are listed by name
    assert "1 leerlingen, 1 groepen, 2 medewerkers" in page
    assert partner.name in page
    assert "Zoë" not in page
    assert "Vermeulen" not in page


def test_unknown_school_is_404(console: Client) -> None:
    assert console.get("/beheer/scholen/5bd1c9ae-0000-4000-8000-000000000000/").status_code == 404
