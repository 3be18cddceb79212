"""Which partner apps the portal asks for licences: active apps of active partners that the
principal's school has ticked (D1), and that registered a licence endpoint. One query."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from klaspoort.federation.models import PartnerApp


def _ticked(school_ref: uuid.UUID) -> QuerySet[PartnerApp]:
    """Active apps of active partners that the (active) school has ticked."""
    return PartnerApp.objects.filter(
        active=True,
        partner__active=True,
        partner__consents__school__instelling_ref=school_ref,
        partner__consents__school__active=True,
        partner__consents__active=True,
    ).select_related("partner")


def _licensed(school_ref: uuid.UUID) -> QuerySet[PartnerApp]:
    return _ticked(school_ref).exclude(licence_endpoint_url="").order_by("partner__name", "name")


def licensed_apps(school_ref: uuid.UUID) -> list[PartnerApp]:
    return list(_licensed(school_ref))


def licensed_app(school_ref: uuid.UUID, slug: str) -> PartnerApp | None:
    return _licensed(school_ref).filter(slug=slug).first()


def ticked_saml_apps(school_ref: uuid.UUID) -> list[PartnerApp]:
    """Ticked SAML apps, with or without a licence endpoint (deep links name their ACS URL)."""
    return list(_ticked(school_ref).filter(saml_entity_id__isnull=False))
