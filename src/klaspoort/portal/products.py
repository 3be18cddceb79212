"""Products (methodes, producten) as publishers report them, and which of them a person sees.

Pure: plain dataclasses and functions, no database, no HTTP.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Audience = Literal["teacher", "pupil", "both"]
LaunchMethod = Literal["oidc", "saml", "link"]
Role = Literal["teacher", "pupil"]
Context = Literal["school", "home"]

AUDIENCES: tuple[Audience, ...] = ("teacher", "pupil", "both")
LAUNCH_METHODS: tuple[LaunchMethod, ...] = ("oidc", "saml", "link")


@dataclass(frozen=True)
class Product:
    """One licensed product in a publisher's answer.

    id              the publisher's identifier, unique within its answer
    name            shown on the tile
    icon_url        tile picture (served through our icon proxy, never straight from the publisher)
    audience        teacher side, pupil side or both (C12)
    allowed_at_home False for e.g. test software (D3)
    launch_method   how we sign the user in: OpenID Connect, SAML, or a plain link
    launch_url      where the product starts (OIDC target_link_uri, SAML ACS, or the link)
    admin_url       the publisher's admin environment for teachers (D5), optional
    """

    id: str
    name: str
    audience: Audience
    allowed_at_home: bool
    launch_method: LaunchMethod
    launch_url: str
    icon_url: str = ""
    admin_url: str = ""


def role_for(principal_kind: str) -> Role:
    """Staff work on the teacher side of software, pupils (at school or at home) on the pupil side."""
    return "teacher" if principal_kind == "staff" else "pupil"


def is_visible(product: Product, role: Role, context: Context) -> bool:
    """D3/D4/C12: pupils get pupil products, teachers teacher products; at home only home-allowed ones."""
    if product.audience not in (role, "both"):
        return False
    return context == "school" or product.allowed_at_home


def visible_products(products: Iterable[Product], role: Role, context: Context) -> list[Product]:
    return [product for product in products if is_visible(product, role, context)]


def tile_sort_key(name: str, publisher: str, product_id: str) -> tuple[str, str, str]:
    """Tiles are sorted by product name as a child reads it (case- and accent-insensitive)."""
    return (_fold(name), _fold(publisher), product_id)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
