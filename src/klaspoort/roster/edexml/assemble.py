"""Rules over the whole file, once every object has been read: unique keys, references, the pupil's
year group, who has left, the version, and the summary warnings. Produces the EdexDocument."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from klaspoort.core.i18n.texts import Text, deferred, deferred_plural
from klaspoort.roster.edexml import codes
from klaspoort.roster.edexml.document import EdexDocument, EdexGroup, EdexPupil, EdexStaff
from klaspoort.roster.edexml.records import RawPupil, RawSchool, RawStaff, Ref, noun, owner_of
from klaspoort.roster.edexml.report import Report


@dataclass
class Parts:
    """Everything the walker collected, in file order."""

    root_line: int = 1
    blocks: dict[str, int] = field(default_factory=dict)  # top-level element -> line
    school: RawSchool | None = None
    vestigingen: list[tuple[str, int]] = field(default_factory=list)
    groups: list[EdexGroup] = field(default_factory=list)
    pupils: list[RawPupil] = field(default_factory=list)
    staff: list[RawStaff] = field(default_factory=list)


def _unique(items: list[tuple[str, int]], what: str, report: Report) -> dict[str, int]:
    """key -> line of first use; later uses of a key are errors."""
    seen: dict[str, int] = {}
    for key, line in items:
        if not key:
            continue
        if key in seen:
            report.error(
                line,
                deferred(
                    "De key '%(key)s' van een %(noun)s komt al voor op regel %(first)d; keys moeten "
                    "uniek zijn.",
                    key=key,
                    noun=noun(what),
                    first=seen[key],
                ),
            )
        else:
            seen[key] = line
    return seen


def _unique_eck_ids(items: list[tuple[str, str, int]], what: str, report: Report) -> None:
    seen: dict[str, str] = {}
    for eck_id, key, line in items:
        if not eck_id:
            continue
        if eck_id in seen:
            report.error(
                line,
                deferred(
                    "%(owner)s heeft hetzelfde ECK iD als '%(other)s'; dat moet uniek zijn.",
                    owner=owner_of(what, key),
                    other=seen[eck_id],
                ),
            )
        else:
            seen[eck_id] = key


def _version(parts: Parts, report: Report) -> str:
    declared = parts.school.declared_version if parts.school else ""
    if declared:
        version = codes.normalise_version(declared)
        if version is not None:
            return version
        line = parts.school.line if parts.school else 0
        report.warn(
            line,
            deferred(
                "Onbekende xsdversie '%(version)s'; het bestand is gelezen als EDEXML 2.1.", version=declared
            ),
        )
        return codes.CURRENT_VERSION
    uses_21 = any(p.pupil.eck_id for p in parts.pupils) or any(
        s.staff.eck_id or "TAL" in s.staff.roles for s in parts.staff
    )
    uses_21 = uses_21 or any(len(key) > codes.OLD_KEY_MAX for key in _all_keys(parts))
    if uses_21:
        return "2.1"
    school = parts.school.school if parts.school else None
    uses_20 = bool(school and (school.peildatum or school.instellingsnummer)) or bool(parts.vestigingen)
    uses_20 = uses_20 or any(group.kind == "composite" for group in parts.groups)
    return "2.0" if uses_20 else "1.0.3"


def _all_keys(parts: Parts) -> list[str]:
    return (
        [key for key, _ in parts.vestigingen]
        + [group.key for group in parts.groups]
        + [raw.pupil.key for raw in parts.pupils]
        + [raw.staff.key for raw in parts.staff]
    )


def _key_warnings(parts: Parts, version: str, report: Report) -> None:
    kinds: list[tuple[Text, Text, list[tuple[str, int]]]] = [
        (
            deferred_plural(
                "%(count)d groep heeft een key die met '#' begint (de eerste: '%(key)s'). Zulke keys "
                "zijn niet "
                "stabiel; deze records worden op andere gegevens herkend.",
                "%(count)d groepen hebben een key die met '#' begint (de eerste: '%(key)s'). Zulke keys zijn "
                "niet stabiel; deze records worden op andere gegevens herkend.",
                0,
            ),
            deferred_plural(
                "%(count)d groep met een key langer dan %(limit)d tekens; dat mag pas vanaf EDEXML 2.1 "
                "(het bestand noemt %(version)s).",
                "%(count)d groepen met een key langer dan %(limit)d tekens; dat mag pas vanaf EDEXML 2.1 "
                "(het bestand noemt %(version)s).",
                0,
            ),
            [(group.key, group.line) for group in parts.groups],
        ),
        (
            deferred_plural(
                "%(count)d leerling heeft een key die met '#' begint (de eerste: '%(key)s'). Zulke keys "
                "zijn niet "
                "stabiel; deze records worden op andere gegevens herkend.",
                "%(count)d leerlingen hebben een key die met '#' begint (de eerste: '%(key)s'). Zulke "
                "keys zijn "
                "niet stabiel; deze records worden op andere gegevens herkend.",
                0,
            ),
            deferred_plural(
                "%(count)d leerling met een key langer dan %(limit)d tekens; dat mag pas vanaf EDEXML 2.1 "
                "(het bestand noemt %(version)s).",
                "%(count)d leerlingen met een key langer dan %(limit)d tekens; dat mag pas vanaf EDEXML 2.1 "
                "(het bestand noemt %(version)s).",
                0,
            ),
            [(raw.pupil.key, raw.pupil.line) for raw in parts.pupils],
        ),
        (
            deferred_plural(
                "%(count)d leerkracht heeft een key die met '#' begint (de eerste: '%(key)s'). Zulke "
                "keys zijn "
                "niet stabiel; deze records worden op andere gegevens herkend.",
                "%(count)d leerkrachten hebben een key die met '#' begint (de eerste: '%(key)s'). Zulke keys "
                "zijn niet stabiel; deze records worden op andere gegevens herkend.",
                0,
            ),
            deferred_plural(
                "%(count)d leerkracht met een key langer dan %(limit)d tekens; dat mag pas vanaf EDEXML 2.1 "
                "(het bestand noemt %(version)s).",
                "%(count)d leerkrachten met een key langer dan %(limit)d tekens; dat mag pas vanaf "
                "EDEXML 2.1 "
                "(het bestand noemt %(version)s).",
                0,
            ),
            [(raw.staff.key, raw.staff.line) for raw in parts.staff],
        ),
    ]
    for unstable_text, long_text, keyed in kinds:
        unstable = [(key, line) for key, line in keyed if key.startswith("#")]
        if unstable:
            key, line = unstable[0]
            report.warn(line, _counted(unstable_text, len(unstable), key=key))
        if version in {"1.0.3", "2.0"}:
            long = [(key, line) for key, line in keyed if len(key) > codes.OLD_KEY_MAX]
            if long:
                report.warn(
                    long[0][1], _counted(long_text, len(long), limit=codes.OLD_KEY_MAX, version=version)
                )


def _counted(template: Text, count: int, **params: str | int) -> Text:
    """`template` (a `deferred_plural`) for `count`, with `params`."""
    return Text(template.msgid, (("count", count), *params.items()), plural=template.plural)


def _extension_warnings(report: Report) -> None:
    for value, line, count in report.tallies("extension"):
        what, _, name = value.partition(":")
        if what == "element":
            message = deferred_plural(
                "%(count)d uitbreidingsblok (element '%(name)s') is overgeslagen: dat type kennen we niet.",
                "%(count)d uitbreidingsblokken (element '%(name)s') zijn overgeslagen: dat type kennen "
                "we niet.",
                count,
                name=name,
            )
        elif name:
            message = deferred_plural(
                "%(count)d uitbreidingsblok (type '%(name)s') is overgeslagen: dat type kennen we niet.",
                "%(count)d uitbreidingsblokken (type '%(name)s') zijn overgeslagen: dat type kennen we niet.",
                count,
                name=name,
            )
        else:
            message = deferred_plural(
                "%(count)d uitbreidingsblok (zonder type) is overgeslagen: dat type kennen we niet.",
                "%(count)d uitbreidingsblokken (zonder type) zijn overgeslagen: dat type kennen we niet.",
                count,
            )
        report.warn(line, message)


def _group_ref(
    ref: Ref, expected: str, owner: Text, groups: dict[str, EdexGroup], report: Report
) -> EdexGroup | None:
    group = groups.get(ref.key)
    target = owner_of("groep" if expected == "home" else "samengestelde groep", ref.key)
    if group is None:
        report.error(
            ref.line,
            deferred(
                "%(owner)s verwijst naar %(target)s, maar die staat niet in het bestand.",
                owner=owner,
                target=target,
            ),
        )
        return None
    if group.kind != expected:
        if group.kind == "composite":
            message = deferred(
                "%(owner)s verwijst naar %(target)s, maar dat is een samengestelde groep.",
                owner=owner,
                target=target,
            )
        else:
            message = deferred(
                "%(owner)s verwijst naar %(target)s, maar dat is een stamgroep (groep).",
                owner=owner,
                target=target,
            )
        report.error(ref.line, message)
        return None
    return group


def _year_group(raw: RawPupil, group: EdexGroup | None, owner: Text, report: Report) -> str:
    if raw.pupil.year_group:
        return raw.pupil.year_group
    if group is not None and group.year_group and group.year_group != codes.COMBINATION_YEAR:
        return group.year_group
    if group is not None and group.year_group == codes.COMBINATION_YEAR:
        message = deferred(
            "%(owner)s heeft geen jaargroep en zit in combinatiegroep '%(group)s' (jaargroep C); "
            "geef de jaargroep van de leerling op.",
            owner=owner,
            group=group.key,
        )
    elif raw.group is None:
        message = deferred(
            "%(owner)s heeft geen jaargroep en geen stamgroep; geef de jaargroep op.", owner=owner
        )
    else:
        return ""  # the broken group reference has its own error
    report.error(raw.pupil.line, message)
    return ""


def _pupils(
    parts: Parts, groups: dict[str, EdexGroup], vestigingen: dict[str, int], report: Report
) -> list[EdexPupil]:
    reference = codes.leave_reference(parts.school.school, parts.school.created) if parts.school else None
    pupils = []
    for raw in parts.pupils:
        owner = owner_of("leerling", raw.pupil.key)
        group = _group_ref(raw.group, "home", owner, groups, report) if raw.group else None
        composites: list[str] = []
        for ref in raw.composites:
            if _group_ref(ref, "composite", owner, groups, report) and ref.key not in composites:
                composites.append(ref.key)
        if raw.vestiging and raw.vestiging.key not in vestigingen:
            report.error(
                raw.vestiging.line,
                deferred(
                    "%(owner)s verwijst naar %(target)s, maar die staat niet in het bestand.",
                    owner=owner,
                    target=owner_of("vestiging", raw.vestiging.key),
                ),
            )
        left = bool(raw.leave_date and reference and raw.leave_date < reference)
        pupils.append(
            replace(
                raw.pupil,
                year_group=_year_group(raw, group, owner, report),
                group_key=raw.group.key if raw.group else None,
                composite_keys=tuple(composites),
                left=left,
            )
        )
    return pupils


def _staff(parts: Parts, groups: dict[str, EdexGroup], report: Report) -> list[EdexStaff]:
    for raw in parts.staff:
        owner = owner_of("leerkracht", raw.staff.key)
        for tag, ref in raw.links:
            _group_ref(ref, "home" if tag == "groep" else "composite", owner, groups, report)
    return [raw.staff for raw in parts.staff]


def assemble(parts: Parts, report: Report) -> EdexDocument | None:
    """Apply the whole-file rules; the document, or None when there are errors (all in `report`)."""
    if parts.school is None:
        report.error(
            parts.root_line, deferred("Het bestand bevat geen 'school' (met schooljaar en brincode).")
        )
    if not parts.pupils:
        report.error(
            parts.blocks.get("leerlingen", parts.root_line),
            deferred(
                "Het bestand bevat geen leerlingen; een EDEXML-bestand moet minstens één leerling hebben."
            ),
        )
    vestigingen = _unique(parts.vestigingen, "vestiging", report)
    group_lines = _unique([(group.key, group.line) for group in parts.groups], "groep", report)
    groups = {
        group.key: group for group in parts.groups if group.key and group_lines[group.key] == group.line
    }
    _unique([(raw.pupil.key, raw.pupil.line) for raw in parts.pupils], "leerling", report)
    _unique([(raw.staff.key, raw.staff.line) for raw in parts.staff], "leerkracht", report)
    _unique_eck_ids([(r.pupil.eck_id, r.pupil.key, r.pupil.line) for r in parts.pupils], "leerling", report)
    _unique_eck_ids([(r.staff.eck_id, r.staff.key, r.staff.line) for r in parts.staff], "leerkracht", report)
    pupils = _pupils(parts, groups, vestigingen, report)
    staff = _staff(parts, groups, report)
    version = _version(parts, report)
    _key_warnings(parts, version, report)
    _extension_warnings(report)
    if report.errors or parts.school is None:
        return None
    return EdexDocument(
        version=version,
        school=parts.school.school,
        groups=tuple(parts.groups),
        pupils=tuple(pupils),
        staff=tuple(staff),
        warnings=tuple(report.sorted_warnings()),
    )
