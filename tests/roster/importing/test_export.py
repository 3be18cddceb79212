"""export-edexml, and the round trip generated → writer → reader → import → export."""

from __future__ import annotations

import io
import itertools
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klaspoort.registry.actions import do_register_school
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.edexml.document import EdexDocument
from klaspoort.roster.edexml.generator import generate_roster
from klaspoort.roster.edexml.reader import read_edexml
from klaspoort.roster.edexml.writer import write_edexml
from klaspoort.roster.importing.actions import do_import_edexml
from klaspoort.roster.importing.diff_staff import apply_rule_b3
from klaspoort.roster.importing.export import export_roster
from klaspoort.roster.models import ImportRun
from tests.roster.importing.conftest import Importer
from tests.roster.importing.documents import roster

pytestmark = pytest.mark.django_db


def normalised(doc: EdexDocument) -> dict[str, Any]:
    """What an import keeps of a document, without order: present pupils, B3-accepted staff."""
    accepted, _ = apply_rule_b3(doc.staff)
    return {
        "school": (doc.school.school_year, doc.school.brin, doc.school.location_code or "00"),
        "groups": {(g.key, g.name, g.kind, g.year_group, g.description) for g in doc.groups},
        "pupils": {
            (p.key, p.first_name, p.infix, p.surname, p.eck_id, p.year_group, p.group_key, frozenset(p.composite_keys))
            for p in doc.pupils
            if not p.left
        },
        "staff": {
            (
                s.key, s.first_name, s.infix, s.surname, s.eck_id, s.email.strip().lower(), s.roles,
                frozenset((link.key, link.roles) for link in s.groups),
            )
            for s in accepted
        },
    }  # fmt: skip


def export_bytes(code: str) -> bytes:
    out = io.StringIO()
    call_command("export_edexml", "--school", code, stdout=out)
    return out.getvalue().encode("utf-8")


def test_export_reimports_without_changes(run_import: Importer, school: SchoolLocation) -> None:
    run_import(roster())

    data = export_bytes("12AB00")

    result = read_edexml(data)
    assert result.errors == []
    assert result.document is not None
    assert normalised(result.document) == normalised(roster())
    again = do_import_edexml(school, data, source=ImportRun.Source.CLI)
    assert again.status == "applied"
    assert again.plan is not None
    assert not again.plan.has_changes


def test_export_query_count_does_not_depend_on_size() -> None:
    counts = []
    for size, code in ((40, "12AB01"), (160, "12AB02")):
        school = do_register_school(code, name=code)
        do_import_edexml(school, write_edexml(generate_roster(code, size, year="2026-2027")), source="cli")
        with CaptureQueriesContext(connection) as context:
            export_roster(school)
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1] <= 6


def test_export_unknown_school_exits_two() -> None:
    with pytest.raises(CommandError) as error:
        call_command("export_edexml", "--school", "99ZZ00")
    assert (error.value.returncode, str(error.value)) == (2, "School '99ZZ00' is niet geregistreerd.")


CODES = (f"{number:02d}RT00" for number in itertools.count(10))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pupils=st.integers(min_value=1, max_value=120),
    seed=st.integers(min_value=0, max_value=10_000),
    with_problems=st.booleans(),
)
def test_generated_rosters_survive_the_round_trip(pupils: int, seed: int, with_problems: bool) -> None:
    code = next(CODES)
    school = do_register_school(code, name=f"Rondreis {code}")
    generated = generate_roster(code, pupils, seed=seed, year="2026-2027", with_problems=with_problems)

    first = do_import_edexml(school, write_edexml(generated), source="cli", allow_mass_removal=True)
    assert first.status == "applied", first.errors
    exported = export_bytes(code)
    reread = read_edexml(exported)

    assert reread.errors == []
    assert reread.document is not None
    assert normalised(reread.document) == normalised(generated)
    again = do_import_edexml(school, exported, source="cli")
    assert again.plan is not None
    assert not again.plan.has_changes
