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
