"""The language a person's mails are written in (Account.language).

Staff and operators: the language they chose with the switch while signed in, or signed in with.
Parents: the language of their last visit (sign-in or switch). Unknown: Dutch. Stored with one
UPDATE, and only when it changed (empty counts as Dutch), so a sign-in usually costs nothing extra.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views import i18n
from django.views.decorators.http import require_POST

from klaspoort.accounts.models import Account
from klaspoort.core.language import supported


def remember_language(account: Account, language: str | None = None) -> None:
    chosen = supported(language or translation.get_language() or "")
    if chosen is None or account.pk is None or chosen == (account.language or settings.LANGUAGE_CODE):
        return  # unknown is Dutch already
    Account.objects.filter(pk=account.pk).update(language=chosen)
    account.language = chosen


def mail_language(account: Account) -> str:
    return supported(account.language) or settings.LANGUAGE_CODE


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (cookie; `next` stays on this site), and the signed-in person's
    mails follow the choice."""
    response = i18n.set_language(request)
    chosen = supported(request.POST.get("language", ""))
    user = getattr(request, "user", None)
    if chosen and isinstance(user, Account) and user.is_authenticated:
        remember_language(user, chosen)
    return response
