"""The school's licence overview (D6): per product, which groups and how many pupils and teachers
have a licence, asked live from every ticked publisher (docs/partners/licences.md, "The school's
licence overview").

The request is the licence request's JWT with `purpose` "school_licences", no `sub` and every
current group of the school (pairwise ids); its data comes from `federation.disclosure
.disclose_school`, which checks consent and records the release. All publishers are asked at once
(`fanout.fetch_all_parsed`), each within the portal's timeout; one that is slow, errs or answers
badly is shown as "no answer". An answer is kept only for the portal's short cache time
(`PORTAL_LICENCE_CACHE_SECONDS`), never longer and never as a stale fallback, and only for the
school that asked (the key holds the school).

    parse_school_answer(body, limits) -> tuple[SchoolProduct, ...]      pure, raises AnswerRejected
    school_overview(principal) -> list[AppOverview]
    next_year_overview(principal, start_year, group_uuids) -> list[AppOverview]

`next_year_overview` asks the same way about a later school year's staged groups (the teacher's
readiness page, E2): the request names the year (`school_year`, and `in_force: false`), carries only
those groups, and the answers are what the groups *will* see on the start day, not yet in force.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.core.cache import BaseCache, cache

from klaspoort.accounts.principal import Principal
from klaspoort.core.codes import school_year_label
from klaspoort.federation.disclosure import DisclosureRefused, ReleasedSchoolGroups, disclose_school
from klaspoort.federation.models import PartnerApp
from klaspoort.portal.answer import (
    CONTROL_CHARACTERS,
    MAX_NAME_LENGTH,
    PRODUCT_ID,
    AnswerLimits,
    AnswerRejected,
)
from klaspoort.portal.config import PortalConfig, portal_config
from klaspoort.portal.fanout import LicenceCall, fetch_all_parsed
from klaspoort.portal.partners import licensed_apps
from klaspoort.portal.products import AUDIENCES
from klaspoort.portal.request_token import LIFETIME_SECONDS, TOKEN_TYPE, audience_of
from klaspoort.portal.signing import platform_issuer, sign_jwt

PURPOSE = "school_licences"
KEY_PREFIX = "portal:school-licences:"
MAX_COUNT = 100_000


@dataclass(frozen=True)
class GroupCount:
    group: str  # the pairwise group id of the request
    pupils: int
    teachers: int


@dataclass(frozen=True)
class SchoolProduct:
    id: str
    name: str
    audience: str
    pupils: int
    teachers: int
    groups: tuple[GroupCount, ...]


@dataclass(frozen=True)
class GroupRow:
    name: str
    year_group: str
    pupils: int
    teachers: int


@dataclass(frozen=True)
class ProductRow:
    product: SchoolProduct
    groups: tuple[GroupRow, ...]  # the school's groups this product is licensed to, by name


@dataclass(frozen=True)
class AppOverview:
    """One app's answer; `products` None: no answer (slow, down, bad answer or no consent)."""

    app: PartnerApp
    products: tuple[ProductRow, ...] | None


def _count(item: dict[str, Any], field: str, where: str) -> int:
    value = item.get(field, 0)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
        raise AnswerRejected(f"{where}.{field} must be a whole number from 0 to {MAX_COUNT}")
    return value


def _group(item: object, where: str) -> GroupCount:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
        raise AnswerRejected(f"{where} must be an object with a group 'id'")
    return GroupCount(item["id"], _count(item, "pupils", where), _count(item, "teachers", where))


def _school_product(item: object, index: int) -> SchoolProduct:
    where = f"products[{index}]"
    if not isinstance(item, dict):
        raise AnswerRejected(f"{where} must be an object")
    product_id, name, audience = item.get("id"), item.get("name"), item.get("audience")
    if not isinstance(product_id, str) or not PRODUCT_ID.fullmatch(product_id):
        raise AnswerRejected(f"{where}.id must be 1-64 letters, digits, '.', '_' or '-'")
    if (
        not isinstance(name, str)
        or not name.strip()
        or len(name) > MAX_NAME_LENGTH
        or CONTROL_CHARACTERS.search(name)
    ):
        raise AnswerRejected(f"{where}.name must be 1-{MAX_NAME_LENGTH} printable characters")
    if audience not in AUDIENCES:
        raise AnswerRejected(f"{where}.audience must be one of {', '.join(AUDIENCES)}")
    groups = item.get("groups", [])
    if not isinstance(groups, list):
        raise AnswerRejected(f"{where}.groups must be a list")
    return SchoolProduct(
        id=product_id,
        name=name.strip(),
        audience=str(audience),
        pupils=_count(item, "pupils", where),
        teachers=_count(item, "teachers", where),
        groups=tuple(_group(group, f"{where}.groups[{g}]") for g, group in enumerate(groups)),
    )


def parse_school_answer(body: bytes, limits: AnswerLimits) -> tuple[SchoolProduct, ...]:
    """A publisher's school-level answer as products with counts, or AnswerRejected (pure)."""
    if len(body) > limits.max_bytes:
        raise AnswerRejected(f"answer larger than {limits.max_bytes} bytes")
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise AnswerRejected(f"answer is not valid UTF-8 JSON: {error}") from None
    items = document.get("products") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise AnswerRejected("answer must be an object with a 'products' list")
    if len(items) > limits.max_products:
        raise AnswerRejected(f"more than {limits.max_products} products")
    products = tuple(_school_product(item, index) for index, item in enumerate(items))
    if len({product.id for product in products}) != len(products):
        raise AnswerRejected("a product id appears twice")
    return products


def school_claims(
    released: ReleasedSchoolGroups, *, issuer: str, audience: str, issued_at: int, jti: str
) -> dict[str, Any]:
    """The request's JWT claims (pure): the school and its groups, no person."""
    return {
        "iss": issuer,
        "aud": audience,
        "iat": issued_at,
        "exp": issued_at + LIFETIME_SECONDS,
        "jti": jti,
        "purpose": PURPOSE,
        "school": asdict(released.school),
        "groups": [asdict(group) for group in released.groups],
    }


def _rows(products: tuple[SchoolProduct, ...], released: ReleasedSchoolGroups) -> tuple[ProductRow, ...]:
    """The answer with the school's own group names; counts for groups we did not send are dropped."""
    named = {group.id: group for group in released.groups}
    rows = []
    for product in products:
        groups = tuple(
            GroupRow(named[count.group].name, named[count.group].year_group, count.pupils, count.teachers)
            for count in product.groups
            if count.group in named
        )
        rows.append(ProductRow(product, tuple(sorted(groups, key=lambda g: (g.year_group, g.name)))))
    return tuple(sorted(rows, key=lambda row: (row.product.name.casefold(), row.product.id)))


def _key(app: PartnerApp, school_ref: str) -> str:
    return KEY_PREFIX + hashlib.sha256(f"{app.slug}\x1f{school_ref}".encode()).hexdigest()[:40]


def _encode(rows: tuple[ProductRow, ...]) -> list[dict[str, Any]]:
    return [asdict(row) for row in rows]


def _decode(raw: Any) -> tuple[ProductRow, ...] | None:
    if not isinstance(raw, list):
        return None
    try:
        return tuple(
            ProductRow(
                SchoolProduct(
                    **{**row["product"], "groups": tuple(GroupCount(**g) for g in row["product"]["groups"])}
                ),
                tuple(GroupRow(**g) for g in row["groups"]),
            )
            for row in raw
        )
    except (KeyError, TypeError):
        return None


def school_overview(
    principal: Principal, *, config: PortalConfig | None = None, store: BaseCache | None = None
) -> list[AppOverview]:
    """Every ticked app with a licence endpoint and what it answered for the whole school."""
    return _overview(principal, config=config, store=store)


def next_year_overview(
    principal: Principal,
    start_year: int,
    group_uuids: Sequence[uuid.UUID],
    *,
    config: PortalConfig | None = None,
    store: BaseCache | None = None,
) -> list[AppOverview]:
    """Every ticked app with a licence endpoint and what it answered for the staged groups
    `group_uuids` of school year `start_year` (nobody is asked when there are none)."""
    if not group_uuids:
        return []
    return _overview(principal, config=config, store=store, start_year=start_year, group_uuids=group_uuids)


def _overview(
    principal: Principal,
    *,
    config: PortalConfig | None,
    store: BaseCache | None,
    start_year: int | None = None,
    group_uuids: Sequence[uuid.UUID] | None = None,
) -> list[AppOverview]:
    config = config or portal_config()
    store = store if store is not None else cache
    apps: Sequence[PartnerApp] = licensed_apps(principal.school)
    school_ref = str(principal.school)
    if start_year is not None:  # another question, kept apart: the year and the groups asked about
        groups = ",".join(sorted(str(group) for group in group_uuids or ()))
        school_ref = f"{school_ref}\x1f{start_year}\x1f{groups}"
    found = store.get_many([_key(app, school_ref) for app in apps])
    results: dict[str, tuple[ProductRow, ...] | None] = {}
    to_ask = []
    for app in apps:
        rows = _decode(found.get(_key(app, school_ref)))
        if rows is not None:
            results[app.slug] = rows
        else:
            to_ask.append(app)
    calls, releases = [], {}
    issuer, issued_at = platform_issuer(), int(time.time())
    released_all = disclose_school(principal, to_ask, start_year=start_year, group_uuids=group_uuids)
    for app, released in zip(to_ask, released_all, strict=True):
        if isinstance(released, DisclosureRefused):
            results[app.slug] = None
            continue
        releases[app.slug] = released
        claims = school_claims(
            released,
            issuer=issuer,
            audience=audience_of(app),
            issued_at=issued_at,
            jti=secrets.token_urlsafe(16),
        )
        if start_year is not None:
            claims.update(school_year=school_year_label(start_year), in_force=False)
        calls.append(LicenceCall(app.slug, app.licence_endpoint_url, sign_jwt(claims, typ=TOKEN_TYPE)))
    fresh: dict[str, object] = {}
    for outcome in fetch_all_parsed(calls, parse_school_answer, timeout=config.timeout, limits=config.limits):
        if outcome.products is None:
            results[outcome.publisher] = None
            continue
        rows = _rows(outcome.products, releases[outcome.publisher])
        results[outcome.publisher] = rows
        fresh[_key(next(a for a in to_ask if a.slug == outcome.publisher), school_ref)] = _encode(rows)
    if fresh:
        store.set_many(fresh, timeout=max(1, int(config.fresh_seconds)))
    return [AppOverview(app, results.get(app.slug)) for app in apps]
