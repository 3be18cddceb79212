"""Signals the roster sends after an import has committed (never inside the transaction).

Receivers live in other domains (accounts creates logins and ends sessions), so the roster does
not need to know about them.

    staff_added(sender, school, staff_uuids)           new placements at `school` (StaffMember.uuid list)
    staff_access_removed(sender, school, staff_uuids)  placements at `school` deactivated (B5): end access now
    pupils_removed(sender, school, pupil_uuids)        pupils deactivated at `school`
"""

from django.dispatch import Signal

staff_added = Signal()
staff_access_removed = Signal()
pupils_removed = Signal()
