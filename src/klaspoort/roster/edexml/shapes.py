"""Which child elements each EDEXML object may have, in which order (after the official 2.1 schema).

Unknown or repeated children are errors. Children in a different order than the schema's are read
anyway, with one warning per kind of object: real exports do this (a pupil with `mutatiedatum`
before `toevoegingen`) and the order of fields within an object carries no meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from klaspoort.core.i18n.texts import Text, deferred
from klaspoort.roster.edexml.report import Report
from klaspoort.roster.edexml.safe_xml import Element

NAME_TAGS: tuple[tuple[str, ...], ...] = (
    ("achternaam",),
    ("voorvoegsel",),
    ("voornamen",),
    ("voorletters-1",),
    ("roepnaam",),
)


@dataclass(frozen=True)
class Shape:
    label: str  # Dutch noun for messages, e.g. "leerling"
    order: tuple[tuple[str, ...], ...]  # children by rank; tags in one tuple share a rank
    repeatable: frozenset[str] = frozenset()
    containers: frozenset[str] = frozenset()  # children with element content (read by their owner)
    ranks: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ranks = {tag: index for index, tags in enumerate(self.order) for tag in tags}
        object.__setattr__(self, "ranks", ranks)


SCHOOL = Shape(
    "school",
    (
        ("schooljaar",),
        ("peildatum",),
        ("brincode", "instellingsnummer"),
        ("dependancecode",),
        ("schoolkey",),
        ("aanmaakdatum",),
        ("auteur",),
        ("xsdversie",),
        ("commentaar",),
        ("toevoegingen",),
    ),
    containers=frozenset({"toevoegingen"}),
)
VESTIGING = Shape("vestiging", (("naam",), ("omschrijving",), ("mutatiedatum",)))
GROUP = Shape(
    "groep",
    (("naam",), ("jaargroep",), ("omschrijving",), ("toevoegingen",), ("mutatiedatum",)),
    containers=frozenset({"toevoegingen"}),
)
COMPOSITE_GROUP = Shape(
    "samengestelde groep",
    (("naam",), ("omschrijving",), ("toevoegingen",), ("mutatiedatum",)),
    containers=frozenset({"toevoegingen"}),
)
PUPIL = Shape(
    "leerling",
    (
        *NAME_TAGS,
        ("geboortedatum",),
        ("geslacht",),
        ("start_ondw_jgr3",),
        # EDEXML 1.0.3 has either groep or jaargroep here; both orders are therefore accepted.
        ("jaargroep", "groep"),
        ("samengestelde_groepen",),
        ("vestiging",),
        ("gebruikersnaam",),
        ("emailadres",),
        ("fotourl",),
        ("etniciteit",),
        ("land",),
        ("land_vader",),
        ("land_moeder",),
        ("sofinummer", "bsn", "onderwijsnummer", "bsn_ondwnr-4", "rijksregisternummer"),
        ("gewicht_nieuw",),
        ("gewicht",),
        ("postcodenl", "postnummerbe", "postcodeoverig"),
        ("instroomdatum",),
        ("uitstroomdatum",),
        ("toevoegingen",),
        ("mutatiedatum",),
    ),
    containers=frozenset({"samengestelde_groepen", "toevoegingen"}),
)
STAFF = Shape(
    "leerkracht",
    (
        *NAME_TAGS,
        ("gebruikersnaam",),
        ("emailadres",),
        ("rol", "rolomschrijving"),
        ("groepen",),
        ("toevoegingen",),
        ("mutatiedatum",),
    ),
    repeatable=frozenset({"rol", "rolomschrijving"}),
    containers=frozenset({"groepen", "toevoegingen"}),
)
STAFF_GROUP_LINK = Shape(
    "groepskoppeling",
    (("rol", "rolomschrijving"),),
    repeatable=frozenset({"rol", "rolomschrijving"}),
)


def local_name(element: Element) -> str:
    tag = element.tag
    assert isinstance(tag, str)
    return tag.rsplit("}", 1)[-1]


def text(element: Element | None) -> str:
    """The text of a simple element, stripped; "" when absent."""
    if element is None:
        return ""
    return (element.text or "").strip()


def children(element: Element, shape: Shape, owner: Text, report: Report) -> dict[str, list[Element]]:
    """Children by tag, after checking them against `shape`: unknown and repeated ones are errors."""
    found: dict[str, list[Element]] = {}
    highest = -1
    highest_tag = ""
    ranks, repeatable, containers = shape.ranks, shape.repeatable, shape.containers  # read once per call
    for child in element:
        tag = child.tag
        rank = ranks.get(tag) if isinstance(tag, str) else None
        if rank is None:
            report.error(
                child.sourceline,
                deferred(
                    "Onbekend element '%(element)s' in %(owner)s; dat hoort niet in EDEXML.",
                    element=local_name(child),
                    owner=owner,
                ),
            )
            continue
        assert isinstance(tag, str)
        listed = found.get(tag)
        if listed is not None and tag not in repeatable:
            report.error(
                child.sourceline,
                deferred(
                    "Element '%(element)s' komt meer dan één keer voor in %(owner)s.",
                    element=tag,
                    owner=owner,
                ),
            )
            continue
        if len(child) and tag not in containers:
            report.error(
                child.sourceline,
                deferred(
                    "Element '%(element)s' in %(owner)s mag geen andere elementen bevatten.",
                    element=tag,
                    owner=owner,
                ),
            )
            continue
        if rank < highest:
            report.warn_once(
                f"order:{shape.label}",
                child.sourceline,
                deferred(
                    "In %(owner)s staat '%(element)s' na '%(before)s'; de standaard schrijft een andere "
                    "volgorde "
                    "voor. Het bestand is toch gelezen; deze melding komt één keer per soort gegevens.",
                    owner=owner,
                    element=tag,
                    before=highest_tag,
                ),
            )
        elif rank > highest:
            highest, highest_tag = rank, tag
        if listed is None:
            found[tag] = [child]
        else:
            listed.append(child)
    return found


def first(found: dict[str, list[Element]], tag: str) -> Element | None:
    elements = found.get(tag)
    return elements[0] if elements else None
