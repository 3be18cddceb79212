"""State changes of the LAS link (do_* actions). Each runs in a transaction and is audited.

Vendor side (connector API, authenticated vendor):
    do_set_las_consent(vendor, school, enabled) -> LasLink     the LAS enables or ends the link (B2)
School side (school console, coordinators only):
    do_switch_link(placement, vendor, on, *, actor) -> LasLink  the coordinator switches it on or off
Operators (command line):
    do_register_vendor(slug, name, ...) -> (LasVendor, secret)
    do_rotate_vendor_secret(vendor, *, grace) -> secret         the old secret works for `grace` more
                                                                (no grace: its tokens end now too)
Mergers and splits (operator console, the caller checks the operator):
    do_pause_links(schools, *, reason, actor) -> int            no runs or pushes while it is held
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from klaspoort.accounts.permissions import is_coordinator
from klaspoort.audit.events import record_event
from klaspoort.core import clock
from klaspoort.federation.keyed_hash import new_secret
from klaspoort.laslink.credentials import secret_hash
from klaspoort.laslink.models import LasAccessToken, LasLink, LasVendor
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement


class LinkError(Exception):
    """A refused link change; the message is Dutch and shown as it is."""


class OtherVendor(LinkError):
    """The school's link belongs to another vendor (the connector answers 403)."""


@transaction.atomic
def do_register_vendor(
    slug: str, name: str, *, pull_url: str = "", max_concurrency: int = 4, actor: str = "cli"
) -> tuple[LasVendor, str]:
    secret = new_secret()
    vendor = LasVendor.objects.create(
        slug=slug, name=name, client_id=f"las-{slug}-{secrets.token_hex(4)}", secret_hash=secret_hash(secret),
        pull_url=pull_url, max_concurrency=max_concurrency,
    )  # fmt: skip
    record_event("las.vendor_registered", actor=actor, subject=f"las:{slug}")
    return vendor, secret


@transaction.atomic
def do_rotate_vendor_secret(vendor: LasVendor, *, grace: dt.timedelta, actor: str = "cli") -> str:
    secret = new_secret()
    vendor.previous_secret_hash, vendor.previous_valid_until = vendor.secret_hash, clock.now() + grace
    vendor.secret_hash = secret_hash(secret)
    vendor.save(update_fields=["previous_secret_hash", "previous_valid_until", "secret_hash"])
    if grace <= dt.timedelta(0):  # the old secret ends now, and so do the tokens it got
        LasAccessToken.objects.filter(vendor=vendor, revoked_at__isnull=True).update(revoked_at=clock.now())
    record_event(
        "las.secret_rotated", actor=actor, subject=f"las:{vendor.slug}", grace=int(grace.total_seconds())
    )
    return secret


def _link_for(school: SchoolLocation, vendor: LasVendor) -> LasLink:
    """The school's link row, locked; another vendor may take it over only when it is off on both sides."""
    link = LasLink.objects.select_for_update().filter(school=school).first()
    if link is None:
        return LasLink(school=school, vendor=vendor)
    if link.vendor_id != vendor.pk:
        if link.las_enabled or link.school_enabled:
            raise OtherVendor(_("Deze school heeft een koppeling met een ander administratiesysteem."))
        link.vendor = vendor
    return link


def _first_run(link: LasLink) -> None:
    """A link that just became active runs at once; later runs are nightly (`schedule.night_slot`)."""
    if link.is_active:
        link.next_run_at, link.queued_at, link.attempts = clock.now(), None, 0


@transaction.atomic
def do_set_las_consent(vendor: LasVendor, school: SchoolLocation, enabled: bool) -> LasLink:
    link = _link_for(school, vendor)
    was_active = link.pk is not None and link.is_active
    link.las_enabled, link.las_changed_at = enabled, clock.now()
    if not was_active:
        _first_run(link)
    link.save()
    record_event(
        "las.consent", actor=f"las:{vendor.slug}", subject=f"school:{school.code}",
        school_ref=school.instelling_ref, side="las", enabled=enabled, active=link.is_active,
    )  # fmt: skip
    return link


@transaction.atomic
def do_switch_link(placement: StaffPlacement, vendor: LasVendor, on: bool, *, actor: str) -> LasLink:
    if not is_coordinator(placement):
        raise LinkError(_("Alleen de ICT-coördinator kan de automatische koppeling aan- of uitzetten."))
    school = placement.school
    if not on:
        link = LasLink.objects.select_for_update().filter(school=school).first()
        if link is None:
            raise LinkError(_("Deze school heeft geen automatische koppeling."))
    else:
        link = _link_for(school, vendor)
    was_active = link.pk is not None and link.is_active
    link.school_enabled, link.school_changed_at, link.school_changed_by = on, clock.now(), actor[:128]
    if not was_active:
        _first_run(link)
    link.save()
    record_event(
        "las.consent", actor=actor, subject=f"school:{school.code}", school_ref=school.instelling_ref,
        side="school", enabled=on, vendor=link.vendor.slug, active=link.is_active,
    )  # fmt: skip
    return link


@transaction.atomic
def do_pause_links(schools: Sequence[SchoolLocation], *, reason: str, actor: str) -> int:
    """Hold the automatic link of `schools` (a merger or split, A8): no run is queued or started and
    pushes are refused. The schools are closed afterwards, so a paused link is not resumed; the new
    location's coordinator and its LAS switch a link on again. Returns how many links were paused."""
    moment = clock.now()
    links = list(LasLink.objects.select_for_update().filter(school__in=schools, paused_at__isnull=True))
    LasLink.objects.filter(pk__in=[link.pk for link in links]).update(
        paused_at=moment, paused_reason=reason[:200], queued_at=None, next_run_at=None
    )
    by_id = {school.pk: school for school in schools}
    for link in links:
        school = by_id[link.school_id]
        record_event(
            "laslink.paused",
            actor=actor,
            subject=f"school:{school.code}",
            school_ref=school.instelling_ref,
            reason=reason[:200],
        )
    return len(links)
