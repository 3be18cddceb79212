"""The school's partners in the console (D1): what each asks for, what the school allows, the
signed-off history, and the coordinator's changes.

    partner_rows(school) -> list[PartnerRow]        3 queries, whatever the number of partners
    history(school) -> list[ConsentChange]          1 query (the latest HISTORY_LIMIT changes)
    do_set_partner_consent(placement, partner, choice, *, version) -> ConsentChange | None
    receipt_document(change) -> dict                what the school downloads for a change

A change is refused when the form was made for an older state of the consent (`version`, e.g. a
second tab changed it meanwhile): nothing is merged, the coordinator sees the state now.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from klaspoort.accounts.permissions import is_coordinator
from klaspoort.federation.actions import do_grant_consent, do_withdraw_consent
from klaspoort.federation.models import ECK_ID, NAMES, Consent, ConsentChange, Partner, PartnerApp
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement

HISTORY_LIMIT = 100
RECEIPT_SALT = "klaspoort.schooladmin.consent-receipt"
NEVER = "new"


class ConsentRefused(Exception):
    """The change is not allowed or no longer fits; the message is for the coordinator (Dutch)."""


class StaleForm(ConsentRefused):
    pass


@dataclass(frozen=True)
class Choice:
    on: bool
    names: bool = False
    eck_id: bool = False


@dataclass(frozen=True)
class PartnerRow:
    partner: Partner
    apps: tuple[PartnerApp, ...]
    consent: Consent | None

    @property
    def on(self) -> bool:
        return self.consent is not None and self.consent.active

    @property
    def version(self) -> str:
        return version_of(self.consent)


def version_of(consent: Consent | None) -> str:
    """The state a form was made for: the time of the last change, or NEVER."""
    return consent.changed_at.isoformat() if consent is not None else NEVER


def partner_rows(school: SchoolLocation) -> list[PartnerRow]:
    """Every active partner, publishers first, with its active apps and this school's consent."""
    partners = list(Partner.objects.filter(active=True).prefetch_related("apps"))
    consents = {c.partner_id: c for c in Consent.objects.filter(school=school, partner__in=partners)}
    kind_order = {Partner.Kind.PUBLISHER.value: 0, Partner.Kind.NETWORK_PROVIDER.value: 1}
    partners.sort(key=lambda p: (kind_order.get(str(p.kind), 2), p.name.casefold(), p.pk))
    return [
        PartnerRow(
            partner,
            tuple(app for app in partner.apps.all() if app.active),
            consents.get(partner.pk),
        )
        for partner in partners
    ]


def history(school: SchoolLocation) -> list[ConsentChange]:
    return list(
        ConsentChange.objects.filter(school=school)
        .select_related("partner")
        .order_by("-created_at", "-id")[:HISTORY_LIMIT]
    )


def signed_by(placement: StaffPlacement) -> str:
    staff = placement.staff
    return f"{staff.full_name} <{staff.email}>" if staff.full_name else staff.email


@transaction.atomic
def do_set_partner_consent(
    placement: StaffPlacement, partner_uuid: uuid.UUID, choice: Choice, *, version: str
) -> ConsentChange | None:
    """The coordinator's decision for one partner; None when it changes nothing.

    Refused (ConsentRefused) for anyone but the school's coordinator, for unknown or inactive
    partners, for categories the partner does not ask for, and (StaleForm) when the consent
    changed since the form was shown.
    """
    if not is_coordinator(placement):
        raise ConsentRefused(_("Alleen de ICT-coördinator van de school beslist over koppelingen."))
    school = placement.school
    partner = Partner.objects.filter(uuid=partner_uuid, active=True).first()
    if partner is None:
        raise ConsentRefused(_("Deze partner bestaat niet (meer)."))
    consent = Consent.objects.select_for_update().filter(school=school, partner=partner).first()
    if version_of(consent) != version:
        raise StaleForm(
            _(
                "De koppeling met %(partner)s is intussen gewijzigd (bijvoorbeeld in een ander "
                "tabblad). Er is niets veranderd; bekijk de stand van nu en kies opnieuw."
            )
            % {"partner": partner.name}
        )
    asked = partner.asks_for
    if (choice.names and NAMES not in asked) or (choice.eck_id and ECK_ID not in asked):
        raise ConsentRefused(_("%(partner)s vraagt niet om deze gegevens.") % {"partner": partner.name})
    actor = f"staff:{placement.staff.uuid}"
    if not choice.on:
        return do_withdraw_consent(school, partner, actor=actor, signed_by=signed_by(placement))
    return do_grant_consent(
        school,
        partner,
        names=choice.names,
        eck_id=choice.eck_id,
        actor=placement,
        signed_by=signed_by(placement),
    )


def receipt_document(change: ConsentChange, school: SchoolLocation) -> dict[str, object]:
    """The receipt of one change, signed by the platform (HMAC, `django.core.signing`), so a copy
    the school keeps can be checked against the platform later (`check_receipt`)."""
    body: dict[str, object] = {
        "receipt": str(change.receipt),
        "school": {
            "name": school.name,
            "brin": school.brin,
            "location_code": school.location_code,
            "instelling_ref": str(school.instelling_ref),
        },
        "partner": {"name": change.partner.name, "slug": change.partner.slug, "kind": change.partner.kind},
        "action": change.action,
        "categories": list(change.categories),
        "signed_by": change.signed_by or change.actor,
        "at": change.created_at.isoformat(),
    }
    return {**body, "signature": signing.dumps(body, salt=RECEIPT_SALT, compress=True)}


def check_receipt(document: dict[str, object]) -> bool:
    """True when the receipt's fields are the ones the platform signed."""
    signature = document.get("signature")
    if not isinstance(signature, str):
        return False
    try:
        signed = signing.loads(signature, salt=RECEIPT_SALT)
    except signing.BadSignature:
        return False
    return bool(signed == {key: value for key, value in document.items() if key != "signature"})
