"""Links and device set-up (C5): every generated file parsed back; the page and its downloads are
for coordinators only."""

from __future__ import annotations

import configparser
import json
import plistlib
import re
import struct
import zlib

import pytest
from django.test import Client

from klaspoort.roster.models import StaffRole
from klaspoort.schooladmin import links
from tests.accounts.pupils import roster
from tests.roster import factories

pytestmark = pytest.mark.django_db

BASE = "https://klaspoort.example"


@pytest.fixture
def coordinator_client(client: Client, settings) -> Client:  # type: ignore[no-untyped-def]
    settings.BASE_URL = BASE
    school = factories.school(name="De Regenboog")
    roster.sign_in_staff(client, factories.staff(school, "ict@school.nl", roles=(StaffRole.ICT_COORDINATOR,)))
    client.school = school  # type: ignore[attr-defined]
    return client


def test_the_links_of_a_school() -> None:
    import uuid

    ref = uuid.UUID("12345678-1234-5678-1234-567812345678")
    found = links.school_links(BASE + "/", ref)
    assert found.staff == "https://klaspoort.example/login/"
    assert found.pupils == "https://klaspoort.example/s/12345678-1234-5678-1234-567812345678/"
    assert found.deep_link_to("https://uitgever.example/les?id=1") == (
        "https://klaspoort.example/login/leerlingen/snelkoppelaar?INSTELLING_REF=12345678-1234-5678-1234-567812345678"
        "&TARGET=https%3A%2F%2Fuitgever.example%2Fles%3Fid%3D1"
    )


def test_the_windows_shortcut_is_an_internet_shortcut() -> None:
    parser = configparser.ConfigParser()
    parser.read_string(links.windows_shortcut("https://klaspoort.example/s/x/"))
    assert parser["InternetShortcut"]["URL"] == "https://klaspoort.example/s/x/"


def test_the_webloc_is_a_property_list_with_the_url() -> None:
    assert plistlib.loads(links.webloc("https://klaspoort.example/s/x/")) == {
        "URL": "https://klaspoort.example/s/x/"
    }


def _png_size_and_pixels(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, {}
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks[kind] = chunks.get(kind, b"") + body
        position += 12 + length
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    return width, height, zlib.decompress(chunks[b"IDAT"])


def test_the_web_clip_profile_has_one_web_clip_with_the_schools_icon() -> None:
    icon = links.school_icon("school-a")
    profile = plistlib.loads(
        links.web_clip("klaspoort De Regenboog", "https://klaspoort.example/s/x/", "nl.klaspoort.t", icon)
    )
    assert (profile["PayloadType"], profile["PayloadVersion"], profile["PayloadIdentifier"]) == (
        "Configuration", 1, "nl.klaspoort.t",
    )  # fmt: skip
    (clip,) = profile["PayloadContent"]
    assert clip["PayloadType"] == "com.apple.webClip.managed"
    assert (clip["Label"], clip["URL"], clip["IsRemovable"]) == (
        "klaspoort De Regenboog", "https://klaspoort.example/s/x/", True,
    )  # fmt: skip
    assert clip["Icon"] == icon
    width, height, pixels = _png_size_and_pixels(icon)
    assert (width, height, len(pixels)) == (180, 180, 180 * (1 + 180 * 3))
    assert links.school_icon("school-a") == icon
    assert links.school_icon("school-b") != icon


def test_the_chromebook_bookmarks_are_managed_bookmarks_json() -> None:
    data = json.loads(
        links.chromebook_bookmarks("klaspoort", [("Leerlingen", "https://klaspoort.example/s/x/")])
    )
    assert data == [
        {"toplevel_name": "klaspoort"},
        {"name": "Leerlingen", "url": "https://klaspoort.example/s/x/"},
    ]


def test_the_page_shows_both_links_with_qr_codes_and_no_other_site(coordinator_client: Client) -> None:
    school = coordinator_client.school  # type: ignore[attr-defined]
    html = coordinator_client.get("/schoolbeheer/links/").content.decode()
    assert f'<code class="link-url" id="url-pupils">{BASE}/s/{school.instelling_ref}/</code>' in html
    assert f'<code class="link-url" id="url-staff">{BASE}/login/</code>' in html
    assert html.count("<svg") == 2
    assert re.findall(r'class="secondary copy" data-copy="([a-z-]+)"', html) == [
        "url-staff",
        "url-pupils",
        "url-deep",
    ]
    assert (
        f'<code class="link-url" id="url-deep">{BASE}/login/leerlingen/snelkoppelaar?INSTELLING_REF={school.instelling_ref}&amp;TARGET=</code>'
        in html
    )
    assert 'src="http' not in html
    assert "cdn" not in html.lower()


def _url_in(body: bytes, kind: str) -> str:
    """The address a downloaded file opens, read back by parsing the file as its device does."""
    if kind == "url":
        parser = configparser.ConfigParser()
        parser.read_string(body.decode())
        return parser["InternetShortcut"]["URL"]
    if kind == "webloc":
        return str(plistlib.loads(body)["URL"])
    if kind == "mobileconfig":
        (clip,) = plistlib.loads(body)["PayloadContent"]
        return str(clip["URL"])
    toplevel, bookmark = json.loads(body)
    assert toplevel == {"toplevel_name": "klaspoort De Regenboog"}
    return str(bookmark["url"])


@pytest.mark.parametrize("kind", ["url", "webloc", "mobileconfig", "json"])
@pytest.mark.parametrize("which", ["leerlingen", "medewerkers"])
def test_every_download_parses(coordinator_client: Client, which: str, kind: str) -> None:
    school = coordinator_client.school  # type: ignore[attr-defined]
    response = coordinator_client.get(f"/schoolbeheer/links/{which}.{kind}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="klaspoort-de-regenboog-{which}.{kind}"'
    expected = f"{BASE}/s/{school.instelling_ref}/" if which == "leerlingen" else f"{BASE}/login/"
    assert _url_in(response.content, kind) == expected


def test_unknown_files_are_not_found(coordinator_client: Client) -> None:
    assert coordinator_client.get("/schoolbeheer/links/leerlingen.exe").status_code == 404
    assert coordinator_client.get("/schoolbeheer/links/ouders.url").status_code == 404


@pytest.mark.parametrize("role", ["teacher", "internal_counsellor", "substitute"])
def test_others_get_403(client: Client, role: str) -> None:
    school = factories.school()
    roster.sign_in_staff(client, factories.staff(school, "x@school.nl", roles=(role,)))
    for url in (
        "/schoolbeheer/links/",
        "/schoolbeheer/links/apparaten/",
        "/schoolbeheer/links/leerlingen.url",
    ):
        assert client.get(url).status_code == 403, url


def test_the_device_management_page_says_how_each_file_is_pushed(coordinator_client: Client) -> None:
    html = coordinator_client.get("/schoolbeheer/links/").content.decode()
    assert (
        '<a href="/schoolbeheer/links/apparaten/">Zo zet je ze via apparaatbeheer op alle apparaten.</a>'
        in html
    )
    page = coordinator_client.get("/schoolbeheer/links/apparaten/")
    assert page.status_code == 200
    text = page.content.decode()
    assert re.findall(r'<h2 id="[a-z]+-title">([^<]+)</h2>', text) == [
        "Windows (Intune en andere)",
        "Mac (Jamf en andere)",
        "iPad en iPhone (Jamf, Intune, ZuluDesk en dergelijke)",
        "Chromebook (Google Admin-console)",
    ]
    for file in (".url-snelkoppeling", ".webloc", ".mobileconfig-bestand", ".json-bestand"):
        assert file in text, file
    assert "Beheerde bladwijzers" in text
    coordinator_client.post("/i18n/setlang/", {"language": "en", "next": "/schoolbeheer/links/apparaten/"})
    english = coordinator_client.get("/schoolbeheer/links/apparaten/").content.decode()
    assert '<h2 id="windows-title">Windows (Intune and others)</h2>' in english
    assert '<h2 id="chrome-title">Chromebook (Google Admin console)</h2>' in english
