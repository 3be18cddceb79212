"""Rules over the whole file, once every object has been read: unique keys, references, the pupil's
year group, who has left, the version, and the summary warnings. Produces the EdexDocument."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from klaspoort.roster.edexml import codes
from klaspoort.roster.edexml.document import EdexDocument, EdexGroup, EdexPupil, EdexStaff
from klaspoort.roster.edexml.records import RawPupil, RawSchool, RawStaff, Ref, sentence
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
                line, f"De key '{key}' van {what} komt al voor op regel {seen[key]}; keys moeten uniek zijn."
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
                f"{sentence(what)} '{key}' heeft hetzelfde ECK iD als '{seen[eck_id]}'; dat moet uniek zijn.",
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
        report.warn(line, f"Onbekende xsdversie '{declared}'; het bestand is gelezen als EDEXML 2.1.")
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
    kinds: list[tuple[str, str, list[tuple[str, int]]]] = [
        ("groep", "groepen", [(group.key, group.line) for group in parts.groups]),
        ("leerling", "leerlingen", [(raw.pupil.key, raw.pupil.line) for raw in parts.pupils]),
        ("leerkracht", "leerkrachten", [(raw.staff.key, raw.staff.line) for raw in parts.staff]),
    ]
    for singular, plural, keyed in kinds:
        unstable = [(key, line) for key, line in keyed if key.startswith("#")]
        if unstable:
            key, line = unstable[0]
            count = f"{len(unstable)} {plural} hebben" if len(unstable) > 1 else f"1 {singular} heeft"
            report.warn(
                line,
                f"{count} een key die met '#' begint (de eerste: '{key}'). Zulke keys zijn niet stabiel; "
                "deze records worden op andere gegevens herkend.",
            )
        if version in {"1.0.3", "2.0"}:
            long = [(key, line) for key, line in keyed if len(key) > codes.OLD_KEY_MAX]
            if long:
                report.warn(
                    long[0][1],
                    f"{len(long)} {plural if len(long) > 1 else singular} met een key langer dan "
                    f"{codes.OLD_KEY_MAX} tekens; dat mag pas vanaf EDEXML 2.1 "
                    f"(het bestand noemt {version}).",
                )


def _extension_warnings(report: Report) -> None:
    for value, line, count in report.tallies("extension"):
        if count == 1:
            report.warn(line, f"1 uitbreidingsblok ({value}) is overgeslagen: dat type kennen we niet.")
        else:
            report.warn(
                line, f"{count} uitbreidingsblokken ({value}) zijn overgeslagen: dat type kennen we niet."
            )


def _group_ref(
    ref: Ref, expected: str, owner: str, groups: dict[str, EdexGroup], report: Report
) -> EdexGroup | None:
    group = groups.get(ref.key)
    noun = "groep" if expected == "home" else "samengestelde groep"
    if group is None:
        report.error(
            ref.line,
            f"{sentence(owner)} verwijst naar {noun} '{ref.key}', maar die staat niet in het bestand.",
        )
        return None
    if group.kind != expected:
        actual = "een samengestelde groep" if group.kind == "composite" else "een stamgroep (groep)"
        report.error(ref.line, f"{sentence(owner)} verwijst naar {noun} '{ref.key}', maar dat is {actual}.")
        return None
    return group


def _year_group(raw: RawPupil, group: EdexGroup | None, owner: str, report: Report) -> str:
    if raw.pupil.year_group:
        return raw.pupil.year_group
    if group is not None and group.year_group and group.year_group != codes.COMBINATION_YEAR:
        return group.year_group
    if group is not None and group.year_group == codes.COMBINATION_YEAR:
        message = (
            f"{sentence(owner)} heeft geen jaargroep en zit in combinatiegroep '{group.key}' (jaargroep C); "
            "geef de jaargroep van de leerling op."
        )
    elif raw.group is None:
        message = f"{sentence(owner)} heeft geen jaargroep en geen stamgroep; geef de jaargroep op."
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
        owner = f"leerling '{raw.pupil.key}'" if raw.pupil.key else "leerling zonder key"
        group = _group_ref(raw.group, "home", owner, groups, report) if raw.group else None
        composites: list[str] = []
        for ref in raw.composites:
            if _group_ref(ref, "composite", owner, groups, report) and ref.key not in composites:
                composites.append(ref.key)
        if raw.vestiging and raw.vestiging.key not in vestigingen:
            report.error(
                raw.vestiging.line,
                f"{sentence(owner)} verwijst naar vestiging '{raw.vestiging.key}', "
                "maar die staat niet in het bestand.",
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
        owner = f"leerkracht '{raw.staff.key}'" if raw.staff.key else "leerkracht zonder key"
        for tag, ref in raw.links:
            _group_ref(ref, "home" if tag == "groep" else "composite", owner, groups, report)
    return [raw.staff for raw in parts.staff]


def assemble(parts: Parts, report: Report) -> EdexDocument | None:
    """Apply the whole-file rules; the document, or None when there are errors (all in `report`)."""
    if parts.school is None:
        report.error(parts.root_line, "Het bestand bevat geen 'school' (met schooljaar en brincode).")
    if not parts.pupils:
        report.error(
            parts.blocks.get("leerlingen", parts.root_line),
            "Het bestand bevat geen leerlingen; een EDEXML-bestand moet minstens één leerling hebben.",
        )
    vestigingen = _unique(parts.vestigingen, "een vestiging", report)
    group_lines = _unique([(group.key, group.line) for group in parts.groups], "een groep", report)
    groups = {
        group.key: group for group in parts.groups if group.key and group_lines[group.key] == group.line
    }
    _unique([(raw.pupil.key, raw.pupil.line) for raw in parts.pupils], "een leerling", report)
    _unique([(raw.staff.key, raw.staff.line) for raw in parts.staff], "een leerkracht", report)
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
