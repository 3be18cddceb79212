"""Login cards for a group or one pupil (accounts.pupils.login_cards): /klas/<group>/kaarten/.

GET: who gets a card and what printing does (every earlier card of those pupils stops working):
that page is the confirmation step. POST: new cards, answered with the printable sheet (A4, ten
cards a page: picture, name, the school's pupil link, the code and the QR code). The sheet is the
only place a card's secret is ever shown, so it is never cached; printing again makes new cards.
Each form on the page carries a one-time token (kept in the session): reloading the sheet sends the
same POST again, and that is refused (back to the page, the printed cards keep working) instead of
silently revoking the cards just printed. Only the school's coordinators and the group's own
teachers; anyone else gets 403 and nothing changes.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from klaspoort.accounts.permissions import can_print_login_cards
from klaspoort.accounts.pupils.actions import group_credentials
from klaspoort.accounts.pupils.login_cards import IssuedCard, NotAllowed, do_issue_login_cards
from klaspoort.accounts.pupils.queries import has_credential, parse_ref
from klaspoort.classroom.access import StaffAccess, denied, staff_view
from klaspoort.classroom.lookups import visible_group
from klaspoort.classroom.names import pupil_labels
from klaspoort.core.qr import qr_svg
from klaspoort.roster.models import Group

CARDS_PER_PAGE = 10
FORM_KEY = "kp_login_cards_form"
NOT_YOURS = gettext_lazy(
    "Inlogkaarten maken de leerkrachten van de groep en de ICT-coördinatoren. Deze groep hoort niet bij jou."
)


@dataclass(frozen=True)
class PrintedCard:
    label: str
    picture: str
    qr: SafeString
    pin: str
    pictures: list[str]


def _allowed_group(access: StaffAccess, group: str) -> Group | None:
    found = visible_group(access, group)
    if found is None or not can_print_login_cards(access.placement, found):
        return None
    return found


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view
def cards(request: HttpRequest, access: StaffAccess, group: str) -> HttpResponse:
    found = _allowed_group(access, group)
    if found is None:
        return denied(request, NOT_YOURS)
    members = group_credentials(found)
    pupils = [membership.pupil for membership in members]
    labels = pupil_labels(pupils)
    if request.method == "POST":
        if not _fresh_form(request):
            messages.info(
                request,
                _(
                    "Deze kaarten waren al gemaakt; er is niets veranderd. Wil je toch nieuwe kaarten, "
                    "kies dan hieronder opnieuw: de vorige kaarten werken daarna niet meer."
                ),
            )
            return redirect(reverse("classroom:cards", args=[found.uuid]))
        return _print(request, access, found, labels)
    rows = [(pupil, labels[pupil.pk], has_credential(pupil)) for pupil in pupils]
    token = secrets.token_urlsafe(16)
    request.session[FORM_KEY] = token
    return render(request, "classroom/cards.html", {"group": found, "rows": rows, "form_token": token})


def _fresh_form(request: HttpRequest) -> bool:
    """Is this POST the first one from the page just shown? (Its token is used up either way.)"""
    expected = request.session.pop(FORM_KEY, "")
    given = request.POST.get("form", "")
    return bool(expected) and hmac.compare_digest(str(expected).encode(), given.encode())


def _print(request: HttpRequest, access: StaffAccess, group: Group, labels: dict[int, str]) -> HttpResponse:
    wanted = request.POST.get("pupil", "")
    pupil = parse_ref(wanted) if wanted else None
    if wanted and pupil is None:
        return denied(request, _("Deze leerling zit niet in deze groep."), status=400)
    try:
        issued = do_issue_login_cards(access.placement, group, pupil, actor=access.actor)
    except NotAllowed:
        return denied(request, NOT_YOURS)
    if not issued:
        messages.error(request, _("Er is geen kaart gemaakt: deze leerling zit niet (meer) in deze groep."))
        return redirect(reverse("classroom:cards", args=[group.uuid]))
    printed = [_printed(card, labels) for card in issued]
    pages = [printed[start : start + CARDS_PER_PAGE] for start in range(0, len(printed), CARDS_PER_PAGE)]
    context = {
        "group": group,
        "pages": pages,
        "count": len(printed),
        "pupil_link": f"{settings.BASE_URL}/s/{group.school.instelling_ref}/",
    }
    return render(request, "classroom/card_sheet.html", context)


def _printed(card: IssuedCard, labels: dict[int, str]) -> PrintedCard:
    pupil = card.membership.pupil
    label = labels.get(pupil.pk, pupil.full_name)
    title = _("QR-code om in te loggen als %(name)s") % {"name": label}
    qr = qr_svg(card.url, title=title, scale=3)
    return PrintedCard(label, card.credential.picture, qr, card.pin, card.pictures)
