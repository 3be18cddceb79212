"""Home-login actions: addresses, parent accounts, activation mails, removal, forgotten password."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from klaspoort.accounts import tokens
from klaspoort.accounts.errors import AccountError, PasswordRejected
from klaspoort.accounts.home.actions import (
    HOME_ACTIVATION,
    do_activate_home,
    do_request_home_password_reset,
    do_reset_home_password,
    do_send_home_activation,
    do_set_home_addresses,
)
from klaspoort.accounts.home.addresses import AddressError
from klaspoort.accounts.home.models import HomeAddress
from klaspoort.accounts.models import Account, AccountSession, OneTimeToken, OutgoingMail
from klaspoort.accounts.principal import SESSION_KEY, Principal
from klaspoort.audit.models import AuditEvent
from klaspoort.core.actors import SystemActor
from tests.accounts.home.conftest import (
    PARENT,
    PARENT_PASSWORD,
    SANNE_PIN,
    Family,
    last_link,
    log_in_parent,
)
from tests.accounts.test_mail import _free_port

pytestmark = pytest.mark.django_db


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def addresses(pupil: Any) -> list[tuple[int, str, str]]:
    return [
        (row.position, row.email, row.account.kind if row.account else "")
        for row in HomeAddress.objects.filter(pupil=pupil).select_related("account").order_by("position")
    ]


def test_setting_two_addresses_makes_two_inactive_parent_accounts_and_mails_them(family: Family) -> None:
    change = do_set_home_addresses(
        family.sanne, ["Ouder@Thuis.example", "tweede@thuis.example"], actor=SystemActor("t")
    )
    assert addresses(family.sanne) == [(1, PARENT, "parent"), (2, "tweede@thuis.example", "parent")]
    assert change.mails_sent == 2
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([PARENT], "Thuis inloggen bij klaspoort voor Sanne"),
        (["tweede@thuis.example"], "Thuis inloggen bij klaspoort voor Sanne"),
    ]
    body = str(mail.outbox[0].body)
    assert "De school van Sanne (De Regenboog)" in body
    assert "/thuis/activeren/" in body
    accounts = Account.objects.filter(kind="parent").order_by("email")
    assert [(a.email, a.is_active, a.has_usable_password()) for a in accounts] == [
        (PARENT, False, False),
        ("tweede@thuis.example", False, False),
    ]
    assert OneTimeToken.objects.filter(purpose=HOME_ACTIVATION).count() == 2
    events = list(
        AuditEvent.objects.filter(action__startswith="home.").order_by("pk").values_list("action", "actor")
    )
    assert events == [("home.address_added", "t"), ("home.address_added", "t"), ("home.activation_sent", "t")]


def test_the_same_address_for_two_children_at_two_schools_is_one_parent_account(family: Family) -> None:
    do_set_home_addresses(family.sanne, [PARENT], actor=SystemActor("t"))
    do_set_home_addresses(family.daan, [PARENT.upper()], actor=SystemActor("t"))
    account = Account.objects.get(kind="parent")
    assert sorted(account.home_addresses.values_list("pupil__first_name", "pupil__school__name")) == [
        ("Daan", "De Klimop"),
        ("Sanne", "De Regenboog"),
    ]
    # The second mail replaces the first link (same token rules as staff): one live token.
    assert OneTimeToken.objects.filter(account=account, purpose=HOME_ACTIVATION).count() == 1
    assert tokens.peek_token(token_of(last_link(PARENT)), HOME_ACTIVATION) == account


def test_a_staff_address_gets_a_separate_parent_account(family: Family) -> None:
    from klaspoort.accounts.staff import ensure_staff_accounts

    ensure_staff_accounts([family.teacher.staff])
    do_set_home_addresses(family.sanne, [family.teacher.staff.email], actor=SystemActor("t"))
    kinds = sorted(Account.objects.filter(email=family.teacher.staff.email).values_list("kind", flat=True))
    assert kinds == ["parent", "staff"]


@pytest.mark.parametrize(
    "values", [["a@x.example", "b@x.example", "c@x.example"], ["geen adres"], ["a@x.example", "A@x.example"]]
)
def test_refused_input_changes_nothing(family: Family, values: list[str]) -> None:
    do_set_home_addresses(family.sanne, [PARENT], actor=SystemActor("t"))
    mail.outbox.clear()
    before = (list(HomeAddress.objects.values_list("pk", "email")), Account.objects.count())
    with pytest.raises(AddressError):
        do_set_home_addresses(family.sanne, values, actor=SystemActor("t"))
    assert (list(HomeAddress.objects.values_list("pk", "email")), Account.objects.count()) == before
    assert mail.outbox == []


def test_saving_the_same_addresses_again_sends_nothing(family: Family) -> None:
    do_set_home_addresses(family.sanne, [PARENT], actor=SystemActor("t"))
    mail.outbox.clear()
    change = do_set_home_addresses(family.sanne, ["", PARENT], actor=SystemActor("t"))
    assert not change.plan.changed
    assert mail.outbox == []
    assert addresses(family.sanne) == [(1, PARENT, "parent")]


def test_activation_sets_the_password_and_uses_the_link_up(family: Family) -> None:
    do_set_home_addresses(family.sanne, [PARENT], actor=SystemActor("t"))
    raw = token_of(last_link(PARENT))
    with pytest.raises(PasswordRejected):
        do_activate_home(raw, "kort1")
    assert not Account.objects.get(kind="parent").is_active
    account = do_activate_home(raw, PARENT_PASSWORD)
    assert account.is_active
    assert account.check_password(PARENT_PASSWORD)
    with pytest.raises(AccountError):
        do_activate_home(raw, PARENT_PASSWORD)
    assert AuditEvent.objects.filter(action="home.activated", subject=f"account:{account.uuid}").count() == 1


def test_a_staff_activation_link_does_not_activate_a_parent_and_back(family: Family) -> None:
    do_set_home_addresses(family.sanne, [PARENT], actor=SystemActor("t"))
    raw = token_of(last_link(PARENT))
    assert tokens.peek_token(raw, tokens.ACTIVATION) is None
    from klaspoort.accounts.actions import do_activate

    with pytest.raises(AccountError):
        do_activate(raw, PARENT_PASSWORD)
    assert not Account.objects.get(kind="parent").is_active


def test_an_activated_parent_gets_a_note_for_another_child_not_a_new_link(
    family: Family, parent: Account
) -> None:
    do_set_home_addresses(family.classmate, [PARENT], actor=SystemActor("t"))
    assert mail.outbox[-1].subject == "Je kunt nu ook thuis inloggen voor Mila"
    assert "/thuis/activeren/" not in str(mail.outbox[-1].body)
    assert not OneTimeToken.objects.filter(account=parent).exists()


def test_resend_replaces_the_link_and_refuses_for_activated_accounts(family: Family) -> None:
    do_set_home_addresses(family.sanne, [PARENT], actor=SystemActor("t"))
    first = token_of(last_link(PARENT))
    address = HomeAddress.objects.select_related("account", "pupil__school").get()
    assert do_send_home_activation(address, actor=SystemActor("t")) is True
    second = token_of(last_link(PARENT))
    assert first != second
    assert tokens.peek_token(first, HOME_ACTIVATION) is None
    do_activate_home(second, PARENT_PASSWORD)
    address.refresh_from_db()
    sent = len(mail.outbox)
    with pytest.raises(AccountError, match="al een wachtwoord"):
        do_send_home_activation(address, actor=SystemActor("t"))
    assert len(mail.outbox) == sent


def test_a_mail_server_failure_keeps_the_addresses_and_queues_the_mail_again(
    family: Family, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()  # nobody listens there
    with django_capture_on_commit_callbacks(execute=True):
        change = do_set_home_addresses(family.sanne, [PARENT], actor=SystemActor("t"))
    assert change.mails_sent == 1
    assert addresses(family.sanne) == [(1, PARENT, "parent")]
    row = OutgoingMail.objects.get()
    assert (row.to, row.status, row.attempts) == (PARENT, OutgoingMail.Status.PENDING, 1)
    assert row.last_error.startswith("ConnectionRefusedError")


def test_removing_an_address_ends_that_childs_home_sessions_at_once(
    family: Family, parent: Account, client: Client
) -> None:
    other = Client()
    log_in_parent(client)
    client.post(f"/thuis/kinderen/{HomeAddress.objects.get(pupil=family.sanne).uuid}/", {"code": SANNE_PIN})
    assert Principal.from_session(client.session[SESSION_KEY]) == Principal(
        kind="pupil",
        person=family.sanne.uuid,
        school=family.regenboog.instelling_ref,
        context="home",
        account=parent.uuid,
        auth_time=client.session[SESSION_KEY]["auth_time"],
    )
    log_in_parent(other)  # a second browser, still at the picker
    change = do_set_home_addresses(family.sanne, [], actor=SystemActor("t"))
    assert change.sessions_ended == 1
    assert client.get("/portal/").status_code == 302  # signed out: to the login
    assert AccountSession.objects.filter(account=parent).count() == 1
    # The parent still holds Daan; Sanne is gone from the picker at once.
    response = other.get("/thuis/kinderen/", follow=True)
    assert response.context["child"].pupil == family.daan
    assert AuditEvent.objects.filter(action="home.address_removed").count() == 1


def test_the_last_address_gone_removes_the_parent_account(family: Family) -> None:
    do_set_home_addresses(family.sanne, [PARENT], actor=SystemActor("t"))
    change = do_set_home_addresses(family.sanne, ["nieuw@thuis.example"], actor=SystemActor("t"))
    assert change.accounts_removed == 1
    assert list(Account.objects.filter(kind="parent").values_list("email", flat=True)) == [
        "nieuw@thuis.example"
    ]


# --- forgotten password (C8) ---


@pytest.fixture
def clean_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def test_forgotten_password_mails_a_link_at_most_once_per_15_minutes(
    family: Family, parent: Account, cache_backend: str
) -> None:
    mail.outbox.clear()
    assert do_request_home_password_reset(" OUDER@thuis.example ") is True
    assert do_request_home_password_reset(PARENT) is False
    assert len(mail.outbox) == 1
    assert "/thuis/wachtwoord/" in str(mail.outbox[0].body)
    raw = token_of(last_link(PARENT))
    account = do_reset_home_password(raw, "Herfstvakantie-2027")
    assert account.check_password("Herfstvakantie-2027")
    events = list(
        AuditEvent.objects.filter(action="home.reset_requested")
        .order_by("pk")
        .values_list("outcome", flat=True)
    )
    assert events == ["ok", "throttled"]


@pytest.mark.usefixtures("clean_cache")
def test_forgotten_password_unknown_and_staff_addresses_get_nothing(family: Family) -> None:
    from klaspoort.accounts.staff import ensure_staff_accounts

    ensure_staff_accounts([family.teacher.staff])
    assert do_request_home_password_reset("niemand@thuis.example") is False
    assert do_request_home_password_reset(family.teacher.staff.email) is False
    assert mail.outbox == []


@pytest.mark.usefixtures("clean_cache")
def test_forgotten_password_before_activation_sends_a_new_activation_link(family: Family) -> None:
    do_set_home_addresses(family.sanne, [PARENT], actor=SystemActor("t"))
    first = token_of(last_link(PARENT))
    assert do_request_home_password_reset(PARENT) is True
    assert "/thuis/activeren/" in str(mail.outbox[-1].body)
    assert token_of(last_link(PARENT)) != first


@pytest.mark.usefixtures("clean_cache")
def test_reset_ends_every_session_of_the_parent(family: Family, parent: Account, client: Client) -> None:
    log_in_parent(client)
    assert AccountSession.objects.filter(account=parent).count() == 1
    do_request_home_password_reset(PARENT)
    do_reset_home_password(token_of(last_link(PARENT)), "Herfstvakantie-2027")
    assert AccountSession.objects.filter(account=parent).count() == 0
