"""Deciding a launch: consent and licence are checked again, then the product's launch method says
where the browser goes. Returns a plain decision; the view turns it into a response.

- oidc: OpenID Connect third-party-initiated login: to the app's `initiate_login_uri` with `iss`,
  `login_hint` (the person's pairwise `sub` for that partner) and `target_link_uri` (the product's
  launch URL); the app then starts an ordinary authorization code flow with us.
- saml: an unsolicited (IdP-initiated) SAML response, posted by `/saml/idp-initiated/<app>/` to the
  product's launch URL, which must be one of the app's registered ACS URLs.
- link: a plain link to the product's launch URL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.urls import reverse
from django.utils.translation import gettext_lazy

from klaspoort.accounts.principal import Principal
from klaspoort.federation.disclosure import DisclosureRefused, disclose
from klaspoort.federation.models import Disclosure, PartnerApp
from klaspoort.portal.licences import licence_answers
from klaspoort.portal.partners import licensed_app, licensed_apps, ticked_saml_apps
from klaspoort.portal.products import Product, role_for, visible_products
from klaspoort.portal.signing import platform_issuer

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Go:
    url: str
    app: str
    product: str
    method: str


@dataclass(frozen=True)
class Refusal:
    reason: str  # stable code for logs and tests
    message: StrOrPromise  # for the person, in their language
    status: int = 403


NOT_ENABLED = Refusal(
    "not_enabled",
    gettext_lazy(
        "Je school heeft deze software niet aangezet. Vraag je leerkracht of ICT-coördinator om hulp."
    ),
)
NO_LICENCE = Refusal(
    "no_licence",
    gettext_lazy("Je hebt op dit moment geen licentie voor deze software. Vraag je leerkracht om hulp."),
    404,
)
UNAVAILABLE = Refusal(
    "unavailable",
    gettext_lazy(
        "De uitgever van deze software is nu niet bereikbaar. Probeer het over een paar minuten opnieuw."
    ),
    503,
)
NOT_CONFIGURED = Refusal(
    "not_configured",
    gettext_lazy(
        "Deze software kan nu niet vanuit klaspoort worden gestart: de uitgever heeft de koppeling niet "
        "compleet ingesteld. Meld dit bij je ICT-coördinator."
    ),
)
UNKNOWN_TARGET = Refusal(
    "unknown_target",
    gettext_lazy(
        "Deze link wijst naar software die je school niet heeft aangezet of waarvoor je geen licentie hebt."
    ),
    404,
)
MISSING_TARGET = Refusal(
    "missing_target",
    gettext_lazy("Deze link is niet compleet: er staat niet in welke software je wilt openen."),
    400,
)


def plan_launch(principal: Principal, app_slug: str, product_id: str) -> Go | Refusal:
    app = licensed_app(principal.school, app_slug)
    if app is None:
        return NOT_ENABLED
    product = _licensed_product(principal, app, lambda p: p.id == product_id)
    if isinstance(product, Refusal):
        return product
    return _go(principal, app, product)


def plan_target_launch(principal: Principal, target: str) -> Go | Refusal:
    """The source platform's deep link (`TARGET`): a licensed product whose launch URL is `target`,
    or else a ticked app with `target` as a registered SAML ACS URL."""
    apps = licensed_apps(principal.school)
    answers = licence_answers(principal, apps)
    role = role_for(principal.kind)
    for answer in answers:
        for product in visible_products(answer.products or (), role, principal.context):
            if product.launch_url == target:
                return _go(principal, answer.app, product)
    for app in ticked_saml_apps(principal.school):
        if target in (app.saml_acs_urls or []):
            return Go(_saml_url(app, target), app.slug, "", "saml")
    return UNKNOWN_TARGET


def _licensed_product(
    principal: Principal, app: PartnerApp, match: Callable[[Product], bool]
) -> Product | Refusal:
    (answer,) = licence_answers(principal, [app])
    if answer.refused:
        return NOT_ENABLED
    if answer.products is None:
        return UNAVAILABLE
    role = role_for(principal.kind)
    for product in visible_products(answer.products, role, principal.context):
        if match(product):
            return product
    return NO_LICENCE


def _go(principal: Principal, app: PartnerApp, product: Product) -> Go | Refusal:
    if product.launch_method == "link":
        return Go(product.launch_url, app.slug, product.id, "link")
    if product.launch_method == "saml":
        if not app.saml_entity_id or product.launch_url not in (app.saml_acs_urls or []):
            return NOT_CONFIGURED
        return Go(_saml_url(app, product.launch_url), app.slug, product.id, "saml")
    if not app.client_id or not app.initiate_login_uri:
        return NOT_CONFIGURED
    try:
        released = disclose(principal, app, purpose=Disclosure.Purpose.OIDC, requested=())
    except DisclosureRefused:
        return NOT_ENABLED
    url = with_query(
        app.initiate_login_uri,
        {"iss": platform_issuer(), "login_hint": released.sub, "target_link_uri": product.launch_url},
    )
    return Go(url, app.slug, product.id, "oidc")


def _saml_url(app: PartnerApp, acs_url: str) -> str:
    """The SAML IdP's entry point for an unsolicited response (it re-checks consent itself)."""
    return reverse("saml:idp_initiated", args=[app.slug]) + "?" + urlencode({"target": acs_url})


def with_query(url: str, params: dict[str, str]) -> str:
    """`url` with `params` added to its query string (existing parameters are kept)."""
    parts = urlsplit(url)
    query = "&".join(part for part in (parts.query, urlencode(params)) if part)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
