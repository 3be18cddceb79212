"""An import report (`ImportRun.report`) as the pages show it: sections with translated titles and
field names, changes with their old and new values; errors, warnings, skipped staff and the guard's
reasons in the reader's language (`roster.importing.report.rendered`; reports stored before texts
were kept with their message id show as they were written)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from klaspoort.roster.importing.changes import shown_skip
from klaspoort.roster.importing.report import rendered

KINDS = (("groups", _("Groepen")), ("pupils", _("Leerlingen")), ("staff", _("Medewerkers")))
FIELD_LABELS = {
    "las_key": _("key"),
    "kind": _("soort"),
    "name": _("naam"),
    "year_group": _("jaargroep"),
    "description": _("omschrijving"),
    "first_name": _("roepnaam"),
    "infix": _("voorvoegsel"),
    "surname": _("achternaam"),
    "eck_id": _("ECK iD"),
    "email": _("e-mailadres"),
    "las_roles": _("rollen"),
    "groups": _("groepen"),
    "group_roles": _("rollen per groep"),
}
STATUS_LABELS = {
    "applied": _("Doorgevoerd"),
    "staged": _("Klaargezet voor het nieuwe schooljaar"),
    "dry-run": _("Voorbeeld"),
    "rejected": _("Geweigerd"),
    "held": _("Tegengehouden"),
    "failed": _("Mislukt"),
}
SOURCE_LABELS = {
    "upload": _("EDEXML-upload"),
    "csv": _("CSV-upload"),
    "cli": _("opdrachtregel"),
    "automatic": _("automatische koppeling"),
    "school-year": _("begin schooljaar"),
}


@dataclass
class Change:
    key: str
    name: str
    fields: list[str] = field(default_factory=list)
    values: list[tuple[str, str, str]] = field(default_factory=list)
    moved: bool = False


@dataclass
class Section:
    kind: str
    title: str
    counts: dict[str, int]
    added: list[Change]
    changed: list[Change]
    removed: list[Change]


def _change(item: dict[str, Any], moved: set[str]) -> Change:
    names = item.get("fields", [])
    return Change(
        key=item.get("key", ""),
        name=item.get("name", ""),
        fields=[str(FIELD_LABELS.get(name, name)) for name in names],
        values=[(str(FIELD_LABELS.get(n, n)), old, new) for n, old, new in item.get("values", [])],
        moved=item.get("key", "") in moved,
    )


def sections(report: dict[str, Any]) -> list[Section]:
    changes, counts = report.get("changes", {}), report.get("counts", {})
    result = []
    for kind, title in KINDS:
        part = changes.get(kind, {})
        moved = set(part.get("moved", []))
        result.append(
            Section(
                kind=kind,
                title=str(title),
                counts=counts.get(kind, {}),
                added=[_change(item, moved) for item in part.get("added", [])],
                changed=[_change(item, moved) for item in part.get("changed", [])],
                removed=[_change(item, moved) for item in part.get("removed", [])],
            )
        )
    return result


def display(report: dict[str, Any]) -> dict[str, Any]:
    effective = report.get("effective_on")
    texts = rendered(report)
    return {
        "sections": sections(report),
        "errors": texts["errors"],
        "warnings": texts["warnings"],
        "skipped": [shown_skip(skip) for skip in report.get("skipped_staff", [])],
        "guard": texts["guard"],
        "removed": report.get("removed", 0),
        "school_year": report.get("school_year"),
        "effective_on": dt.date.fromisoformat(effective) if effective else None,
        "status_label": STATUS_LABELS.get(report.get("status", ""), report.get("status", "")),
    }


DIFFERENCE_LABELS = {
    ("added", "now"): _("komt er nu bij"),
    ("added", "no_longer"): _("komt er niet meer bij"),
    ("changed", "now"): _("verandert nu, of anders"),
    ("changed", "no_longer"): _("verandert niet meer"),
    ("removed", "now"): _("gaat nu ook weg"),
    ("removed", "no_longer"): _("gaat niet meer weg"),
    ("moved", "now"): _("komt in een andere groep dan in het klaargezette rooster"),
}
YEAR_FIELDS = {"groups", "group_roles"}  # memberships: planned against the staged year's groups


@dataclass
class Difference:
    kind: str
    title: str
    items: list[tuple[str, str, str]]  # (name, key, what differs)


def _personal(part: dict[str, Any], category: str) -> dict[str, list[Any]]:
    """Key → the changed values that are not memberships, of the items that have any."""
    found = {}
    for item in part.get(category, []):
        values = [value for value in item.get("values", []) if value[0] not in YEAR_FIELDS]
        if category != "changed" or values:
            found[item["key"]] = values
    return found


def staged_difference(staged: dict[str, Any], new: dict[str, Any]) -> list[Difference]:
    """What a new plan for a staged school year does differently from the staged plan it replaces.
    Groups and memberships (moves) are planned against the staged year, so the new plan's are the
    difference; pupils' and staff's own data, arrivals and leavers are planned against today's
    roster in both plans, so those are compared between the two."""
    result = []
    for kind, title in KINDS:
        old_part, new_part = staged.get("changes", {}).get(kind, {}), new.get("changes", {}).get(kind, {})
        names = {item["key"]: item.get("name", "") for key in ("added", "changed", "removed")
                 for item in (*old_part.get(key, []), *new_part.get(key, []))}  # fmt: skip
        items: list[tuple[str, str, str]] = []
        for category in ("added", "changed", "removed"):
            after = _personal(new_part, category)
            before = {} if kind == "groups" else _personal(old_part, category)
            items += [(names[key], key, str(DIFFERENCE_LABELS[category, "now"]))
                      for key, values in after.items() if before.get(key) != values]  # fmt: skip
            items += [(names[key], key, str(DIFFERENCE_LABELS[category, "no_longer"]))
                      for key in before if key not in after]  # fmt: skip
        if kind != "groups":
            items += [(names.get(key, ""), key, str(DIFFERENCE_LABELS["moved", "now"]))
                      for key in new_part.get("moved", [])]  # fmt: skip
        if items:
            result.append(Difference(kind=kind, title=str(title), items=sorted(items, key=lambda i: i[1])))
    return result
