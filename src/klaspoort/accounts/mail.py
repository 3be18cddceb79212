"""Rendering mails from templates and queuing them (`outbox`): sent by a background job after commit.

A mail named `activation` consists of `templates/accounts/mail/activation_subject.txt` (one line)
and `activation.txt` (plain-text body); other apps pass their own template prefix.

    render_mail(to, template, context, *, language=None) -> EmailMessage
    send_mail_from_template(to, template, context, *, language=None) -> None
    send_mails(messages) -> int                         queued after commit (one SMTP connection for them)
    absolute_url(path) -> str                           settings.BASE_URL + path, for links in mails
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def render_mail(
    to: str, template: str, context: Mapping[str, Any], *, language: str | None = None
) -> EmailMessage:
    prefix = template if "/" in template else f"accounts/mail/{template}"
    with translation.override(language or settings.LANGUAGE_CODE):
        full_context = {"base_url": settings.BASE_URL, **context}
        subject = " ".join(render_to_string(f"{prefix}_subject.txt", full_context).split())
        body = render_to_string(f"{prefix}.txt", full_context)
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])


def send_mails(messages: Iterable[EmailMessage]) -> int:
    """Queue `messages`; they are sent when the current transaction commits (never inside a request:
    retried with backoff, failed ones listed for operators). Returns how many were queued."""
    from klaspoort.accounts import outbox

    return len(outbox.queue(messages))


def send_mail_from_template(
    to: str, template: str, context: Mapping[str, Any], *, language: str | None = None
) -> None:
    send_mails([render_mail(to, template, context, language=language)])
