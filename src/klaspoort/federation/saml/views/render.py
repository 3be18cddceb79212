"""Pages the SAML views answer with: the auto-submitting POST form, a refusal, "not switched on"."""

from __future__ import annotations

import logging
import re
import threading
from types import SimpleNamespace
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

from klaspoort.accounts.principal import Principal
from klaspoort.core.csp import allow_form_action
from klaspoort.federation.saml import partners
from klaspoort.federation.saml.actions import Refused, SamlPost, do_issue_response
from klaspoort.federation.saml.request_parser import SamlRequestError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


logger = logging.getLogger("klaspoort.federation.saml")


POST_FORM = "saml/post_form.html"
# The auto-submitting form is the same page for every response but for these values: it is
# rendered once per language (with and without RelayState) with a marker in their place, and each
# response fills in its values, escaped as the template would escape them. Markers contain no
# character that escaping changes.
_FILLED_IN = ("acs_url", "saml_response", "relay_state", "partner_name", "nonce")
_MARKERS = {name: f"\x1e{name}\x1f" for name in _FILLED_IN}
_MARKER = re.compile("\x1e([a-z_]+)\x1f")  # one pass: a value is never searched for markers
_forms: dict[tuple[str, bool], str] = {}
_forms_lock = threading.Lock()


def _form_page(with_relay_state: bool) -> str:
    key = (translation.get_language() or "", with_relay_state)
    page = _forms.get(key)
    if page is None:
        context = {name: marker for name, marker in _MARKERS.items() if name != "nonce"}
        if not with_relay_state:
            context["relay_state"] = ""
        context["request"] = SimpleNamespace(csp_nonce=_MARKERS["nonce"])  # type: ignore[assignment]
        page = render_to_string(POST_FORM, context)
        with _forms_lock:
            _forms[key] = page
    return page


def _escape(value: str) -> str:
    """What the template's autoescape makes of `value` (`django.utils.html.escape`), without the
    five copying passes when it holds none of the five characters escaping changes: the
    SAMLResponse is ~8 KB of base64, which never does."""
    text = str(value)
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return escape(text)
    return text


def post_form(request: HttpRequest, post: SamlPost) -> HttpResponse:
    values = {
        "acs_url": post.acs_url,
        "saml_response": post.saml_response,
        "relay_state": post.relay_state,
        "partner_name": post.partner_name,
        "nonce": request.csp_nonce,  # type: ignore[attr-defined]
    }
    escaped = {name: _escape(value) for name, value in values.items()}
    page = _MARKER.sub(lambda found: escaped[found.group(1)], _form_page(bool(post.relay_state)))
    response = HttpResponse(page)
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
