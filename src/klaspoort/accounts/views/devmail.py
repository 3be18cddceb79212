"""Development-only mail box (`/dev/mail/`): the `.eml` files the embedded mail backend wrote."""

from __future__ import annotations

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

NAME_RE = re.compile(r"^[0-9A-Za-z._-]+\.eml$")
MAX_LISTED = 200


def _mail_dir() -> Path:
    if not settings.DEVELOPMENT:
        raise Http404
    return Path(settings.EMAIL_FILE_PATH)


def _parse(path: Path) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)
    return message


def mail_list_view(request: HttpRequest) -> HttpResponse:
    directory = _mail_dir()
    files = sorted(directory.glob("*.eml"), reverse=True)[:MAX_LISTED] if directory.is_dir() else []
    mails = []
    for path in files:
        message = _parse(path)
        mails.append(
            {"name": path.name, "to": message["to"], "subject": message["subject"], "date": message["date"]}
        )
    return render(request, "accounts/dev_mail_list.html", {"mails": mails})


def mail_detail_view(request: HttpRequest, name: str) -> HttpResponse:
    directory = _mail_dir()
    if not NAME_RE.match(name) or not (directory / name).is_file():
        raise Http404
    message = _parse(directory / name)
    part = message.get_body(preferencelist=("plain",))
    body = part.get_content() if part is not None else ""
    return render(
        request,
        "accounts/dev_mail_detail.html",
        {"to": message["to"], "subject": message["subject"], "date": message["date"], "body": body},
    )
