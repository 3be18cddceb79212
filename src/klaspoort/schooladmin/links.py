"""The school's links and the shortcut files for its devices (C5), built as plain text or bytes
(pure: no database, no request). QR codes: klaspoort.core.qr.

    school_links(base_url, instelling_ref) -> SchoolLinks
    windows_shortcut(url) -> str               .url (INI format: [InternetShortcut] URL=…)
    webloc(url) -> bytes                       macOS .webloc (an XML property list)
    web_clip(label, url, identifier, icon) -> bytes   iPad/iPhone .mobileconfig with one web clip
    chromebook_bookmarks(folder, links) -> str  managed bookmarks JSON for the Google Admin console
    school_icon(seed) -> bytes                 a 180x180 PNG for the web clip (the school's colour)
"""

from __future__ import annotations

import colorsys
import hashlib
import json
import plistlib
import struct
import uuid
import zlib
from dataclasses import dataclass
from urllib.parse import urlencode

ICON_SIZE = 180


@dataclass(frozen=True)
class SchoolLinks:
    staff: str  # the staff login page
    pupils: str  # the school's pupil link /s/<INSTELLING_REF>/
    deep_link: str  # the deep-link form, with TARGET left for the school to fill in

    def deep_link_to(self, target: str) -> str:
        return f"{self.deep_link}&{urlencode({'TARGET': target})}"


def school_links(base_url: str, instelling_ref: uuid.UUID) -> SchoolLinks:
    base = base_url.rstrip("/")
    return SchoolLinks(
        staff=f"{base}/login/",
        pupils=f"{base}/s/{instelling_ref}/",
        deep_link=f"{base}/login/leerlingen/snelkoppelaar?"
        + urlencode({"INSTELLING_REF": str(instelling_ref)}),
    )


def windows_shortcut(url: str) -> str:
    """An Internet shortcut for Windows: INI text with CRLF line ends."""
    return f"[InternetShortcut]\r\nURL={url}\r\n"


def webloc(url: str) -> bytes:
    return plistlib.dumps({"URL": url}, fmt=plistlib.FMT_XML)


def web_clip(label: str, url: str, identifier: str, icon: bytes) -> bytes:
    """A configuration profile with one web clip (Apple's com.apple.webClip.managed payload): the
    icon on the home screen opens `url` in Safari. Unsigned; device management may sign it."""
    clip_uuid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{identifier}:clip:{url}")).upper()
    profile_uuid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{identifier}:profile:{url}")).upper()
    profile = {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": identifier,
        "PayloadUUID": profile_uuid,
        "PayloadDisplayName": label,
        "PayloadDescription": f"Snelkoppeling naar {url}",
        "PayloadRemovalDisallowed": False,
        "PayloadContent": [
            {
                "PayloadType": "com.apple.webClip.managed",
                "PayloadVersion": 1,
                "PayloadIdentifier": f"{identifier}.webclip",
                "PayloadUUID": clip_uuid,
                "PayloadDisplayName": label,
                "Label": label,
                "URL": url,
                "Icon": icon,
                "IsRemovable": True,
                "FullScreen": False,
                "Precomposed": True,
            }
        ],
    }
    return plistlib.dumps(profile, fmt=plistlib.FMT_XML)


def chromebook_bookmarks(folder: str, links: list[tuple[str, str]]) -> str:
    """Managed bookmarks for Chrome OS (Google Admin console: Devices > Chrome > Settings >
    Managed bookmarks, or the ManagedBookmarks policy): a folder with (name, url) entries."""
    return json.dumps([{"toplevel_name": folder}, *({"name": n, "url": u} for n, u in links)], indent=2)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def school_icon(seed: str) -> bytes:
    """A square PNG in a colour of the school's own (from `seed`, e.g. its INSTELLING_REF) with a
    white door, so each school's web clip is recognisable. Written with zlib (PNG is deflate)."""
    hue = int(hashlib.sha256(seed.encode()).hexdigest()[:4], 16) / 0xFFFF
    red, green, blue = (round(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.65, 0.7))
    colour, white = bytes((red, green, blue)), b"\xff\xff\xff"
    rows = []
    for y in range(ICON_SIZE):
        door = 50 <= y <= 140
        row = b"".join(white if door and 60 <= x <= 120 else colour for x in range(ICON_SIZE))
        rows.append(b"\x00" + row)
    header = struct.pack(">IIBBBBB", ICON_SIZE, ICON_SIZE, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )
