"""Signals the roster sends after an import has committed (never inside the transaction).

Receivers live in other domains (accounts creates logins and ends sessions), so the roster does
not need to know about them. Every signal is sent with `sender=ImportRun` (the model class) and
the keyword arguments below plus `run` (the ImportRun row); receivers should accept `**kwargs`.

    staff_added(sender, school, staff_uuids, run)
        StaffMember.uuid list of people who got the teacher role at `school` by this import: new
        placements, deactivated placements made active again, and placements made by hand that the
        file now names. A receiver must tolerate people who already have an account.
    staff_access_removed(sender, school, staff_uuids, run)
        people the import removed at `school` (B5, end access now): their teacher role and group
        memberships there are gone. The placement itself is deactivated unless the person keeps
        roles given by hand (e.g. ict_coordinator); check StaffPlacement.active to tell.
    pupils_removed(sender, school, pupil_uuids, run)
        pupils deactivated at `school` (never deleted: their uuid returns with them).
"""

from django.dispatch import Signal

staff_added = Signal()
staff_access_removed = Signal()
pupils_removed = Signal()
