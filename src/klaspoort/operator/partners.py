"""What the console shows about partners (reads only): the list, a partner's registration as the
JSON `klaspoort add-partner FILE.json` reads, and its disclosure log with filters.

    partners_page(query, page) -> Page                  the same queries whatever the number of partners
    registration_json(partner) -> str                   to edit and send back through the same action
    disclosures(partner, filters) -> QuerySet           newest first, with school code and consent receipt
    disclosure_rows(partner, rows) -> Iterator[DisclosureRow]   what the page and the CSV show

A disclosure row says what was given (fields), to which app, when, why (purpose), about whom (the
person's kind and the pairwise pseudonym the partner received; never a name) and under which consent
(the receipt of the school's consent change in force at that moment, and its categories).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery

from klaspoort.federation.models import ConsentChange, Disclosure, Partner, PartnerApp
from klaspoort.federation.pseudonyms import pairwise_subject
from klaspoort.registry.models import SchoolLocation

PAGE_SIZE = 50


def partners_page(query: str, page: int | str | None) -> Page[Partner]:
    partners = Partner.objects.order_by("name", "pk")
    query = query.strip()
    if query:
        partners = partners.filter(Q(name__icontains=query) | Q(slug__icontains=query))
    return Paginator(partners, PAGE_SIZE).get_page(page)


def _app_data(app: PartnerApp) -> dict[str, Any]:
    data: dict[str, Any] = {"slug": app.slug, "name": app.name, "active": app.active}
    if app.launch_url:
        data["launch_url"] = app.launch_url
    if app.licence_endpoint_url:
        data["licence_endpoint_url"] = app.licence_endpoint_url
    if app.speaks_oidc:
        oidc: dict[str, Any] = {
            "client_id": app.client_id,
            "client_type": app.client_type,
            "token_endpoint_auth_method": app.token_endpoint_auth_method,
            "redirect_uris": list(app.redirect_uris),
            "scopes": list(app.allowed_scopes),
        }
        optional = {
            "post_logout_redirect_uris": list(app.post_logout_redirect_uris),
            "initiate_login_uri": app.initiate_login_uri,
            "backchannel_logout_uri": app.backchannel_logout_uri,
            "jwks": app.jwks,
            "jwks_uri": app.jwks_uri,
        }
        oidc.update({key: value for key, value in optional.items() if value})
        oidc["id_token_signed_response_alg"] = app.id_token_signed_response_alg
        data["oidc"] = oidc
    if app.speaks_saml:
        saml: dict[str, Any] = {"entity_id": app.saml_entity_id, "acs_urls": list(app.saml_acs_urls)}
        if app.saml_certificate:
            saml["certificate"] = app.saml_certificate
        data["saml"] = saml
    return data


def registration_json(partner: Partner) -> str:
    """The partner's registration in the add-partner format (docs/partners/registration.md)."""
    data: dict[str, Any] = {
        "slug": partner.slug,
        "name": partner.name,
        "kind": partner.kind,
        "sector_id": partner.sector_id,
        "active": partner.active,
        "contact": {"name": partner.contact_name, "email": partner.contact_email},
        "data": {"purpose": partner.purpose, "names": partner.names_reason, "eck_id": partner.eck_id_reason},
        "apps": [_app_data(app) for app in partner.apps.order_by("slug")],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


@dataclass(frozen=True)
class DisclosureFilters:
    app: str = ""  # app slug
    school: str = ""  # school code (BRIN + location)
    board: str = ""  # board number: every school of the board
    purpose: str = ""
    kind: str = ""  # "pupil" or "staff"
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive


def disclosures(partner: Partner, filters: DisclosureFilters) -> QuerySet[Disclosure]:
    """One query for any number of rows: the school's code and the consent change in force at the
    moment of each disclosure come from subqueries."""
    rows = Disclosure.objects.filter(partner=partner)
    if filters.app:
        rows = rows.filter(app__slug=filters.app)
    if filters.school:
        code = filters.school.replace(" ", "").upper()
        rows = rows.filter(
            school_ref__in=SchoolLocation.objects.filter(
                brin=code[:4], location_code=code[4:6] or "00"
            ).values("instelling_ref")
        )
    if filters.board:
        boards = SchoolLocation.objects.filter(board__number=filters.board.strip())
        rows = rows.filter(school_ref__in=boards.values("instelling_ref"))
    if filters.purpose:
        rows = rows.filter(purpose=filters.purpose)
    if filters.kind:
        rows = rows.filter(person_kind=filters.kind)
    if filters.since:
        rows = rows.filter(created_at__date__gte=filters.since)
    if filters.until:
        rows = rows.filter(created_at__date__lte=filters.until)
    consent = ConsentChange.objects.filter(
        partner=OuterRef("partner"),
        school__instelling_ref=OuterRef("school_ref"),
        created_at__lte=OuterRef("created_at"),
    ).order_by("-created_at", "-id")
    school = SchoolLocation.objects.filter(instelling_ref=OuterRef("school_ref"))
    return (
        rows.select_related("app")
        .annotate(
            school_code_brin=Subquery(school.values("brin")[:1]),
            school_code_location=Subquery(school.values("location_code")[:1]),
            consent_receipt=Subquery(consent.values("receipt")[:1]),
            consent_categories=Subquery(consent.values("categories")[:1]),
        )
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class DisclosureRow:
    created_at: dt.datetime
    app: str
    school: str
    person_kind: str
    pseudonym: str
    fields: tuple[str, ...]
    purpose: str
    consent_receipt: str
    consent_categories: tuple[str, ...]


def _categories(value: object) -> tuple[str, ...]:
    if isinstance(value, str):  # some databases hand a JSON subquery back as text
        value = json.loads(value)
    return tuple(value) if isinstance(value, list) else ()


def disclosure_rows(partner: Partner, rows: Iterable[Disclosure]) -> Iterator[DisclosureRow]:
    for row in rows:
        values = row.__dict__
        yield DisclosureRow(
            created_at=row.created_at,
            app=row.app.slug if row.app else "",
            school=(values.get("school_code_brin") or "") + (values.get("school_code_location") or ""),
            person_kind=row.person_kind,
            pseudonym=pairwise_subject(partner.sector_id, row.person, settings.PSEUDONYM_SECRET),
            fields=tuple(row.fields),
            purpose=row.purpose,
            consent_receipt=str(values.get("consent_receipt") or ""),
            consent_categories=_categories(values.get("consent_categories")),
        )
