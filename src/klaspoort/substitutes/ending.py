"""The cut-off after a substitute's end (C14): what lives outside the roster queries ends too.

Access to pages, tiles and new sign-ins to partners ends by the date rule at the end of the last day
(`roster.rules.within_days_q`), or at once when ended by hand. What remains is ended here, by the
action after its commit and by the job (`jobs.tasks.end_substitutions`) for the rest:

- the substitute's sessions working at the school (`accounts.sessions.end_sessions`; listeners end
  the partner sessions of those logins: `federation.oidc.logout`),
- every OpenID Connect grant of the substitute at the school, `offline_access` ones too, with a
  back-channel logout token to each app that redeemed one (`do_end_person_grants`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from klaspoort.accounts.sessions import end_sessions
from klaspoort.audit.events import record_event
from klaspoort.core import clock
from klaspoort.federation.oidc.logout import do_end_person_grants
from klaspoort.federation.oidc.models import OidcGrant

if TYPE_CHECKING:
    from klaspoort.substitutes.models import SubstitutionQuerySet


def cut_off(substitutions: SubstitutionQuerySet) -> dict[str, int]:
    """End the substitute's sessions and SSO grants at the school for each of these ended
    substitutions not cut off yet (once each). A substitute still working in another group of the
    school signs in again: the partners must not keep the ended group. Returns counts for the job."""
    ended = list(
        substitutions.filter(ended_at__isnull=False, cut_off_at__isnull=True).select_related(
            "placement__staff", "placement__school"
        )
    )
    sessions = grants = 0
    for substitution in ended:
        placement, staff = substitution.placement, substitution.placement.staff
        school_ref = placement.school.instelling_ref
        live_grants = OidcGrant.objects.unrevoked().filter(person=staff.uuid, school_ref=school_ref).count()
        # The sessions first: their partner sessions end with a logout token each (listeners of
        # `principals_ended`); then the grants left (offline access, logins already gone).
        ended_sessions = end_sessions([staff.account_id], school_ref=school_ref) if staff.account_id else 0
        do_end_person_grants(staff.uuid, school_ref, reason="substitute_ended")
        sessions, grants = sessions + ended_sessions, grants + live_grants
        substitution.cut_off_at = clock.now()
        substitution.save(update_fields=["cut_off_at"])
        record_event(
            "substitute.cut_off",
            actor="system",
            subject=f"staff:{staff.uuid}",
            school_ref=school_ref,
            substitution=str(substitution.uuid),
            sessions=ended_sessions,
            grants=live_grants,
        )
    return {"cut_off": len(ended), "sessions": sessions, "grants": grants}
