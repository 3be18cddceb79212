"""/saml/idp-initiated/<app id>/ — unsolicited response for the signed-in person (portal launch).

`target` (optional) is the SP endpoint to post to, as in the source platform's shortcut links
(`TARGET` = the partner's SAML endpoint); it must be one of the ACS URLs registered for the app,
otherwise the default ACS is used when absent. `RelayState` (optional) is passed through, e.g. a
deep link inside the partner's software.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from klaspoort.accounts.principal import current_principal
from klaspoort.federation.saml import partners
from klaspoort.federation.saml.receive import MAX_RELAY_STATE_CHARS, RELAY_STATE_MESSAGE
from klaspoort.federation.saml.views.render import issue, refused

UNKNOWN_APP_MESSAGE = _("Deze software is niet bij klaspoort bekend, dus er is niets verstuurd.")
UNKNOWN_TARGET_MESSAGE = _(
    "Deze link wijst naar een adres dat niet bij de software is geregistreerd, dus er is niets verstuurd. "
    "Meld dit aan de leverancier van de software."
)


@require_GET
def idp_initiated(request: HttpRequest, app_id: str) -> HttpResponse:
    app = partners.app_by_public_id(app_id)
    if app is None:
        return refused(request, UNKNOWN_APP_MESSAGE, status=404)
    target = request.GET.get("target", "") or app.service_provider.default_acs_url
    if target not in app.service_provider.acs_urls:
        return refused(request, UNKNOWN_TARGET_MESSAGE)
    relay_state = request.GET.get("RelayState", "")
    if len(relay_state) > MAX_RELAY_STATE_CHARS:
        return refused(request, RELAY_STATE_MESSAGE)
    principal = current_principal(request)
    if principal is None:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    return issue(request, principal, app, acs_url=target, in_response_to=None, relay_state=relay_state)
