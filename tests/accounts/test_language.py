"""Mails go out in the recipient's language: the one they chose with the switch or signed in with."""

from __future__ import annotations

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client, RequestFactory
from django.utils import translation

from klaspoort.accounts.actions import do_request_password_reset
from klaspoort.accounts.home.login import begin_parent_session
from klaspoort.accounts.language import mail_language, remember_language
from klaspoort.accounts.models import Account
from tests.accounts.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "empty_cache")]


def staff(language: str = "") -> Account:
    account = Account.objects.create_user("anna@school.example", PASSWORD, kind="staff", is_active=True)
    Account.objects.filter(pk=account.pk).update(language=language)
    account.refresh_from_db()
    return account


@pytest.mark.parametrize(
    ("language", "subject"),
    [("en", "A new password for klaspoort"), ("nl", "Een nieuw wachtwoord voor klaspoort"),
     ("", "Een nieuw wachtwoord voor klaspoort"), ("xx", "Een nieuw wachtwoord voor klaspoort")],
)  # fmt: skip
def test_reset_mail_is_in_the_language_of_the_account(language: str, subject: str, mailoutbox) -> None:
    staff(language)
    with translation.override("nl"):  # whoever asked, the mail follows the account
        assert do_request_password_reset("anna@school.example", client_ip="192.0.2.1")
    assert [mail.subject for mail in mailoutbox] == [subject]


def test_switch_while_signed_in_is_remembered(client: Client) -> None:
    account = staff()
    client.force_login(account)
    answer = client.post("/i18n/setlang/", {"language": "en", "next": "/portal/"})
    assert answer.status_code == 302
    account.refresh_from_db()
    assert account.language == "en"
    assert mail_language(account) == "en"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/portal/"})
    account.refresh_from_db()
    assert account.language == "en"  # an unknown code changes nothing


def test_anonymous_switch_stores_nothing(client: Client) -> None:
    account = staff()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert Account.objects.get(pk=account.pk).language == ""


def test_unchanged_language_costs_no_query(django_assert_num_queries) -> None:
    unknown = staff()
    with translation.override("nl"), django_assert_num_queries(0):
        remember_language(unknown)  # unknown is Dutch already
    assert Account.objects.get(pk=unknown.pk).language == ""
    unknown.delete()
    account = staff("en")
    with translation.override("en"), django_assert_num_queries(0):
        remember_language(account)
    with translation.override("nl"), django_assert_num_queries(1):
        remember_language(account)
    assert Account.objects.get(pk=account.pk).language == "nl"


def test_parent_sign_in_remembers_the_language_of_the_visit() -> None:
    parent = Account.objects.create_user("ouder@thuis.example", PASSWORD, kind="parent", is_active=True)
    request = RequestFactory().post("/thuis/login/")
    SessionMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type,return-value]
    with translation.override("en"):
        begin_parent_session(request, parent)
    assert Account.objects.get(pk=parent.pk).language == "en"
