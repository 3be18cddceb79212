"""HTML of the demo publisher (plain strings; every value escaped)."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from catalogue import WITHHELD_FIELDS, DemoProduct, DemoPublisher

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#fafafa;color:#222;line-height:1.5}
header{padding:.8rem 1.5rem;color:#fff;background:var(--c)}main{max-width:52rem;margin:0 auto;padding:1.5rem}
section{background:#fff;border-radius:.6rem;padding:1rem 1.4rem;margin-bottom:1rem;box-shadow:0 1px 3px #0002}
dt{font-weight:600}dd{margin:0 0 .6rem 0;font-family:ui-monospace,monospace;overflow-wrap:anywhere}
pre{background:#f3f3f3;padding:.8rem;overflow:auto;font-size:.85rem}a.button{display:inline-block;
padding:.5rem 1rem;border-radius:.4rem;background:var(--c);color:#fff;text-decoration:none}
.withheld li{color:#2e7d32}
"""

# Where each personal field would appear in an OIDC claim set or a SAML attribute statement.
FIELD_NAMES = {
    "given_name": ("given_name", "givenName"),
    "family_name": ("family_name", "sn"),
    "eck_id": ("eck_id", "eckId"),
    "email": ("email", "mail"),
    "birthdate": ("birthdate",),
    "address": ("address",),
    "bsn": ("bsn", "nlEduPersonRealId"),
}


def page(publisher: DemoPublisher, title: str, body: str, colour: str = "#37474f") -> bytes:
    html = (
        f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{escape(title)} · '
        f"{escape(publisher.app_name)}</title><style>{STYLE}</style></head>"
        f'<body style="--c:{escape(colour)}"><header><strong>{escape(publisher.name)}</strong></header>'
        f"<main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )
    return html.encode()


def home(publisher: DemoPublisher, received: dict[str, Any] | None) -> str:
    intro = (
        f"<section><p>Dit is een demo-uitgever voor klaspoort. Hij spreekt "
        f"<strong>{'OpenID Connect' if publisher.mode == 'oidc' else 'SAML 2.0'}</strong>.</p>"
        f'<p><a class="button" href="/login">Inloggen via klaspoort</a></p></section>'
    )
    return intro + (received_section(received) if received else "")


def product_page(product: DemoProduct, received: dict[str, Any]) -> str:
    return (
        f'<section><p id="product" data-product="{escape(product.id)}">Je bent ingelogd in '
        f"<strong>{escape(product.name)}</strong>.</p></section>" + received_section(received)
    )


def received_section(received: dict[str, Any]) -> str:
    """What we got from klaspoort, and the personal fields we did not get."""
    school = received.get("school") or {}
    groups = received.get("groups") or []
    group_items = "".join(
        f"<li>{escape(str(g.get('name', '')))} <small>({escape(str(g.get('id', '')))})</small></li>"
        for g in groups
        if isinstance(g, dict)
    )
    raw = json.dumps(received.get("raw", {}), indent=2, ensure_ascii=False)
    present = set(received.get("present_fields", ()))
    withheld = [label for field, label in WITHHELD_FIELDS if not present & set(FIELD_NAMES[field])]
    return (
        "<section><h2>Wat we van klaspoort kregen</h2><dl>"
        f'<dt>Pseudoniem</dt><dd id="pseudonym">{escape(str(received.get("pseudonym", "")))}</dd>'
        f'<dt>Rol</dt><dd id="role">{escape(str(received.get("role", "")))}</dd>'
        f'<dt>School</dt><dd id="school">{escape(str(school.get("name", "")))} '
        f"{escape(str(school.get('brin', '')))}{escape(str(school.get('location_code', '')))}</dd>"
        f'<dt>Groepen</dt><dd><ul id="groups">{group_items or "<li>geen</li>"}</ul></dd>'
        f'<dt>Via</dt><dd id="via">{escape(str(received.get("via", "")))}</dd></dl></section>'
        '<section><h2>Wat we <em>niet</em> kregen</h2><ul class="withheld" id="withheld">'
        + "".join(f"<li>{escape(label)}</li>" for label in withheld)
        + "</ul></section>"
        + f"<section><h2>Alles wat binnenkwam</h2><pre>{escape(raw)}</pre></section>"
    )


def admin_page(publisher: DemoPublisher, received: dict[str, Any] | None) -> str:
    if not received:
        return (
            "<section><p>Log in om de beheeromgeving te openen.</p><p><a class='button' "
            "href='/login?target_link_uri=/beheer'>Inloggen via klaspoort</a></p></section>"
        )
    groups = received.get("groups") or []
    rows = "".join(
        f"<tr><td>{escape(str(g.get('name', '')))}</td><td>niveau 1 t/m 3</td></tr>"
        for g in groups
        if isinstance(g, dict)
    )
    return (
        '<section id="admin"><p>Hier stel je per groep het niveau van de oefenstof in (D5).</p>'
        "<table><tr><th>Groep</th><th>Niveau</th></tr>"
        + (rows or "<tr><td colspan=2>geen groepen</td></tr>")
        + "</table></section>"
    )


def icon_svg(product: DemoProduct) -> bytes:
    letter = escape(product.name[:1].upper())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">'
        f'<rect width="96" height="96" rx="18" fill="{escape(product.colour)}"/>'
        '<text x="48" y="64" font-size="52" font-family="sans-serif" font-weight="700" '
        f'text-anchor="middle" fill="#fff">{letter}</text></svg>'
    ).encode()
