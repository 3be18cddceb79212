from __future__ import annotations

import socket
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMessage
from django.test import Client

from klaspoort.accounts.mail import render_mail, send_mail_from_template, send_mails
from klaspoort.accounts.models import Account, OutgoingMail
from klaspoort.accounts.staff import send_activation_mails
from klaspoort.registry.models import SchoolLocation


def test_render_activation_mail(settings) -> None:
    settings.BASE_URL = "https://klaspoort.example"
    message = render_mail(
        "a@school.example",
        "activation",
        {"link": "https://klaspoort.example/activate/x/", "name": "Anna", "days": 14},
    )
    assert message.subject == "Activeer je klaspoort-account"
    assert message.to == ["a@school.example"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    lines = message.body.splitlines()
    assert lines[0] == "Beste Anna,"
    assert "https://klaspoort.example/activate/x/" in lines
    assert "De link werkt één keer en 14 dagen lang. Een nieuwere mail vervangt deze link." in lines


def test_render_in_english() -> None:
    message = render_mail("a@school.example", "password_reset", {"link": "L", "days": 14}, language="en")
    assert message.subject == "A new password for klaspoort"
    assert message.body.splitlines()[0] == "Hello,"
    assert "L" in message.body.splitlines()


def test_no_html_escaping_in_plain_text_mail() -> None:
    message = render_mail(
        "a@x.example", "activation", {"link": "https://x.example/?a=1&b=2", "name": "O'Neil"}
    )
    assert "https://x.example/?a=1&b=2" in message.body
    assert "Beste O'Neil," in message.body


@pytest.mark.django_db
def test_send_mails_queues_them_for_after_commit(mailoutbox, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = send_mails(
            [EmailMessage("s1", "b", to=["a@x.example"]), EmailMessage("s2", "b", to=["b@x.example"])]
        )
        assert queued == 2
        assert list(OutgoingMail.objects.values_list("subject", "status")) == [
            ("s2", "pending"),
            ("s1", "pending"),
        ]
    assert len(callbacks) == 1
    assert [m.subject for m in mailoutbox] == ["s1", "s2"]
    assert sorted(OutgoingMail.objects.values_list("subject", "status", "body_encrypted")) == [
        ("s1", "sent", ""),
        ("s2", "sent", ""),
    ]
    assert send_mails([]) == 0


@pytest.mark.django_db
def test_eml_backend_writes_one_file_per_message(
    settings, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    settings.EMAIL_BACKEND = "klaspoort.accounts.mail_backend.EmlFileBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    with django_capture_on_commit_callbacks(execute=True):
        send_mails(
            [
                EmailMessage("Eén", "body één", to=["a@x.example"]),
                EmailMessage("Twee", "b", to=["b@x.example"]),
            ]
        )
    files = sorted((tmp_path / "mail").iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]
    parsed = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert sorted(str(m["subject"]) for m in parsed) == ["Eén", "Twee"]
    assert {str(m["to"]) for m in parsed} == {"a@x.example", "b@x.example"}


class _Recorder:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd API)
        self.envelopes.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    recorder = _Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield recorder
    controller.stop()


@pytest.mark.django_db
def test_activation_mails_through_a_real_smtp_server(
    smtp_server: _Recorder, settings, django_capture_on_commit_callbacks
) -> None:
    settings.BASE_URL = "https://klaspoort.example"
    school = SchoolLocation.objects.create(brin="12AB", location_code="00", name="De Regenboog")
    accounts = [Account.objects.create_user(f"leerkracht{i}@school.example", kind="staff") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        assert send_activation_mails([(a, None) for a in accounts], school=school) == 3
        assert smtp_server.envelopes == []  # only after commit
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == [a.email for a in accounts]
    message = message_from_bytes(smtp_server.envelopes[0].content, policy=policy.default)
    assert str(message["subject"]) == "Activeer je klaspoort-account"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "https://klaspoort.example/activate/" in body
    assert "De Regenboog" in body


@pytest.mark.django_db
def test_send_mail_from_template_through_smtp(
    smtp_server: _Recorder, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        send_mail_from_template(
            "x@school.example", "password_reset", {"link": "https://k.example/r/", "days": 14}
        )
    assert len(smtp_server.envelopes) == 1
    assert smtp_server.envelopes[0].rcpt_tos == ["x@school.example"]


def _write_mail(directory: Path) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    message = render_mail(
        "a@x.example", "activation", {"link": "http://testserver/activate/abc/", "name": "Anna"}
    )
    (directory / "20261128-120000-000000-aaaa.eml").write_bytes(message.message().as_bytes())
    return "20261128-120000-000000-aaaa.eml"


def test_dev_mail_page_lists_and_shows_mails(client: Client, settings, tmp_path: Path) -> None:
    settings.DEVELOPMENT = True
    settings.EMAIL_FILE_PATH = tmp_path
    name = _write_mail(tmp_path)
    listing = client.get("/dev/mail/")
    assert listing.status_code == 200
    assert "Activeer je klaspoort-account" in listing.content.decode()
    label = "Alleen op een ontwikkelmachine: klaspoort bewaart mail hier als bestand in plaats van hem te versturen."
    assert label in listing.content.decode()
    detail = client.get(f"/dev/mail/{name}")
    assert detail.status_code == 200
    assert label in detail.content.decode()
    assert '<a href="http://testserver/activate/abc/"' in detail.content.decode()


@pytest.mark.parametrize("name", ["..%2Fsecret_key", "x.eml", "a b.eml", "secret_key"])
def test_dev_mail_page_refuses_other_files(client: Client, settings, tmp_path: Path, name: str) -> None:
    settings.DEVELOPMENT = True
    settings.EMAIL_FILE_PATH = tmp_path
    _write_mail(tmp_path)
    assert client.get(f"/dev/mail/{name}").status_code == 404


def test_dev_mail_page_is_absent_outside_development(client: Client, settings, tmp_path: Path) -> None:
    settings.DEVELOPMENT = False
    settings.EMAIL_FILE_PATH = tmp_path
    name = _write_mail(tmp_path)
    assert client.get("/dev/mail/").status_code == 404
    assert client.get(f"/dev/mail/{name}").status_code == 404
