"""Read one EDEXML object (school, vestiging, group, pupil, staff member) from its element.

Only what the platform needs is taken; everything else (BSN, birth date, ethnicity, countries,
weights, postcodes, usernames, photos) is accepted as a known element and never read.
References to other objects are returned with their line numbers; the reader checks them once the
whole file is known.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from klaspoort.core.codes import SCHOOL_YEAR_RE
from klaspoort.core.i18n.texts import Text, deferred
from klaspoort.roster.edexml import codes
from klaspoort.roster.edexml.document import EdexGroup, EdexPupil, EdexSchool, EdexStaff, EdexStaffGroup
from klaspoort.roster.edexml.report import Report
from klaspoort.roster.edexml.safe_xml import Element
from klaspoort.roster.edexml.shapes import (
    COMPOSITE_GROUP,
    GROUP,
    PUPIL,
    SCHOOL,
    STAFF,
    STAFF_GROUP_LINK,
    VESTIGING,
    children,
    first,
    local_name,
    text,
)

_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
# What a message calls an object of the file: with its key, without one, and the bare noun.
_OWNERS: dict[str, tuple[Text, Text, Text]] = {
    "vestiging": (deferred("vestiging '%(key)s'"), deferred("vestiging zonder key"), deferred("vestiging")),
    "groep": (deferred("groep '%(key)s'"), deferred("groep zonder key"), deferred("groep")),
    "samengestelde groep": (
        deferred("samengestelde groep '%(key)s'"),
        deferred("samengestelde groep zonder key"),
        deferred("samengestelde groep"),
    ),
    "leerling": (deferred("leerling '%(key)s'"), deferred("leerling zonder key"), deferred("leerling")),
    "leerkracht": (
        deferred("leerkracht '%(key)s'"),
        deferred("leerkracht zonder key"),
        deferred("leerkracht"),
    ),
}
SCHOOL_OWNER = deferred("school")


def _year_group_problem(owner: Text, year_group: str) -> Text:
    return deferred(
        "%(owner)s heeft een onbekende jaargroep '%(year_group)s'. Geldig zijn B, D, 0 t/m 8, 11 t/m 16, "
        "S, V, C, N en H.",
        owner=owner,
        year_group=year_group,
    )


@dataclass(frozen=True)
class Ref:
    """A reference to another object by key, with the line where it is made."""

    key: str
    line: int


@dataclass
class RawSchool:
    school: EdexSchool
    declared_version: str
    created: dt.date | None
    line: int


@dataclass
class RawPupil:
    pupil: EdexPupil
    group: Ref | None = None
    composites: list[Ref] = field(default_factory=list)
    vestiging: Ref | None = None
    leave_date: dt.date | None = None


@dataclass
class RawStaff:
    staff: EdexStaff
    links: list[tuple[str, Ref]] = field(default_factory=list)  # ("groep"|"samengestelde_groep", ref)


def owner_of(label: str, key: str) -> Text:
    """How messages name an object: "leerling 'L1'", "leerling zonder key"."""
    with_key, without_key, _noun = _OWNERS[label]
    return Text(with_key.msgid, (("key", key),)) if key else without_key


def noun(label: str) -> Text:
    return _OWNERS[label][2]


def read_key(element: Element, label: str, report: Report) -> str:
    """The trimmed `key` attribute; "" (after an error) when it is missing, empty or too long."""
    raw = element.get("key")
    if raw is None:
        report.error(
            element.sourceline,
            deferred("Een %(noun)s heeft geen 'key'-attribuut; dat is verplicht.", noun=noun(label)),
        )
        return ""
    key = raw.strip()
    if not key:
        report.error(element.sourceline, deferred("Een %(noun)s heeft een lege key.", noun=noun(label)))
        return ""
    if len(key) <= codes.KEY_MAX:  # the usual case, without building a message maker
        return key
    too_long(
        element, key, lambda: deferred("de key van een %(noun)s", noun=noun(label)), codes.KEY_MAX, report
    )
    return ""


def read_reference(element: Element, owner: Text, report: Report) -> Ref | None:
    key = (element.get("key") or "").strip()
    if not key:
        report.error(
            element.sourceline,
            deferred(
                "%(owner)s verwijst naar een %(element)s zonder key.",
                owner=owner,
                element=local_name(element),
            ),
        )
        return None
    return Ref(key, element.sourceline or 0)


def read_eck_id(element: Element, owner: Text, report: Report) -> str:
    value = (element.get("eckid") or "").strip()
    if len(value) <= codes.KEY_MAX:  # the usual case, without building a message maker
        return value
    too_long(element, value, lambda: deferred("het ECK iD van %(owner)s", owner=owner), codes.KEY_MAX, report)
    return ""


def too_long(
    element: Element | None, value: str, subject: Callable[[], Text], limit: int, report: Report
) -> bool:
    """Report `subject()` (e.g. "de achternaam van leerling 'L1'") when `value` is over `limit`; the
    message is made only then (most values fit: reading a file makes no texts it does not show)."""
    if len(value) <= limit:
        return False
    report.error(
        element.sourceline if element is not None else 0,
        deferred(
            "%(subject)s is %(length)d tekens lang; het maximum is %(limit)d.",
            subject=subject(),
            length=len(value),
            limit=limit,
        ),
    )
    return True


def _name_subject(what: str, owner: Text) -> Text:
    if what == "achternaam":
        return deferred("de achternaam van %(owner)s", owner=owner)
    return deferred("het voorvoegsel van %(owner)s", owner=owner)


def _spaced_name(element: Element | None, what: str, owner: Text, limit: int, report: Report) -> str:
    """Surname or infix. Leading, trailing and double spaces are against the rules; LAS exports have
    them now and then, so they are put right with a warning instead of refusing the whole school."""
    if element is None:
        return ""
    raw = element.text or ""
    value = " ".join(raw.split())
    if value != raw:
        report.warn(
            element.sourceline,
            deferred(
                "Overbodige spaties in %(subject)s zijn weggehaald.", subject=_name_subject(what, owner)
            ),
        )
    if len(value) > limit:  # the message maker only for a value over the limit
        too_long(element, value, partial(_name_subject, what, owner), limit, report)
    return value


def read_names(
    found: dict[str, list[Element]], element: Element, owner: Text, report: Report
) -> tuple[str, str, str]:
    """(first name, infix, surname). The first name is `roepnaam`, else the first of `voornamen`."""
    surname_el = first(found, "achternaam")
    surname = _spaced_name(surname_el, "achternaam", owner, codes.SURNAME_MAX, report)
    infix_el = first(found, "voorvoegsel")
    infix = _spaced_name(infix_el, "voorvoegsel", owner, codes.INFIX_MAX, report)
    call_el = first(found, "roepnaam")
    call_name = " ".join(text(call_el).split())
    if len(call_name) > codes.CALL_NAME_MAX:
        too_long(
            call_el,
            call_name,
            lambda: deferred("de roepnaam van %(owner)s", owner=owner),
            codes.CALL_NAME_MAX,
            report,
        )
    names_el = first(found, "voornamen")
    given = text(names_el)
    if len(given) > codes.FIRST_NAMES_MAX:
        too_long(
            names_el,
            given,
            lambda: deferred("de voornamen van %(owner)s", owner=owner),
            codes.FIRST_NAMES_MAX,
            report,
        )
    first_name = call_name or (given.split()[0] if given else "")
    if not surname and not call_name:
        report.error(
            element.sourceline,
            deferred("%(owner)s heeft geen naam: 'achternaam' of 'roepnaam' ontbreekt.", owner=owner),
        )
    if infix and not surname:
        report.warn(
            infix_el.sourceline if infix_el is not None else 0,
            deferred("Voorvoegsel zonder achternaam bij %(owner)s is genegeerd.", owner=owner),
        )
        infix = ""
    return first_name, infix, surname


def read_date(element: Element | None, owner: Text, report: Report) -> dt.date | None:
    if element is None:
        return None
    value = text(element)
    match = _DATE_RE.match(value)
    try:
        if match:
            return dt.date.fromisoformat(match.group(1))
    except ValueError:
        pass
    report.error(
        element.sourceline,
        deferred(
            "'%(element)s' van %(owner)s is geen geldige datum: '%(value)s' (verwacht JJJJ-MM-DD).",
            element=local_name(element),
            owner=owner,
            value=value,
        ),
    )
    return None


def skip_extensions(element: Element | None, report: Report) -> None:
    """`toevoegingen`: blocks of the standard's own types are ignored; unknown ones are counted for one
    summary warning per type. Their content is never read."""
    if element is None:
        return
    for block in element:
        if not isinstance(block.tag, str):
            continue
        if block.tag != "blok":
            report.tally("extension", f"element:{local_name(block)}", block.sourceline)
            continue
        kind = (block.get(codes.XSI_TYPE) or "").strip().rsplit(":", 1)[-1]
        if kind not in codes.KNOWN_EXTENSION_TYPES:
            report.tally("extension", f"type:{kind}", block.sourceline)


def read_school(element: Element, report: Report) -> RawSchool:
    found = children(element, SCHOOL, SCHOOL_OWNER, report)
    year_el = first(found, "schooljaar")
    school_year = text(year_el)
    if year_el is None or not school_year:
        report.error(
            element.sourceline, deferred("Het schooljaar ontbreekt in 'school' (bijvoorbeeld 2026-2027).")
        )
    else:
        match = SCHOOL_YEAR_RE.match(school_year)
        if not match or int(match.group(2)) != int(match.group(1)) + 1:
            report.error(
                year_el.sourceline,
                deferred(
                    "Schooljaar '%(year)s' is ongeldig: verwacht twee opeenvolgende jaren, bijvoorbeeld "
                    "2026-2027.",
                    year=school_year,
                ),
            )
            school_year = ""
    brin_el, location_el = first(found, "brincode"), first(found, "dependancecode")
    number_el = first(found, "instellingsnummer")
    brin, location, number = text(brin_el).upper(), text(location_el), text(number_el)
    if brin_el is not None and not codes.BRIN_RE.match(brin):
        report.error(
            brin_el.sourceline,
            deferred(
                "Brincode '%(brin)s' is ongeldig: verwacht 2 cijfers en 2 letters, bijvoorbeeld 12AB.",
                brin=brin,
            ),
        )
    if location_el is not None and not codes.LOCATION_CODE_RE.match(location):
        report.error(
            location_el.sourceline,
            deferred(
                "Dependancecode '%(code)s' is ongeldig: verwacht 2 cijfers, bijvoorbeeld 00.", code=location
            ),
        )
    if location_el is not None and brin_el is None:
        report.error(
            location_el.sourceline, deferred("Er staat een dependancecode zonder brincode in 'school'.")
        )
    if number_el is not None and not codes.INSTELLINGSNUMMER_RE.match(number):
        report.error(
            number_el.sourceline,
            deferred("Instellingsnummer '%(number)s' is ongeldig: verwacht 2 tot 6 cijfers.", number=number),
        )
    if number_el is not None and brin_el is not None:
        report.error(
            number_el.sourceline,
            deferred("'school' heeft zowel een brincode als een instellingsnummer; kies één van beide."),
        )
    created_el = first(found, "aanmaakdatum")
    skip_extensions(first(found, "toevoegingen"), report)
    school = EdexSchool(
        school_year=school_year,
        brin=brin,
        location_code=location,
        instellingsnummer=number,
        schoolkey=text(first(found, "schoolkey")),
        peildatum=read_date(first(found, "peildatum"), SCHOOL_OWNER, report),
        author=text(first(found, "auteur")),
    )
    return RawSchool(
        school=school,
        declared_version=text(first(found, "xsdversie")),
        created=read_date(created_el, SCHOOL_OWNER, report),
        line=element.sourceline or 0,
    )


def read_vestiging(element: Element, report: Report) -> str:
    key = read_key(element, "vestiging", report)
    owner = owner_of("vestiging", key)
    found = children(element, VESTIGING, owner, report)
    if not text(first(found, "naam")):
        report.error(element.sourceline, deferred("%(owner)s heeft geen naam.", owner=owner))
    return key


def read_group(element: Element, report: Report) -> EdexGroup:
    home = element.tag == "groep"
    label = "groep" if home else "samengestelde groep"
    key = read_key(element, label, report)
    owner = owner_of(label, key)
    found = children(element, GROUP if home else COMPOSITE_GROUP, owner, report)
    name_el = first(found, "naam")
    name = " ".join(text(name_el).split())
    if not name:
        report.error(element.sourceline, deferred("%(owner)s heeft geen naam.", owner=owner))
    too_long(
        name_el, name, lambda: deferred("de naam van %(owner)s", owner=owner), codes.GROUP_NAME_MAX, report
    )
    description_el = first(found, "omschrijving")
    description = text(description_el)
    too_long(
        description_el,
        description,
        lambda: deferred("de omschrijving van %(owner)s", owner=owner),
        codes.DESCRIPTION_MAX,
        report,
    )
    year_group = ""
    if home:
        year_el = first(found, "jaargroep")
        year_group = text(year_el).upper()
        if year_el is None or not year_group:
            report.error(
                element.sourceline, deferred("%(owner)s heeft geen jaargroep; die is verplicht.", owner=owner)
            )
        elif year_group not in codes.YEAR_GROUPS:
            report.error(year_el.sourceline, _year_group_problem(owner, year_group))
    skip_extensions(first(found, "toevoegingen"), report)
    return EdexGroup(
        key=key,
        name=name,
        kind="home" if home else "composite",
        year_group=year_group,
        description=description,
        line=element.sourceline or 0,
    )


def read_pupil(element: Element, report: Report) -> RawPupil:
    key = read_key(element, "leerling", report)
    owner = owner_of("leerling", key)
    found = children(element, PUPIL, owner, report)
    first_name, infix, surname = read_names(found, element, owner, report)
    year_el = first(found, "jaargroep")
    year_group = text(year_el).upper()
    if year_el is not None and year_group not in codes.YEAR_GROUPS:
        report.error(year_el.sourceline, _year_group_problem(owner, year_group))
    group_el, vestiging_el = first(found, "groep"), first(found, "vestiging")
    composites: list[Ref] = []
    composites_el = first(found, "samengestelde_groepen")
    if composites_el is not None:
        for child in composites_el:
            if child.tag != "samengestelde_groep":
                report.error(
                    child.sourceline,
                    deferred(
                        "Onbekend element '%(element)s' in de samengestelde groepen van %(owner)s.",
                        element=local_name(child),
                        owner=owner,
                    ),
                )
                continue
            ref = read_reference(child, owner, report)
            if ref is not None:
                composites.append(ref)
    skip_extensions(first(found, "toevoegingen"), report)
    pupil = EdexPupil(
        key=key,
        first_name=first_name,
        surname=surname,
        infix=infix,
        eck_id=read_eck_id(element, owner, report),
        year_group=year_group,  # "" when absent: the reader then takes the home group's year
        line=element.sourceline or 0,
    )
    return RawPupil(
        pupil=pupil,
        group=read_reference(group_el, owner, report) if group_el is not None else None,
        composites=composites,
        vestiging=read_reference(vestiging_el, owner, report) if vestiging_el is not None else None,
        leave_date=read_date(first(found, "uitstroomdatum"), owner, report),
    )


def _roles(elements: list[Element], owner: Text, report: Report) -> tuple[str, ...]:
    """Role codes in file order without repeats. Unknown codes are dropped with a warning: roles are
    for selection only, an unknown one should not stop a school's import."""
    roles: list[str] = []
    for element in elements:
        code = text(element).upper()
        if code not in codes.STAFF_ROLES:
            report.warn(
                element.sourceline,
                deferred(
                    "%(owner)s heeft een onbekende rol '%(role)s'; die is genegeerd.",
                    owner=owner,
                    role=text(element),
                ),
            )
        elif code not in roles:
            roles.append(code)
    return tuple(roles)


def read_staff(element: Element, report: Report) -> RawStaff:
    key = read_key(element, "leerkracht", report)
    owner = owner_of("leerkracht", key)
    found = children(element, STAFF, owner, report)
    first_name, infix, surname = read_names(found, element, owner, report)
    links: list[tuple[str, Ref]] = []
    groups: dict[str, list[str]] = {}
    groups_el = first(found, "groepen")
    for child in groups_el if groups_el is not None else ():
        if child.tag not in {"groep", "samengestelde_groep"}:
            report.error(
                child.sourceline,
                deferred(
                    "Onbekend element '%(element)s' in de groepen van %(owner)s.",
                    element=local_name(child),
                    owner=owner,
                ),
            )
            continue
        ref = read_reference(child, owner, report)
        link = children(child, STAFF_GROUP_LINK, owner, report)
        if ref is None:
            continue
        links.append((str(child.tag), ref))
        roles = groups.setdefault(ref.key, [])
        roles.extend(role for role in _roles(link.get("rol", []), owner, report) if role not in roles)
    skip_extensions(first(found, "toevoegingen"), report)
    staff = EdexStaff(
        key=key,
        first_name=first_name,
        surname=surname,
        infix=infix,
        eck_id=read_eck_id(element, owner, report),
        email=text(first(found, "emailadres")),
        roles=_roles(found.get("rol", []), owner, report),
        groups=tuple(EdexStaffGroup(group_key, tuple(roles)) for group_key, roles in groups.items()),
        line=element.sourceline or 0,
    )
    return RawStaff(staff=staff, links=links)
