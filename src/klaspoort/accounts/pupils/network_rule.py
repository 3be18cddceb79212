"""The school's network rule for the pupil shortcut: (restricted?, the networks it may be used from).

The ICT coordinator sets it in schooladmin (`SchoolNetwork`, a layer above this app). It is read here
through the school's reverse one-to-one `network_settings`, which the shortcut's queries load with
select_related, so the rule costs no query and this app imports nothing from schooladmin.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from klaspoort.registry.models import SchoolLocation

NetworkRule = tuple[bool, tuple[str, ...]]


def network_rule(school: SchoolLocation) -> NetworkRule:
    """A school without network settings does not restrict the shortcut."""
    try:
        network = school.network_settings
    except ObjectDoesNotExist:
        return False, ()
    return network.restrict_pupil_shortcut, tuple(network.effective_networks)
