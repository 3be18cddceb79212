from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.conf import settings

from klaspoort.federation.actions import do_register_partner, do_withdraw_consent
from klaspoort.federation.disclosure import (
    ConsentMissing,
    PartnerInactive,
    PersonUnknown,
    Released,
    ReleasedGroup,
    ReleasedSchool,
    disclose,
    disclose_many,
)
from klaspoort.federation.models import Disclosure, PartnerApp
from klaspoort.federation.partner_spec import parse_partner_spec
from klaspoort.federation.pseudonyms import pairwise_group_id, pairwise_subject
from klaspoort.roster.models import Group, PupilMembership, StaffPlacement
from tests.roster import factories
from tests.roster.importing.conftest import set_today

from .factories import (
    make_app,
    partner_spec_data,
    principal_for,
    tick,
)

pytestmark = pytest.mark.django_db


def test_without_consent_nothing_is_released_or_recorded() -> None:
    school = factories.school()
    pupil = factories.pupil(factories.group(school), "Sanne")
    app, _ = make_app()
    with pytest.raises(ConsentMissing, match="niet aangezet"):
        disclose(principal_for(pupil, school), app, purpose="oidc")
    assert Disclosure.objects.count() == 0


def test_identity_only_by_default(django_assert_num_queries) -> None:
    school = factories.school()
    group5 = factories.group(school, "Groep 5a")
    reading = factories.group(school, "Leesclub", kind=Group.Kind.COMPOSITE)
    pupil = factories.pupil(
        reading, "Sanne", also_in=(group5,), eck_id="https://ketenid.nl/201703/" + "a" * 128
    )
    app, _ = make_app()
    tick(school, app.partner)
    secret = settings.PSEUDONYM_SECRET

    with django_assert_num_queries(3):
        released = disclose(principal_for(pupil, school), app, purpose="oidc")

    assert released == Released(
        sub=pairwise_subject("noord.example", pupil.uuid, secret),
        role="pupil",
        school=ReleasedSchool(str(school.instelling_ref), "12AB", "00", "De Regenboog"),
        groups=(
            ReleasedGroup(pairwise_group_id("noord.example", group5.uuid, secret), "Groep 5a", "5"),
            ReleasedGroup(pairwise_group_id("noord.example", reading.uuid, secret), "Leesclub", ""),
        ),
        fields=("sub", "role", "school", "groups"),
    )
    record = Disclosure.objects.get()
    assert (record.partner_id, record.app_id, record.person, record.person_kind) == (
        app.partner_id,
        app.pk,
        pupil.uuid,
        "pupil",
    )
    assert (record.school_ref, record.fields, record.purpose) == (
        school.instelling_ref,
        ["sub", "role", "school", "groups"],
        "oidc",
    )


def test_names_and_eck_id_only_with_consent_and_request() -> None:
    school = factories.school()
    eck = "https://ketenid.nl/201703/" + "b" * 128
    teacher = factories.staff(
        school,
        "jan@regenboog.example",
        groups=(factories.group(school),),
        first_name="Jan",
        surname="Jansen",
        eck_id=eck,
    ).staff
    app, _ = make_app()
    tick(school, app.partner, names=True, eck_id=True)
    principal = principal_for(teacher, school)

    everything = disclose(principal, app, purpose="saml")
    assert (everything.role, everything.given_name, everything.infix, everything.family_name) == (
        "staff",
        "Jan",
        "",
        "Jansen",
    )
    assert everything.eck_id == eck
    assert everything.fields == (
        "sub",
        "role",
        "school",
        "groups",
        "given_name",
        "infix",
        "family_name",
        "eck_id",
    )

    names_only = disclose(principal, app, purpose="oidc", requested={"names"})
    assert (names_only.given_name, names_only.eck_id) == ("Jan", None)
    assert names_only.fields == ("sub", "role", "school", "groups", "given_name", "infix", "family_name")

    tick(school, app.partner, names=False, eck_id=True)
    eck_only = disclose(principal, app, purpose="licence")
    assert (eck_only.given_name, eck_only.family_name, eck_only.eck_id) == (None, None, eck)
    assert list(Disclosure.objects.order_by("id").values_list("purpose", flat=True)) == [
        "saml",
        "oidc",
        "licence",
    ]


def test_staff_without_groups_costs_one_more_query(django_assert_num_queries) -> None:
    school = factories.school()
    coordinator = factories.staff(school, "jan@regenboog.example").staff
    app, _ = make_app()
    tick(school, app.partner)
    with django_assert_num_queries(4):
        released = disclose(principal_for(coordinator, school), app, purpose="oidc")
    assert released.groups == ()


def test_withdrawn_consent_refuses() -> None:
    school = factories.school()
    pupil = factories.pupil(school, "Sanne")
    app, _ = make_app()
    tick(school, app.partner)
    do_withdraw_consent(school, app.partner)
    with pytest.raises(ConsentMissing):
        disclose(principal_for(pupil, school), app, purpose="oidc")
    assert Disclosure.objects.count() == 0


def test_consent_of_another_school_does_not_count() -> None:
    school, other = factories.school(), factories.school("34CD00", "Het Anker")
    pupil = factories.pupil(school, "Sanne")
    app, _ = make_app()
    tick(other, app.partner)
    with pytest.raises(ConsentMissing):
        disclose(principal_for(pupil, school), app, purpose="oidc")


def test_inactive_pupil_app_or_school_is_refused() -> None:
    school = factories.school()
    pupil = factories.pupil(school, "Sanne")
    app, _ = make_app()
    tick(school, app.partner)
    principal = principal_for(pupil, school)

    pupil.active = False
    pupil.save()
    with pytest.raises(PersonUnknown):
        disclose(principal, app, purpose="oidc")

    app.active = False
    with pytest.raises(PartnerInactive):
        disclose(principal, app, purpose="oidc")
    app.active = True

    pupil.active = True
    pupil.save()
    school.active = False
    school.save()
    with pytest.raises(ConsentMissing):
        disclose(principal, app, purpose="oidc")
    assert Disclosure.objects.count() == 0


def test_subject_survives_group_moves_and_differs_per_partner() -> None:
    school = factories.school()
    old, new = factories.group(school, "Groep 4"), factories.group(school, "Groep 5")
    pupil = factories.pupil(old, "Sanne")
    app, _ = make_app()
    tick(school, app.partner)
    before = disclose(principal_for(pupil, school), app, purpose="oidc")
    PupilMembership.objects.filter(pupil=pupil).update(group=new)
    after = disclose(principal_for(pupil, school), app, purpose="oidc")
    assert before.sub == after.sub
    assert [g.name for g in after.groups] == ["Groep 5"]

    app.partner.sector_id = "zuid.example"
    assert disclose(principal_for(pupil, school), app, purpose="oidc").sub != before.sub


def test_released_round_trips_through_json() -> None:
    released = Released(
        sub="s",
        role="pupil",
        school=ReleasedSchool("r", "12AB", "00", "X"),
        groups=(ReleasedGroup("g", "Groep 5", "5"),),
        given_name="A",
        fields=("sub", "given_name"),
    )
    assert Released.from_json(released.to_json()) == released
    assert released.to_json() == dataclasses.asdict(released)  # written out, the same shape


def test_unknown_purpose_is_a_programming_error() -> None:
    school = factories.school()
    app, _ = make_app()
    with pytest.raises(ValueError, match="unknown disclosure purpose"):
        disclose(principal_for(factories.pupil(school, "Sanne"), school), app, purpose="marketing")


def _other_app(name: str) -> PartnerApp:
    """A second publisher with one app, sector `<name>.example`."""
    spec = partner_spec_data(f"uitgeverij-{name}")
    spec["sector_id"] = f"{name}.example"
    spec["apps"][0].update(slug=name, name=name.title())
    spec["apps"][0]["oidc"]["client_id"] = name
    do_register_partner(parse_partner_spec(spec))
    return PartnerApp.objects.select_related("partner").get(slug=name)


def test_many_apps_at_once_in_as_many_queries_as_one(django_assert_num_queries) -> None:
    school = factories.school()
    group = factories.group(school)
    pupil = factories.pupil(group, "Sanne", eck_id="https://ketenid.nl/201703/" + "a" * 128)
    noord, _ = make_app()
    zuid, west, oost = _other_app("zuid"), _other_app("west"), _other_app("oost")
    tick(school, noord.partner, names=True, eck_id=True)
    tick(school, zuid.partner)
    tick(school, oost.partner)
    oost.active = False  # e.g. switched off by the operator a moment ago
    principal = principal_for(pupil, school)
    secret = settings.PSEUDONYM_SECRET

    with django_assert_num_queries(3):  # consents with the school, the pupil with groups, the records
        outcomes = disclose_many(principal, [zuid, west, noord, oost], purpose="licence", requested={"names"})

    released_zuid, refused_west, released_noord, refused_oost = outcomes
    assert isinstance(refused_west, ConsentMissing)
    assert isinstance(refused_oost, PartnerInactive)
    assert released_zuid == disclose(principal, zuid, purpose="licence", requested={"names"})
    assert released_noord == disclose(principal, noord, purpose="licence", requested={"names"})
    assert isinstance(released_noord, Released)
    assert (released_noord.sub, released_noord.given_name, released_noord.eck_id) == (
        pairwise_subject("noord.example", pupil.uuid, secret),
        "Sanne",
        None,  # ticked, but not asked for
    )
    assert isinstance(released_zuid, Released)
    assert (released_zuid.sub, released_zuid.given_name) == (
        pairwise_subject("zuid.example", pupil.uuid, secret),
        None,
    )
    assert list(Disclosure.objects.order_by("id").values_list("app__slug", "purpose", "fields")) == [
        ("zuid", "licence", ["sub", "role", "school", "groups"]),
        ("rekenwijs", "licence", ["sub", "role", "school", "groups", "given_name", "infix", "family_name"]),
        ("zuid", "licence", ["sub", "role", "school", "groups"]),
        ("rekenwijs", "licence", ["sub", "role", "school", "groups", "given_name", "infix", "family_name"]),
    ]


def test_many_apps_for_someone_no_longer_at_the_school_release_and_record_nothing(
    django_assert_num_queries,
) -> None:
    school = factories.school()
    teacher = factories.staff(school, "jan@regenboog.example").staff
    noord, _ = make_app()
    zuid, west = _other_app("zuid"), _other_app("west")
    tick(school, noord.partner)
    tick(school, zuid.partner)
    StaffPlacement.objects.filter(staff=teacher).update(active=False)

    with django_assert_num_queries(3):  # consents, the placement with groups, the placement alone
        outcomes = disclose_many(principal_for(teacher, school), [noord, zuid, west], purpose="licence")

    assert [type(outcome) for outcome in outcomes] == [PersonUnknown, PersonUnknown, ConsentMissing]
    assert str(outcomes[0]) == "Deze medewerker is niet (meer) actief op deze school."
    assert Disclosure.objects.count() == 0


def test_many_apps_without_any_consent_do_not_look_up_the_person(django_assert_num_queries) -> None:
    school = factories.school()
    pupil = factories.pupil(school, "Sanne")
    noord, _ = make_app()
    with django_assert_num_queries(1):
        (outcome,) = disclose_many(principal_for(pupil, school), [noord], purpose="oidc")
    assert isinstance(outcome, ConsentMissing)
    with django_assert_num_queries(0):
        assert disclose_many(principal_for(pupil, school), [], purpose="oidc") == []
    with pytest.raises(ValueError, match="unknown disclosure purpose"):
        disclose_many(principal_for(pupil, school), [noord], purpose="marketing")
    assert Disclosure.objects.count() == 0


def test_the_groups_partners_receive_switch_to_the_staged_year_on_its_start_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 15.5: next year's staged groups reach no partner before the start day, and on that day
    they are the ones released (computed from the date at query time, no job needed)."""
    set_today(monkeypatch, dt.date(2027, 7, 31))
    school = factories.school()
    this_year = factories.group(school, "Groep 5a")
    next_year = factories.group(school, "Groep 6a", year_group="6", year_offset=1)
    pupil = factories.pupil(this_year, "Sanne", also_in=(next_year,))
    app, _ = make_app()
    tick(school, app.partner)
    secret = settings.PSEUDONYM_SECRET

    def groups() -> tuple[ReleasedGroup, ...]:
        return disclose(principal_for(pupil, school), app, purpose="oidc").groups

    assert groups() == (
        ReleasedGroup(pairwise_group_id("noord.example", this_year.uuid, secret), "Groep 5a", "5"),
    )
    set_today(monkeypatch, dt.date(2027, 8, 1))
    assert groups() == (
        ReleasedGroup(pairwise_group_id("noord.example", next_year.uuid, secret), "Groep 6a", "6"),
    )
