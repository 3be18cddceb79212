"""The roster generator: deterministic, realistic, and readable by our own reader."""

from __future__ import annotations

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klaspoort.core.codes import CodeError
from klaspoort.roster.edexml.generator import generate_roster, move_pupils
from klaspoort.roster.edexml.reader import read_edexml
from klaspoort.roster.edexml.writer import write_edexml
from tests.roster.edexml.fixtures import without_lines

ECK_ID = re.compile(r"^https://ketenid\.nl/201703/[0-9a-f]{128}$")
EMAIL = re.compile(r"^[a-z]+\.[a-z]+\d*@[a-z]+\.example$")


def test_same_seed_same_document_other_seed_other_keys() -> None:
    first = generate_roster("12AB00", 300, seed=7, year="2026-2027")
    assert generate_roster("12AB00", 300, seed=7, year="2026-2027") == first
    other = generate_roster("12AB00", 300, seed=8, year="2026-2027")
    assert {pupil.key for pupil in other.pupils} != {pupil.key for pupil in first.pupils}
    assert [group.key for group in other.groups] != [group.key for group in first.groups]


def test_pupil_keys_and_names_do_not_depend_on_size_or_year() -> None:
    small = generate_roster("12AB00", 50, seed=3, year="2026-2027")
    big = generate_roster("12AB00", 400, seed=3, year="2027-2028")
    assert [(p.key, p.first_name, p.surname, p.eck_id) for p in small.pupils] == [
        (p.key, p.first_name, p.surname, p.eck_id) for p in big.pupils[:50]
    ]


def test_a_realistic_school() -> None:
    doc = generate_roster("12AB01", 1000, seed=1, year="2026-2027")
    assert (doc.version, doc.school.school_year, doc.school.brin, doc.school.location_code) == (
        "2.1",
        "2026-2027",
        "12AB",
        "01",
    )
    assert len(doc.pupils) == 1000
    sizes = Counter(pupil.group_key for pupil in doc.pupils)
    homes = [group for group in doc.groups if group.kind == "home"]
    assert all(20 <= sizes[group.key] <= 32 for group in homes)
    assert {group.year_group for group in homes} == {"1", "2", "3", "4", "5", "6", "7", "8", "C"}
    combination = [group for group in homes if group.year_group == "C"]
    assert len(combination) == 1
    assert len({pupil.year_group for pupil in doc.pupils if pupil.group_key == combination[0].key}) == 2
    composites = [group for group in doc.groups if group.kind == "composite"]
    assert [group.name for group in composites] == [
        "Plusklas rekenen",
        "Plusklas taal",
        "Leesclub",
        "NT2-groep",
    ]
    assert all(any(group.key in pupil.composite_keys for pupil in doc.pupils) for group in composites)
    eck_ids = [pupil.eck_id for pupil in doc.pupils if pupil.eck_id]
    assert 600 <= len(eck_ids) <= 800
    assert all(ECK_ID.match(eck_id) for eck_id in eck_ids)
    emails = [member.email for member in doc.staff]
    assert all(EMAIL.match(email) for email in emails), emails
    assert len(set(emails)) == len(emails)
    roles = Counter(role for member in doc.staff for role in member.roles)
    assert roles["DIR"] == roles["IB"] == roles["ICT"] == roles["RT"] == 1
    assert roles["LRK"] >= len(homes)
    taught = {link.key for member in doc.staff for link in member.groups if "LRK" in link.roles}
    assert taught == {group.key for group in homes}
    assert all(member.groups for member in doc.staff)
    assert not any(item.key.startswith("#") for item in (*doc.pupils, *doc.staff, *doc.groups))


def test_a_small_school_has_combination_groups() -> None:
    doc = generate_roster("12AB00", 60, seed=0, year="2026-2027")
    assert {group.name: group.year_group for group in doc.groups if group.kind == "home"} == {
        "1/2": "C",
        "3/4": "C",
        "5/6": "C",
        "7/8": "C",
    }
    assert {pupil.year_group for pupil in doc.pupils} == {"1", "2", "3", "4", "5", "6", "7", "8"}


def test_with_problems_adds_staff_that_break_the_rules_and_unstable_keys() -> None:
    doc = generate_roster("12AB00", 100, seed=2, year="2026-2027", with_problems=True)
    problems = doc.staff[-5:]
    assert problems[0].groups == ()
    assert problems[1].email == ""
    assert "@" not in problems[2].email
    assert problems[3].email == problems[4].email != ""
    assert [pupil.key.startswith("#") for pupil in doc.pupils[:4]] == [True, True, True, False]
    assert doc.staff[0].key.startswith("#")


def test_default_year_is_the_current_school_year() -> None:
    from klaspoort.core.clock import current_school_year_start

    start = current_school_year_start()
    assert generate_roster("12AB00", 5).school.school_year == f"{start}-{start + 1}"


@pytest.mark.parametrize(
    ("code", "pupils", "year", "error"),
    [("12AB0", 5, None, CodeError), ("12AB00", 5, "2026-2028", CodeError), ("12AB00", 0, None, ValueError)],
)
def test_bad_arguments(code: str, pupils: int, year: str | None, error: type[Exception]) -> None:
    with pytest.raises(error):
        generate_roster(code, pupils, year=year)


def test_move_pupils_moves_within_the_year_group() -> None:
    doc = generate_roster("12AB00", 1000, seed=4, year="2026-2027")
    moved = move_pupils(doc, 0.1, seed=1)
    changed = [
        (before, after) for before, after in zip(doc.pupils, moved.pupils, strict=True) if before != after
    ]
    assert len(changed) == 100
    years = {group.key: group.year_group for group in doc.groups}
    for before, after in changed:
        assert before.group_key != after.group_key
        assert years[after.group_key] == before.year_group  # type: ignore[index]
        assert (after.key, after.year_group, after.composite_keys) == (
            before.key,
            before.year_group,
            before.composite_keys,
        )
    assert move_pupils(doc, 0.1, seed=1) == moved
    assert (moved.groups, moved.staff) == (doc.groups, doc.staff)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=10_000),
    pupils=st.integers(min_value=1, max_value=150),
    with_problems=st.booleans(),
    start=st.integers(min_value=2000, max_value=2090),
)
def test_generated_rosters_survive_write_and_read(
    seed: int, pupils: int, with_problems: bool, start: int
) -> None:
    doc = generate_roster(
        "34CD02", pupils, seed=seed, year=f"{start}-{start + 1}", with_problems=with_problems
    )
    result = read_edexml(write_edexml(doc), max_bytes=10**7)
    assert result.errors == []
    assert result.document is not None
    assert without_lines(result.document) == doc
    unstable = [problem for problem in result.warnings if "'#'" in problem.message]
    assert len(unstable) == (2 if with_problems else 0)
    assert len(result.warnings) == len(unstable)


def test_command_writes_the_file_to_stdout() -> None:
    out = StringIO()
    call_command("generate_edexml", school="12AB00", pupils=40, seed=3, year="2026-2027", stdout=out)
    data = out.getvalue().encode()
    assert data == write_edexml(generate_roster("12AB00", 40, seed=3, year="2026-2027"))
    assert read_edexml(data).ok


def test_command_with_problems() -> None:
    out = StringIO()
    call_command(
        "generate_edexml",
        "--school",
        "12AB00",
        "--pupils",
        "40",
        "--with-problems",
        "--year",
        "2026-2027",
        stdout=out,
    )
    assert out.getvalue().encode() == write_edexml(
        generate_roster("12AB00", 40, year="2026-2027", with_problems=True)
    )


def test_command_refuses_a_bad_school_code() -> None:
    with pytest.raises(CommandError, match="'12AB0' is geen geldige schoolcode") as raised:
        call_command("generate_edexml", school="12AB0", pupils=4, stdout=StringIO())
    assert raised.value.returncode == 2
