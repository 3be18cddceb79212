"""Home-login state per pupil (C7): No/No, Yes/No, Yes/Yes, for a whole group in one query."""

from __future__ import annotations

from typing import Any

import pytest

from klaspoort.accounts.home.actions import do_activate_home, do_set_home_addresses
from klaspoort.accounts.home.state import (
    NO_ADDRESSES,
    AddressView,
    HomeLoginState,
    home_login_states,
    state_of,
)
from klaspoort.core.actors import SystemActor
from tests.accounts.home.conftest import PARENT, PARENT_PASSWORD, Family, last_link
from tests.roster import factories


def view(activated: bool, position: int = 1) -> AddressView:
    import uuid

    return AddressView(uuid.uuid4(), position, f"{position}@x.example", activated)


def test_state_rules() -> None:
    assert state_of([]) == HomeLoginState.NONE
    assert state_of([view(False)]) == HomeLoginState.ADDRESS
    assert state_of([view(False), view(False, 2)]) == HomeLoginState.ADDRESS
    assert state_of([view(False), view(True, 2)]) == HomeLoginState.ACTIVE
    assert [(s.slug, str(s.label)) for s in HomeLoginState] == [
        ("no-no", "Nee/Nee"),
        ("yes-no", "Ja/Nee"),
        ("yes-yes", "Ja/Ja"),
    ]


@pytest.mark.django_db
def test_states_of_a_group_in_one_query(family: Family, django_assert_num_queries: Any) -> None:
    extra = [factories.pupil(family.group5, f"Kind{index}") for index in range(30)]
    do_set_home_addresses(family.sanne, [PARENT, "tweede@thuis.example"], actor=SystemActor("t"))
    do_set_home_addresses(family.classmate, ["mila@thuis.example"], actor=SystemActor("t"))
    do_activate_home(last_link("tweede@thuis.example").rstrip("/").rsplit("/", 1)[1], PARENT_PASSWORD)
    ids = [family.sanne.pk, family.classmate.pk, *(pupil.pk for pupil in extra)]
    with django_assert_num_queries(1):
        states = home_login_states(ids)
    assert states[family.sanne.pk].state == HomeLoginState.ACTIVE
    assert [(a.position, a.email, a.activated) for a in states[family.sanne.pk].addresses] == [
        (1, PARENT, False),
        (2, "tweede@thuis.example", True),
    ]
    assert states[family.classmate.pk].state == HomeLoginState.ADDRESS
    assert states[extra[0].pk] == NO_ADDRESSES
    assert states[extra[0].pk].state == HomeLoginState.NONE
    assert len(states) == 32
