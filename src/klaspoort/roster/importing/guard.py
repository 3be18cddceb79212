"""Mass-removal guard: a plan that would remove more than 30 % of a school's active pupils or staff
is held (not applied) unless the caller explicitly allows it. A first import removes nothing."""

from __future__ import annotations

from klaspoort.roster.importing.plan import Plan

MASS_REMOVAL_SHARE = 0.30


def _percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def mass_removals(plan: Plan, *, share: float = MASS_REMOVAL_SHARE) -> list[str]:
    """Why the guard holds `plan` (empty when it may be applied)."""
    reasons = []
    for noun, removed, active in (
        ("leerlingen", len(plan.pupils.removed), plan.active_pupils),
        ("medewerkers", len(plan.staff.removed), plan.active_staff),
    ):
        if active and removed / active > share:
            reasons.append(
                f"Deze import zou {removed} van de {active} actieve {noun} verwijderen "
                f"({_percent(removed / active)}, meer dan {_percent(share)}). Controleer het bestand; "
                "is het juist, importeer dan opnieuw met toestemming voor massaal verwijderen "
                "(--allow-mass-removal)."
            )
    return reasons
