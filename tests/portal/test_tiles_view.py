"""/portal/: who sees which tiles, unreachable publishers, empty states, admin links."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from klaspoort.federation.actions import do_withdraw_consent
from klaspoort.federation.models import Disclosure
from klaspoort.federation.oidc import keys
from klaspoort.roster.models import StaffMembership, StaffRole
from tests.accounts.pupils import roster
from tests.portal.stub_publisher import Behaviour
from tests.portal.world import World, sign_in
from tests.roster import factories


def tile_names(html: str) -> list[str]:
    return re.findall(r'<span class="tile-name">([^<]+)</span>', html)


def page(client: Client, world: World, who: str = "pupil", context: str = "school") -> str:
    sign_in(client, world.principal(who, context))
    response = client.get("/portal/")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    return response.content.decode()


def test_not_signed_in_goes_to_the_login(client: Client, world: World) -> None:
    response = client.get("/portal/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/portal/"


def test_a_pupil_sees_pupil_tiles_of_every_ticked_publisher_sorted_by_name(
    client: Client, world: World
) -> None:
    world.add_publisher("taalzee")
    world.add_publisher("rekenrijk")
    html = page(client, world)
    assert tile_names(html) == [
        "Rekenrijk oefenen",
        "Rekenrijk toets",
        "Rekenrijk woorden",
        "Taalzee oefenen",
        "Taalzee toets",
        "Taalzee woorden",
    ]
    assert 'href="/launch/rekenrijk/rekenrijk-oefenen/"' in html
    assert "Lesmaterialen" not in html
    assert 'id="unavailable"' not in html


def test_at_home_school_only_products_are_hidden(client: Client, world: World) -> None:
    world.add_publisher("rekenrijk")
    html = page(client, world, context="home")
    assert tile_names(html) == ["Rekenrijk oefenen", "Rekenrijk woorden"]
    assert "Jouw software thuis" in html


def test_a_teacher_sees_teacher_tiles_and_the_admin_links(client: Client, world: World) -> None:
    stub = world.add_publisher("rekenrijk")
    html = page(client, world, who="teacher")
    assert tile_names(html) == ["Rekenrijk leerkracht", "Rekenrijk woorden"]
    assert 'id="materials"' in html
    assert f'<a href="{stub.base}/beheer" rel="noreferrer">Uitgeverij Rekenrijk — Rekenrijk</a>' in html


def test_a_hanging_publisher_costs_its_timeout_and_is_named(
    client: Client, world: World, settings: Any
) -> None:
    world.add_publisher("rekenrijk")
    world.add_publisher("traagzee", Behaviour(hang=True))
    started = time.perf_counter()
    html = page(client, world)
    elapsed = time.perf_counter() - started
    # The stub hangs for 30 s: finishing within the timeout plus a loaded machine's margin proves the cut-off.
    assert settings.PORTAL_LICENCE_TIMEOUT <= elapsed < settings.PORTAL_LICENCE_TIMEOUT + 3.0
    assert tile_names(html) == ["Rekenrijk oefenen", "Rekenrijk toets", "Rekenrijk woorden"]
    notice = re.search(r'<div class="portal-notice" role="status" id="unavailable">(.*?)</div>', html, re.S)
    assert notice is not None
    assert "We konden Uitgeverij Traagzee nu niet bereiken." in notice.group(1)


def test_garbage_and_oversized_answers_are_reported_not_shown(client: Client, world: World) -> None:
    world.add_publisher("rekenrijk")
    world.add_publisher("rommel", Behaviour(body=b'{"products": [{"id": "x", "name": "<script>"}]}'))
    world.add_publisher("groot", Behaviour(body=b" " * (300 * 1024)))
    html = page(client, world)
    assert tile_names(html) == ["Rekenrijk oefenen", "Rekenrijk toets", "Rekenrijk woorden"]
    assert "<script>" not in html
    assert "We konden deze uitgevers nu niet bereiken: Uitgeverij Groot, Uitgeverij Rommel." in html


def test_withdrawn_consent_removes_the_tiles_at_once(client: Client, world: World) -> None:
    world.add_publisher("rekenrijk")
    world.add_publisher("taalzee")
    assert len(tile_names(page(client, world))) == 6
    do_withdraw_consent(world.school, world.apps["taalzee"].partner, actor="test")
    assert tile_names(page(client, world)) == ["Rekenrijk oefenen", "Rekenrijk toets", "Rekenrijk woorden"]


def test_a_teacher_without_tiles_is_told_what_to_check(client: Client, world: World) -> None:
    html = page(client, world, who="teacher")
    assert 'id="empty"' in html
    assert "je school heeft nog geen uitgever aangezet" in html
    assert "je bent aan 1 groep gekoppeld." in html
    StaffMembership.objects.all().delete()
    world.add_publisher("leeg", Behaviour(products=[]))
    html = page(client, world, who="teacher")
    assert "je bent nog aan geen enkele groep gekoppeld" in html
    assert "je school heeft 1 koppeling met een uitgever aangezet." in html


def test_a_pupil_without_tiles_gets_a_short_message(client: Client, world: World) -> None:
    html = page(client, world, context="home")
    assert "Thuis staat er nu geen software voor je klaar" in html
    assert "Vraag je juf of meester om hulp." in html


def test_icons_come_through_our_own_origin(client: Client, world: World) -> None:
    world.add_publisher("rekenrijk")
    html = page(client, world)
    sources = re.findall(r'src="([^"]+)"', html)
    assert len(sources) == 3
    assert all(source.startswith("/portal/icon/?u=") for source in sources)
    icon = sources[0]  # "Rekenrijk oefenen", whose icon the stub serves
    response = client.get(icon)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response.content.startswith(b"\x89PNG")


def test_the_icon_proxy_fetches_only_signed_images_for_signed_in_people(client: Client, world: World) -> None:
    stub = world.add_publisher("rekenrijk")
    html = page(client, world)
    icon = re.findall(r'<img src="([^"]+)"', html)[0]
    assert client.get("/portal/icon/?u=" + stub.base + "/icon.png").status_code == 404
    assert client.get(icon[:-3] + "abc").status_code == 404
    from klaspoort.portal.icons import icon_path

    assert client.get(icon_path(stub.base + "/page.html")).status_code == 404  # not an image
    client.logout()
    client.cookies.clear()
    assert client.get(icon).status_code == 403


def test_icons_from_private_addresses_are_not_fetched_outside_development(
    client: Client, world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 10 of issue 12: a licence answer naming an icon on a private or loopback address
    (here the stub publisher on 127.0.0.1) makes the server fetch nothing outside development."""
    from klaspoort.portal import icons

    settings.PORTAL_ICONS_FROM_PRIVATE_ADDRESSES = False
    world.add_publisher("rekenrijk")
    icon = re.findall(r'<img src="([^"]+)"', page(client, world))[0]
    fetched: list[object] = []
    monkeypatch.setattr(icons.httpx, "Client", lambda *a, **k: fetched.append(a) or pytest.fail("fetched"))
    assert client.get(icon).status_code == 404
    assert fetched == []
    answers = {
        "intern.example": ["93.184.216.34", "10.1.2.3"],  # one private address among public ones
        "meta.example": ["169.254.169.254"],
        "lokaal.example": ["::1"],
        "mapped.example": ["::ffff:127.0.0.1"],
        "linklocal.example": ["fe80::1%eth0"],
        "gedeeld.example": ["100.64.0.1"],
        "leeg.example": ["0.0.0.0"],
        "uitgever.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    }

    def resolve(host: str, port: object, *args: object, **kwargs: object) -> list[tuple[Any, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 443)) for address in answers[host]]

    monkeypatch.setattr(icons.socket, "getaddrinfo", resolve)
    verdicts = {host: icons.host_is_public(f"https://{host}/icon.png") for host in answers}
    assert verdicts == {host: host == "uitgever.example" for host in answers}
    assert icons.host_is_public("https:///icon.png") is False


def test_warm_cache_page_costs_few_queries(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    for slug in ("a-uitgever", "b-uitgever", "c-uitgever"):
        world.add_publisher(slug)
    page(client, world)
    with django_assert_max_num_queries(2):  # the session, the ticked apps
        html = client.get("/portal/").content.decode()
    assert len(tile_names(html)) == 9


@pytest.fixture
def signing_key_loaded(world: World) -> Iterator[None]:
    """The platform's signing key made and cached for minutes (a fresh key is re-read after 2 s)."""
    keys.clear_key_cache()
    keys.signing_key("ES256")  # makes the keys
    keys.clear_key_cache()
    keys.signing_key("ES256")  # reads them: cached for KEY_CACHE_SECONDS
    yield
    keys.clear_key_cache()


def _cold_page_queries(client: Client, world: World) -> list[str]:
    cache.clear()  # no licence answers, no breaker states: every app is asked
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/portal/")
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("who", ["pupil", "teacher"])
@pytest.mark.usefixtures("signing_key_loaded")
def test_cold_page_queries_do_not_grow_with_the_number_of_publishers(
    client: Client, world: World, who: str, settings: Any
) -> None:
    settings.PORTAL_LICENCE_TIMEOUT = 10.0  # a publisher that answers late writes its breaker state
    sign_in(client, world.principal(who))
    client.get("/portal/")  # the header's names are read once per session (a login stores them)
    world.add_publisher("a-uitgever")
    one = _cold_page_queries(client, world)
    for slug in ("b-uitgever", "c-uitgever", "d-uitgever"):
        world.add_publisher(slug)
    four = _cold_page_queries(client, world)
    # The session, the ticked apps, their consents with the school, the person with their groups,
    # one insert of every disclosure record.
    assert len(one) == len(four) == 5, four
    assert Disclosure.objects.filter(purpose="licence").count() == 1 + 4
    assert len(tile_names(client.get("/portal/").content.decode())) == (12 if who == "pupil" else 8)


def test_an_empty_portal_sends_the_coordinator_to_the_partners_page(client: Client, world: World) -> None:
    teacher = page(client, world, "teacher")
    assert "je school heeft nog geen uitgever aangezet" in teacher
    assert 'id="to-partners"' not in teacher  # a teacher cannot switch publishers on
    coordinator = factories.staff(world.school, "ict@regenboog.example", roles=(StaffRole.ICT_COORDINATOR,))
    roster.sign_in_staff(client, coordinator)
    html = client.get("/portal/").content.decode()
    assert '<a href="/schoolbeheer/koppelingen/" id="to-partners">Naar de koppelingen</a>' in html
    assert client.get("/schoolbeheer/koppelingen/").status_code == 200
