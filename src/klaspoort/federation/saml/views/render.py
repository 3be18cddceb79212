"""Pages the SAML views answer with: the auto-submitting POST form, a refusal, "not switched on"."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from klaspoort.accounts.principal import Principal
from klaspoort.core.csp import allow_form_action
from klaspoort.federation.saml import partners
from klaspoort.federation.saml.actions import Refused, SamlPost, do_issue_response
from klaspoort.federation.saml.request_parser import SamlRequestError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


logger = logging.getLogger("klaspoort.federation.saml")


def post_form(request: HttpRequest, post: SamlPost) -> HttpResponse:
    response = render(
        request,
        "saml/post_form.html",
        {
            "acs_url": post.acs_url,
            "saml_response": post.saml_response,
            "relay_state": post.relay_state,
            "partner_name": post.partner_name,
        },
    )
    response["Cache-Control"] = "no-store"
    return allow_form_action(response, post.acs_url)


def refused(request: HttpRequest, message: StrOrPromise, *, status: int = 400) -> HttpResponse:
    response = render(request, "saml/refused.html", {"message": message}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def refused_request(request: HttpRequest, error: SamlRequestError) -> HttpResponse:
    logger.info("SAML request refused: %s", error.code)
    return refused(request, error.message)


def issue(
    request: HttpRequest,
    principal: Principal,
    app: partners.SamlApp,
    *,
    acs_url: str,
    in_response_to: str | None,
    relay_state: str,
) -> HttpResponse:
    """Issue and post the response, or show the "not switched on" page and issue nothing."""
    try:
        post = do_issue_response(
            principal, app, acs_url=acs_url, in_response_to=in_response_to, relay_state=relay_state
        )
    except Refused as refusal:
        return partners.refusal_page(request, app, refusal)
    return post_form(request, post)
