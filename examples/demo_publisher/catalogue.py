"""The two demo publishers: who they are and which products they license."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoProduct:
    id: str
    name: str
    audience: str  # teacher | pupil | both
    allowed_at_home: bool
    path: str  # launch path (an ACS path for SAML products)
    colour: str
    method: str = ""  # "" = the publisher's own sign-in method; "link" = plain link


@dataclass(frozen=True)
class DemoPublisher:
    mode: str  # oidc | saml
    slug: str
    name: str
    app_name: str
    products: tuple[DemoProduct, ...]


REKENRIJK = DemoPublisher(
    mode="oidc",
    slug="rekenrijk",
    name="Uitgeverij Rekenrijk (demo)",
    app_name="Rekenrijk",
    products=(
        DemoProduct("oefenen", "Rekenrijk oefenen", "pupil", True, "/app/oefenen", "#2e7d32"),
        DemoProduct("toets", "Rekenrijk toets", "pupil", False, "/app/toets", "#c62828"),
        DemoProduct(
            "leerkracht", "Rekenrijk voor de leerkracht", "teacher", True, "/app/leerkracht", "#1565c0"
        ),
    ),
)

TAALZEE = DemoPublisher(
    mode="saml",
    slug="taalzee",
    name="Uitgeverij Taalzee (demo)",
    app_name="Taalzee",
    products=(
        DemoProduct("lezen", "Taalzee lezen", "pupil", True, "/acs/lezen", "#6a1b9a"),
        DemoProduct(
            "spelling-toets", "Taalzee spellingtoets", "pupil", False, "/acs/spelling-toets", "#ad1457"
        ),
        DemoProduct(
            "leerkracht", "Taalzee voor de leerkracht", "teacher", False, "/acs/leerkracht", "#00838f"
        ),
        DemoProduct("woordenboek", "Taalzee woordenboek", "both", True, "/woordenboek", "#ef6c00", "link"),
    ),
)

PUBLISHERS = {"oidc": REKENRIJK, "saml": TAALZEE}

# Personal fields a publisher could want but should not get by default (data minimisation, D7).
WITHHELD_FIELDS = (
    ("given_name", "voornaam"),
    ("family_name", "achternaam"),
    ("eck_id", "ECK iD"),
    ("email", "e-mailadres"),
    ("birthdate", "geboortedatum"),
    ("address", "adres"),
    ("bsn", "BSN / onderwijsnummer"),
)
