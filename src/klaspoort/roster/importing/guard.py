"""Mass-removal guard: a plan that would remove more than 30 % of a school's active pupils or staff
is held (not applied) unless the caller explicitly allows it. A first import removes nothing."""

from __future__ import annotations

from klaspoort.core.i18n.texts import Text, deferred
from klaspoort.roster.importing.plan import Plan

MASS_REMOVAL_SHARE = 0.30
# The reasons, filled in with removed, active, percent and limit when the guard holds a plan.
PUPILS_REMOVED = deferred(
    "Deze import zou %(removed)d van de %(active)d actieve leerlingen verwijderen (%(percent)d %%, meer dan "
    "%(limit)d %%). Controleer het bestand; is het juist, importeer dan opnieuw met toestemming voor massaal "
    "verwijderen (--allow-mass-removal)."
)
STAFF_REMOVED = deferred(
    "Deze import zou %(removed)d van de %(active)d actieve medewerkers verwijderen (%(percent)d %%, meer dan "
    "%(limit)d %%). Controleer het bestand; is het juist, importeer dan opnieuw met toestemming voor massaal "
    "verwijderen (--allow-mass-removal)."
)


def mass_removals(plan: Plan, *, share: float = MASS_REMOVAL_SHARE) -> list[Text]:
    """Why the guard holds `plan` (empty when it may be applied)."""
    reasons = []
    for reason, removed, active in (
        (PUPILS_REMOVED, len(plan.pupils.removed), plan.active_pupils),
        (STAFF_REMOVED, len(plan.staff.removed), plan.active_staff),
    ):
        if active and removed / active > share:
            values = {"removed": removed, "active": active, "percent": round(removed / active * 100)}
            reasons.append(Text(reason.msgid, tuple({**values, "limit": round(share * 100)}.items())))
    return reasons
