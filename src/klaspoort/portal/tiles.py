"""What the portal page shows one person: tiles, unreachable publishers, admin links (pure over answers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from klaspoort.accounts.principal import Principal
from klaspoort.portal.licences import AppAnswer, licence_answers
from klaspoort.portal.partners import licensed_apps
from klaspoort.portal.products import Context, Product, role_for, tile_sort_key, visible_products


@dataclass(frozen=True)
class Tile:
    app: str  # PartnerApp.slug
    publisher: str  # Partner.name
    product: Product


@dataclass(frozen=True)
class AdminLink:
    """A publisher's admin environment (D5), from the teacher products of its answer."""

    publisher: str
    app_name: str
    url: str


@dataclass(frozen=True)
class PortalView:
    tiles: tuple[Tile, ...]
    unavailable: tuple[str, ...]  # publisher names that could not be reached
    admin_links: tuple[AdminLink, ...]
    apps_asked: int  # ticked apps with a licence endpoint
    stale: bool  # some tiles come from an older answer


def build_view(answers: Sequence[AppAnswer], kind: str, context: Context) -> PortalView:
    role = role_for(kind)
    tiles: list[Tile] = []
    unavailable: list[str] = []
    admin: dict[str, AdminLink] = {}
    for answer in answers:
        app = answer.app
        if answer.products is None:
            if not answer.refused:
                unavailable.append(app.partner.name)
            continue
        shown = visible_products(answer.products, role, context)
        tiles += [Tile(app.slug, app.partner.name, product) for product in shown]
        if role == "teacher":
            for product in shown:
                if product.admin_url and product.admin_url not in admin:
                    admin[product.admin_url] = AdminLink(app.partner.name, app.name, product.admin_url)
    tiles.sort(key=lambda tile: tile_sort_key(tile.product.name, tile.publisher, tile.product.id))
    return PortalView(
        tiles=tuple(tiles),
        unavailable=tuple(sorted(set(unavailable))),
        admin_links=tuple(sorted(admin.values(), key=lambda link: (link.publisher, link.app_name, link.url))),
        apps_asked=len(answers),
        stale=any(answer.stale for answer in answers),
    )


def portal_view(principal: Principal) -> PortalView:
    """Ask every ticked app (concurrently, cached) and build the page model."""
    answers = licence_answers(principal, licensed_apps(principal.school))
    return build_view(answers, principal.kind, principal.context)
