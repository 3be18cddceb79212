"""The import report: one JSON object for tools, readable text for people, both in the reader's
language (Dutch unless another is active).

JSON shape (external tools rely on it; `as_json`, and the history's download):
    {"status": "applied"|"staged"|"dry-run"|"rejected"|"held", "school": "12AB00", "school_year": "2026-2027",
     "effective_on": "2027-08-01"|null (a file for a later school year: the day it takes effect),
     "counts": {"groups"|"pupils"|"staff": {"added", "changed", "removed", "unchanged", "moved"}},
     "skipped_staff": [{"key", "reason"}], "warnings": ["…"], "errors": [{"line", "message"}],
     "changes": {"groups"|"pupils"|"staff": {"added"|"changed"|"removed": [{"key", "name", "fields"?,
                 "values"?: [[field, old, new]]}], "moved": [key]}},
     "guard": ["…"] (why the mass-removal guard holds it), "removed": <pupils + staff removed>,
     "run": <ImportRun id>}

What `ImportRun.report` keeps (`as_stored`) has the same keys, but every sentence is kept with its
message id and values (klaspoort.core.i18n.texts), so that it can be shown later in the language of
whoever reads it: errors and warnings as `Problem.stored()` ({"line", "message", "msgid", "params"}),
guard reasons as {"message", "msgid", "params"}, skipped staff as `SkippedStaff.stored()`. `rendered`
turns such a report into the JSON shape above in the active language; reports stored before (plain
Dutch strings) come out as they were written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import formats
from django.utils.translation import gettext, gettext_lazy, ngettext

from klaspoort.core.codes import school_year_label
from klaspoort.core.i18n.texts import show, stored
from klaspoort.roster.edexml.document import shown
from klaspoort.roster.importing.actions import ImportOutcome, Status
from klaspoort.roster.importing.changes import Item, Tally, shown_skip
from klaspoort.roster.importing.plan import Plan

KINDS = (
    ("groups", gettext_lazy("Groepen")),
    ("pupils", gettext_lazy("Leerlingen")),
    ("staff", gettext_lazy("Medewerkers")),
)
FIELD_LABELS = {
    "las_key": gettext_lazy("key"),
    "kind": gettext_lazy("soort"),
    "name": gettext_lazy("naam"),
    "year_group": gettext_lazy("jaargroep"),
    "description": gettext_lazy("omschrijving"),
    "first_name": gettext_lazy("roepnaam"),
    "infix": gettext_lazy("voorvoegsel"),
    "surname": gettext_lazy("achternaam"),
    "eck_id": gettext_lazy("ECK iD"),
    "email": gettext_lazy("e-mailadres"),
    "las_roles": gettext_lazy("rollen"),
    "groups": gettext_lazy("groepen"),
    "group_roles": gettext_lazy("rollen per groep"),
}
STATUS_TEXT: dict[str, object] = {
    Status.APPLIED: gettext_lazy("Import uitgevoerd."),
    Status.STAGED: gettext_lazy(
        "Klaargezet voor het nieuwe schooljaar; het huidige rooster is niet veranderd."
    ),
    Status.DRY_RUN: gettext_lazy("Proefimport: het bestand is in orde; er is niets veranderd."),
    Status.REJECTED: gettext_lazy("Het bestand is geweigerd; er is niets veranderd."),
    Status.HELD: gettext_lazy("De import is tegengehouden; er is niets veranderd."),
    Status.FAILED: gettext_lazy("De import is mislukt; er is niets veranderd."),
}


def _tallies(plan: Plan | None) -> dict[str, Tally]:
    if plan is None:
        return {kind: Tally() for kind, _ in KINDS}
    return {"groups": plan.groups, "pupils": plan.pupils, "staff": plan.staff}


def as_stored(outcome: ImportOutcome) -> dict[str, Any]:
    """The report as `ImportRun.report` keeps it (see the module docstring)."""
    plan = outcome.plan
    tallies = _tallies(plan)
    return {
        "status": outcome.status,
        "school": outcome.school_code,
        "school_year": school_year_label(plan.start_year) if plan else None,
        "effective_on": outcome.effective_on.isoformat() if outcome.effective_on else None,
        "guard": [stored(reason) for reason in outcome.guard],
        "removed": sum(len(tally.removed) for tally in tallies.values() if tally is not tallies["groups"]),
        "counts": {kind: tally.counts() for kind, tally in tallies.items()},
        "skipped_staff": [skip.stored() for skip in plan.skipped_staff] if plan else [],
        "warnings": [problem.stored() for problem in outcome.warnings],
        "errors": [problem.stored() for problem in outcome.errors],
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


def _skip(skip: Mapping[str, Any]) -> dict[str, str]:
    reasons = skip.get("reasons")
    if reasons:
        return {
            "key": str(skip.get("key", "")),
            "reason": "; ".join(show(r, sentence=False) for r in reasons),
        }
    return {"key": str(skip.get("key", "")), "reason": str(skip.get("reason", ""))}


def rendered(report: Mapping[str, Any]) -> dict[str, Any]:
    """A stored report (`as_stored`, or one stored before) in the JSON shape, in the active language."""
    return {
        **report,
        "guard": [show(reason) for reason in report.get("guard", [])],
        "skipped_staff": [_skip(skip) for skip in report.get("skipped_staff", [])],
        "warnings": [shown(problem) for problem in report.get("warnings", [])],
        "errors": [
            {"line": int(problem.get("line") or 0), "message": show(problem)} if isinstance(problem, Mapping)
            else {"line": 0, "message": show(problem)}
            for problem in report.get("errors", [])
        ],
    }  # fmt: skip


def as_json(outcome: ImportOutcome) -> dict[str, Any]:
    """The report in the JSON shape, in the active language."""
    return rendered(as_stored(outcome))


def _item_line(item: Item) -> str:
    label = item.label or gettext("(zonder naam)")
    text = f"  - {label} ({item.key})" if item.key else f"  - {item.label}"
    if item.fields:
        text += ": " + ", ".join(str(FIELD_LABELS.get(name, name)) for name in item.fields)
    return text


def _section(title: str, items: list[Item], limit: int) -> list[str]:
    if not items:
        return []
    lines = [f"  {title}:"] + [_item_line(item) for item in items[:limit]]
    if len(items) > limit:
        lines.append("  " + gettext("… en nog %(count)d") % {"count": len(items) - limit})
    return lines


def _summary(kind: str, title: str, counts: dict[str, int]) -> str:
    values = {"title": title, **counts}
    if kind == "groups":
        return (
            gettext(
                "%(title)s: %(added)d nieuw, %(changed)d gewijzigd, %(removed)d verwijderd, "
                "%(unchanged)d ongewijzigd"
            )
            % values
        )
    return (
        gettext(
            "%(title)s: %(added)d nieuw, %(changed)d gewijzigd (waarvan %(moved)d verplaatst), "
            "%(removed)d verwijderd, "
            "%(unchanged)d ongewijzigd"
        )
        % values
    )


def as_text(outcome: ImportOutcome, *, limit: int = 20) -> str:
    """A readable report in the active language (lists are cut off after `limit` entries each)."""
    plan = outcome.plan
    if plan:
        heading = gettext("School %(school)s, schooljaar %(year)s") % {
            "school": outcome.school_code,
            "year": school_year_label(plan.start_year),
        }
    else:
        heading = gettext("School %(school)s") % {"school": outcome.school_code}
    lines = [heading, str(STATUS_TEXT.get(outcome.status, outcome.status))]
    if outcome.effective_on:
        lines.append(
            gettext(
                "Dit bestand is voor een later schooljaar; het gaat in op %(day)s. Tot die dag blijft "
                "alles zoals "
                "het is."
            )
            % {"day": formats.date_format(outcome.effective_on, "DATE_FORMAT")}
        )
    lines.append("")
    if outcome.errors:
        lines.append(ngettext("Fout:", "Fouten:", len(outcome.errors)))
        lines += [f"  - {problem}" for problem in outcome.errors]
        lines.append("")
    if plan is not None and plan.ok:
        for kind, title in KINDS:
            tally = _tallies(plan)[kind]
            lines.append(_summary(kind, str(title), tally.counts()))
            lines += _section(gettext("nieuw"), tally.added, limit)
            lines += _section(gettext("gewijzigd"), tally.changed, limit)
            lines += _section(gettext("verwijderd"), tally.removed, limit)
        if plan.skipped_staff:
            lines += ["", gettext("Overgeslagen medewerkers:")]
            lines += [f"  - {shown_skip(skip.stored())}" for skip in plan.skipped_staff]
    if outcome.warnings:
        lines += ["", gettext("Waarschuwingen:")] + [f"  - {problem}" for problem in outcome.warnings]
    return "\n".join(lines).rstrip() + "\n"
