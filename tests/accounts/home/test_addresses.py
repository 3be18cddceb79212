"""The teacher's address input: parsing and the plan of changes (pure, no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klaspoort.accounts.home.addresses import AddressError, AddressPlan, parse_addresses, plan_addresses


def test_empty_fields_are_skipped_and_addresses_lower_cased() -> None:
    assert parse_addresses(["", "  Ouder@Thuis.Example "]) == ("ouder@thuis.example",)
    assert parse_addresses(["", "   "]) == ()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["a@x.example", "b@x.example", "c@x.example"], "Vul hoogstens twee e-mailadressen in."),
        (["geen-adres"], "'geen-adres' is geen geldig e-mailadres."),
        (["a@x.example", "A@X.example"], "Je hebt hetzelfde e-mailadres twee keer ingevuld."),
        ([f"{'a' * 250}@x.example"], "Een e-mailadres mag hoogstens 254 tekens lang zijn."),
    ],
)
def test_refused_input_says_why(values: list[str], message: str) -> None:
    with pytest.raises(AddressError) as raised:
        parse_addresses(values)
    assert str(raised.value) == message


def test_plan_for_a_new_pupil_adds_both_in_the_order_typed() -> None:
    assert plan_addresses({}, ("a@x.example", "b@x.example")) == AddressPlan(
        add={1: "a@x.example", 2: "b@x.example"}
    )


def test_an_address_that_stays_keeps_its_position() -> None:
    plan = plan_addresses({1: "a@x.example"}, ("b@x.example", "a@x.example"))
    assert plan == AddressPlan(keep={1: "a@x.example"}, add={2: "b@x.example"})


def test_replacing_and_removing() -> None:
    plan = plan_addresses({1: "a@x.example", 2: "b@x.example"}, ("c@x.example",))
    assert plan == AddressPlan(add={1: "c@x.example"}, remove={1: "a@x.example", 2: "b@x.example"})
    assert plan_addresses({2: "b@x.example"}, ()) == AddressPlan(remove={2: "b@x.example"})


def test_same_addresses_in_another_order_change_nothing() -> None:
    plan = plan_addresses({1: "a@x.example", 2: "b@x.example"}, ("b@x.example", "a@x.example"))
    assert not plan.changed
    assert plan.keep == {1: "a@x.example", 2: "b@x.example"}


emails = st.sampled_from(["a@x.example", "b@x.example", "c@x.example", "d@x.example"])


@given(
    current=st.lists(emails, max_size=2, unique=True),
    wanted=st.lists(emails, max_size=2, unique=True),
)
def test_plan_always_ends_with_exactly_the_wanted_addresses_on_free_positions(
    current: list[str], wanted: list[str]
) -> None:
    stored = {index + 1: address for index, address in enumerate(current)}
    plan = plan_addresses(stored, tuple(wanted))
    after = {**{p: a for p, a in stored.items() if p not in plan.remove}, **plan.add}
    assert sorted(after.values()) == sorted(wanted)
    assert set(after) <= {1, 2}
    assert not set(plan.add) & set(plan.keep)
