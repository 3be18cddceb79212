"""The import report: one JSON object for tools, readable Dutch text for people.

JSON shape (external tools rely on it):
    {"status": "applied"|"staged"|"dry-run"|"rejected"|"held", "school": "12AB00", "school_year": "2026-2027",
     "effective_on": "2027-08-01"|null (a file for a later school year: the day it takes effect),
     "counts": {"groups"|"pupils"|"staff": {"added", "changed", "removed", "unchanged", "moved"}},
     "skipped_staff": [{"key", "reason"}], "warnings": ["…"], "errors": [{"line", "message"}],
     "changes": {"groups"|"pupils"|"staff": {"added"|"changed"|"removed": [{"key", "name", "fields"?,
                 "values"?: [[field, old, new]]}], "moved": [key]}},
     "guard": ["…"] (why the mass-removal guard holds it), "removed": <pupils + staff removed>,
     "run": <ImportRun id>}
"""

from __future__ import annotations

from typing import Any

from klaspoort.core.codes import school_year_label
from klaspoort.roster.importing.actions import ImportOutcome, Status
from klaspoort.roster.importing.changes import Item, Tally
from klaspoort.roster.importing.plan import Plan

KINDS = (("groups", "Groepen"), ("pupils", "Leerlingen"), ("staff", "Medewerkers"))
FIELD_LABELS = {
    "las_key": "key",
    "kind": "soort",
    "name": "naam",
    "year_group": "jaargroep",
    "description": "omschrijving",
    "first_name": "roepnaam",
    "infix": "voorvoegsel",
    "surname": "achternaam",
    "eck_id": "ECK iD",
    "email": "e-mailadres",
    "las_roles": "rollen",
    "groups": "groepen",
    "group_roles": "rollen per groep",
}
STATUS_TEXT: dict[str, str] = {
    Status.APPLIED: "Import uitgevoerd.",
    Status.STAGED: "Klaargezet voor het nieuwe schooljaar; het huidige rooster is niet veranderd.",
    Status.DRY_RUN: "Proefimport: het bestand is in orde; er is niets veranderd.",
    Status.REJECTED: "Het bestand is geweigerd; er is niets veranderd.",
    Status.HELD: "De import is tegengehouden; er is niets veranderd.",
    Status.FAILED: "De import is mislukt; er is niets veranderd.",
}


def _tallies(plan: Plan | None) -> dict[str, Tally]:
    if plan is None:
        return {kind: Tally() for kind, _ in KINDS}
    return {"groups": plan.groups, "pupils": plan.pupils, "staff": plan.staff}


def as_json(outcome: ImportOutcome) -> dict[str, Any]:
    plan = outcome.plan
    tallies = _tallies(plan)
    return {
        "status": outcome.status,
        "school": outcome.school_code,
        "school_year": school_year_label(plan.start_year) if plan else None,
        "effective_on": outcome.effective_on.isoformat() if outcome.effective_on else None,
        "guard": list(outcome.guard),
        "removed": sum(len(tally.removed) for tally in tallies.values() if tally is not tallies["groups"]),
        "counts": {kind: tally.counts() for kind, tally in tallies.items()},
        "skipped_staff": [skip.as_dict() for skip in plan.skipped_staff] if plan else [],
        "warnings": [str(problem) for problem in outcome.warnings],
        "errors": [problem.as_dict() for problem in outcome.errors],
        "changes": {
            kind: {
                "added": [item.as_dict() for item in tally.added],
                "changed": [item.as_dict() for item in tally.changed],
                "removed": [item.as_dict() for item in tally.removed],
                "moved": [item.key for item in tally.moved],
            }
            for kind, tally in tallies.items()
        },
        "run": outcome.run.pk if outcome.run else None,
    }


def _item_line(item: Item) -> str:
    text = f"  - {item.label or '(zonder naam)'} ({item.key})" if item.key else f"  - {item.label}"
    if item.fields:
        text += ": " + ", ".join(FIELD_LABELS.get(name, name) for name in item.fields)
    return text


def _section(title: str, items: list[Item], limit: int) -> list[str]:
    if not items:
        return []
    lines = [f"{title}:"] + [_item_line(item) for item in items[:limit]]
    if len(items) > limit:
        lines.append(f"  … en nog {len(items) - limit}")
    return lines


def as_text(outcome: ImportOutcome, *, limit: int = 20) -> str:
    """A readable Dutch report (lists are cut off after `limit` entries each)."""
    plan = outcome.plan
    year = f", schooljaar {school_year_label(plan.start_year)}" if plan else ""
    lines = [f"School {outcome.school_code}{year}", STATUS_TEXT.get(outcome.status, outcome.status)]
    if outcome.effective_on:
        lines.append(
            f"Dit bestand is voor een later schooljaar; het gaat in op {outcome.effective_on:%d-%m-%Y}. "
            "Tot die dag blijft alles zoals het is."
        )
    lines.append("")
    if outcome.errors:
        lines.append("Fouten:")
        lines += [f"  - {problem}" for problem in outcome.errors]
        lines.append("")
    if plan is not None and plan.ok:
        for kind, title in KINDS:
            tally = _tallies(plan)[kind]
            counts = tally.counts()
            summary = (
                f"{title}: {counts['added']} nieuw, {counts['changed']} gewijzigd"
                + (f" (waarvan {counts['moved']} verplaatst)" if kind != "groups" else "")
                + f", {counts['removed']} verwijderd, {counts['unchanged']} ongewijzigd"
            )
            lines.append(summary)
            lines += _section("  nieuw", tally.added, limit)
            lines += _section("  gewijzigd", tally.changed, limit)
            lines += _section("  verwijderd", tally.removed, limit)
        if plan.skipped_staff:
            lines += ["", "Overgeslagen medewerkers:"]
            lines += [f"  - {skip.key}: {skip.reason}" for skip in plan.skipped_staff]
    if outcome.warnings:
        lines += ["", "Waarschuwingen:"] + [f"  - {problem}" for problem in outcome.warnings]
    return "\n".join(lines).rstrip() + "\n"
