"""/saml/sso/ — SP-initiated single sign-on (HTTP-Redirect or HTTP-POST request, HTTP-POST response).

A signed-in person gets the auto-submitting form at once. Otherwise (or when the SP asks for
ForceAuthn) the validated request is sealed into a short-lived token and the person signs in
first, then lands on /saml/sso/resume/. IsPassive without a usable sign-in is answered with a
NoPassive status instead of a login page. A POSTed
request always goes through that token: the session cookie (SameSite=Lax) does not come along on a
cross-site POST, so it is answered after a same-site GET.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from klaspoort.accounts.principal import current_principal
from klaspoort.core.clock import now
from klaspoort.federation.saml import partners
from klaspoort.federation.saml.actions import no_passive_post
from klaspoort.federation.saml.idp import identity_provider
from klaspoort.federation.saml.pending import PendingRequest, seal, unseal
from klaspoort.federation.saml.receive import first_use, receive_post, receive_redirect
from klaspoort.federation.saml.request_parser import SamlRequestError
from klaspoort.federation.saml.views.render import issue, post_form, refused, refused_request

EXPIRED_MESSAGE = _(
    "Het inlogverzoek is verlopen of ongeldig. Ga terug naar de software en probeer opnieuw in te loggen."
)


@csrf_exempt  # SPs post AuthnRequests cross-site; nothing is changed before the person signs in
@require_http_methods(["GET", "POST"])
def single_sign_on(request: HttpRequest) -> HttpResponse:
    sso_url = identity_provider().sso_url
    try:
        if request.method == "POST":
            received = receive_post(request.POST, sso_url=sso_url, now=now())
        else:
            received = receive_redirect(
                request.GET, request.META.get("QUERY_STRING", ""), sso_url=sso_url, now=now()
            )
        first_use(received, now=now())
    except SamlRequestError as error:
        return refused_request(request, error)
    pending = PendingRequest(
        sp_entity_id=received.app.service_provider.entity_id,
        acs_url=received.acs_url,
        request_id=received.request.id,
        relay_state=received.relay_state,
        is_passive=received.request.is_passive,
        force_authn=received.request.force_authn,
        received_at=int(now().timestamp()),
    )
    principal = current_principal(request) if request.method == "GET" else None
    if principal is not None and pending.accepts(principal.auth_time):
        return issue(
            request,
            principal,
            received.app,
            acs_url=pending.acs_url,
            in_response_to=pending.request_id,
            relay_state=pending.relay_state,
        )
    if request.method == "GET" and pending.is_passive:
        return _no_passive(request, received.app, pending)
    token = seal(pending)
    resume_url = f"{reverse('saml:resume')}?{urlencode({'p': token})}"
    if request.method == "POST":
        return HttpResponseRedirect(resume_url, status=303)
    return redirect_to_login(resume_url, settings.LOGIN_URL)


@require_GET
def resume(request: HttpRequest) -> HttpResponse:
    pending = unseal(request.GET.get("p", ""))
    if pending is None:
        return refused(request, EXPIRED_MESSAGE)
    app = partners.app_by_entity_id(pending.sp_entity_id)
    if app is None or pending.acs_url not in app.service_provider.acs_urls:
        return refused(request, EXPIRED_MESSAGE)
    principal = current_principal(request)
    if principal is None or not pending.accepts(principal.auth_time):
        if pending.is_passive:
            return _no_passive(request, app, pending)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    return issue(
        request,
        principal,
        app,
        acs_url=pending.acs_url,
        in_response_to=pending.request_id,
        relay_state=pending.relay_state,
    )


def _no_passive(request: HttpRequest, app: partners.SamlApp, pending: PendingRequest) -> HttpResponse:
    """IsPassive and nobody signed in: tell the SP so (NoPassive) instead of showing a login page."""
    post = no_passive_post(
        app, acs_url=pending.acs_url, in_response_to=pending.request_id, relay_state=pending.relay_state
    )
    return post_form(request, post)
