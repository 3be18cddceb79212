"""The one staff navigation: every staff page's header menu and the Schoolbeheer pages, defined here.

Adding a staff page to the menu is one line in `MAIN` or `SCHOOLBEHEER`:

    NavItem("myapp:page", _("Label"), "coordinator", "Short description for the Schoolbeheer page")

    url_name    a URL name without arguments (reversed once per request)
    label       the Dutch menu text, marked for translation (gettext_lazy)
    permission  a key of PERMISSIONS: who sees the item. The page itself must still check
                permission (view and action); the menu only hides what someone cannot open.
    description one line on the Schoolbeheer page (/schoolbeheer/), SCHOOLBEHEER items only

`MAIN` is the header menu of every staff page (`templates/staff/base.html`), in order; "Uitloggen"
and the language switch follow it. `SCHOOLBEHEER` are the coordinators' pages: they are listed on
/schoolbeheer/ and shown as a second row of the menu on each of them. An item is marked current
when the request's path starts with its URL.

The context processor `navigation` (settings.TEMPLATES) gives templates `nav`: a `Navigation` with
the header (school and person, `accounts.header`), the visible items and the Schoolbeheer items.
It runs no query when the header is in the session (after every login).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from klaspoort.accounts.header import Header, header_of
from klaspoort.accounts.permissions import COORDINATOR_ROLES
from klaspoort.roster.models import StaffRole


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    permission: str = "staff"
    description: str | Promise = ""


def _is_staff(header: Header) -> bool:
    return header.kind == "staff"


def _is_coordinator(header: Header) -> bool:
    return _is_staff(header) and bool(set(header.roles) & COORDINATOR_ROLES)


def _is_regular_staff(header: Header) -> bool:
    """Staff other than substitutes, who see only their group's overview and the software (C14)."""
    return _is_staff(header) and set(header.roles) != {StaffRole.SUBSTITUTE.value}


PERMISSIONS: dict[str, Callable[[Header], bool]] = {
    "staff": _is_staff,
    "regular_staff": _is_regular_staff,
    "coordinator": _is_coordinator,
}

MAIN: list[NavItem] = [
    NavItem("portal:tiles", _("Software")),
    NavItem("classroom:groups", _("Mijn groepen")),
    NavItem("schooladmin:home", _("Schoolbeheer"), "coordinator"),
    NavItem("accounts:profile", _("Profiel")),
]

SCHOOLBEHEER: list[NavItem] = [
    NavItem(
        "accounts:school_staff",
        _("Medewerkers"),
        "coordinator",
        _("Coördinatoren en ondersteunend personeel toevoegen, rollen geven en afnemen."),
    ),
    NavItem(
        "schooladmin:roster",
        _("Leerlinggegevens"),
        "coordinator",
        _("Leerlingen, groepen en leerkrachten inlezen uit de leerlingadministratie (EDEXML of CSV)."),
    ),
    NavItem(
        "schooladmin:partners",
        _("Koppelingen"),
        "coordinator",
        _("Welke uitgevers en netwerkbeheerders gegevens van de school krijgen, met bewijs van elke keuze."),
    ),
    NavItem(
        "laslink:link",
        _("Koppeling met de LAS"),
        "coordinator",
        _(
            "De leerlinggegevens elke nacht automatisch uit de leerlingadministratie: aan, uit en de "
            "laatste imports."
        ),
    ),
    NavItem(
        "schooladmin:licences",
        _("Licenties"),
        "coordinator",
        _("Per product de groepen, leerlingen en leerkrachten met een licentie, live bij de uitgevers."),
    ),
    NavItem(
        "schooladmin:links",
        _("Links en apparaten"),
        "coordinator",
        _("De inloglinks van de school met QR-codes, snelkoppelingen voor Windows, Mac, iPad en Chromebook."),
    ),
    NavItem(
        "substitutes:school",
        _("Invallers"),
        "coordinator",
        _("Per groep een invaller voor 1, 2 of 5 schooldagen, en wie er eerder invielen."),
    ),
    NavItem(
        "schooladmin:network",
        _("Schoolnetwerk"),
        "coordinator",
        _("Het netwerk van de school, en of leerlingen alleen daar met de schoollink inloggen."),
    ),
    NavItem(
        "twofactor:manage",
        _("Instellingen"),
        "coordinator",
        _("Tweestapsverificatie voor de coördinatoren van de school."),
    ),
]


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    description: str
    current: bool


@dataclass
class Navigation:
    header: Header | None
    path: str
    _urls: dict[str, str] = field(default_factory=dict)

    def _links(self, items: list[NavItem]) -> list[Link]:
        if self.header is None:
            return []
        links = []
        for item in items:
            if not PERMISSIONS[item.permission](self.header):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:  # an app that is not installed in this deployment
                continue
            links.append(Link(url, str(item.label), str(item.description), self.path.startswith(url)))
        return links

    @cached_property
    def main(self) -> list[Link]:
        links = self._links(MAIN)
        if any(link.current for link in self.schoolbeheer):
            home = reverse("schooladmin:home")
            links = [Link(lk.url, lk.label, lk.description, lk.url == home) for lk in links]
        return links

    @cached_property
    def schoolbeheer(self) -> list[Link]:
        return self._links(SCHOOLBEHEER)

    @property
    def is_coordinator(self) -> bool:
        return self.header is not None and _is_coordinator(self.header)

    @property
    def in_schoolbeheer(self) -> bool:
        return self.path.startswith(reverse("schooladmin:home")) or any(
            link.current for link in self.schoolbeheer
        )


def navigation(request: HttpRequest) -> dict[str, object]:
    """Context processor: `nav`, evaluated only by templates that show the staff header."""
    return {"nav": SimpleLazyObject(lambda: Navigation(header_of(request), request.path))}
