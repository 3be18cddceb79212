"""`klaspoort import-edexml`: exit codes, JSON shape, Dutch report, hostile files end to end."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from klaspoort import cli
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.csvimport import template_csv
from klaspoort.roster.models import ImportRun
from tests.roster.importing.conftest import set_today
from tests.roster.importing.database import roster_state
from tests.roster.importing.documents import as_bytes, roster

pytestmark = pytest.mark.django_db


def run_cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import_edexml", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


@pytest.fixture
def edex_file(tmp_path: Path) -> Path:
    path = tmp_path / "EDEX.XML"
    path.write_bytes(as_bytes(roster()))
    return path


def test_json_report_of_an_applied_import(edex_file: Path, school: SchoolLocation) -> None:
    code, output = run_cli(str(edex_file), "--school", "12AB00", "--json")

    assert code == 0
    report = json.loads(output)
    assert report["status"] == "applied"
    assert report["school"] == "12AB00"
    assert report["counts"] == {
        "groups": {"added": 4, "changed": 0, "removed": 0, "unchanged": 0, "moved": 0},
        "pupils": {"added": 4, "changed": 0, "removed": 0, "unchanged": 0, "moved": 0},
        "staff": {"added": 3, "changed": 0, "removed": 0, "unchanged": 0, "moved": 0},
    }
    assert (report["skipped_staff"], report["errors"]) == ([], [])
    assert report["changes"]["pupils"]["added"][0] == {"key": "L1", "name": "Emma de Vries"}
    run = ImportRun.objects.get()
    assert (report["run"], run.file_name, run.source, run.actor.startswith("cli")) == (
        run.pk,
        "EDEX.XML",
        "cli",
        True,
    )


def test_dry_run_exit_zero_and_readable_report(edex_file: Path, school: SchoolLocation) -> None:
    code, output = run_cli(str(edex_file), "--school", "12ab00", "--dry-run")

    assert code == 0
    assert output.splitlines()[:2] == [
        "School 12AB00, schooljaar 2026-2027",
        "Proefimport: het bestand is in orde; er is niets veranderd.",
    ]
    assert "Leerlingen: 4 nieuw, 0 gewijzigd (waarvan 0 verplaatst), 0 verwijderd, 0 ongewijzigd" in output
    assert "  - Emma de Vries (L1)" in output
    assert ImportRun.objects.get().status == "dry-run"


def test_held_import_exits_one(edex_file: Path, tmp_path: Path, school: SchoolLocation) -> None:
    run_cli(str(edex_file), "--school", "12AB00")
    smaller = tmp_path / "smaller.xml"
    smaller.write_bytes(as_bytes(roster(staff=roster().staff[:1])))
    before = roster_state()

    code, output = run_cli(str(smaller), "--school", "12AB00", "--json")

    assert (code, json.loads(output)["status"]) == (1, "held")
    assert roster_state() == before
    assert run_cli(str(smaller), "--school", "12AB00", "--json", "--allow-mass-removal")[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.xml", "--school", "12AB00"], "Bestand 'missing.xml' bestaat niet of is geen bestand."),
        (["{file}", "--school", "99ZZ00"], "School '99ZZ00' is niet geregistreerd."),
        (["{file}", "--school", "nonsense"], "School 'nonsense' is niet geregistreerd."),
    ],
)
def test_usage_errors_exit_two(
    args: list[str], message: str, edex_file: Path, school: SchoolLocation
) -> None:
    code, output = run_cli(*[arg.replace("{file}", str(edex_file)) for arg in args])

    assert (code, output) == (2, message)
    assert ImportRun.objects.count() == 0


def test_missing_arguments_exit_two(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["klaspoort", "import-edexml", "EDEX.XML"])
    assert exit_info.value.code == 2
    assert "--school" in capsys.readouterr().err


GOOD = as_bytes(roster()).decode()
HOSTILE = {
    "external entity": (
        GOOD.replace("<EDEX", '<!DOCTYPE EDEX [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<EDEX', 1).replace(
            "<roepnaam>Emma</roepnaam>", "<roepnaam>&x;</roepnaam>"
        )
    ),
    "entity bomb": GOOD.replace(
        "<EDEX",
        '<!DOCTYPE EDEX [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<EDEX',
        1,
    ).replace("<roepnaam>Emma</roepnaam>", "<roepnaam>&c;</roepnaam>"),
    "external dtd": GOOD.replace("<EDEX", '<!DOCTYPE EDEX SYSTEM "http://example.com/edex.dtd">\n<EDEX', 1),
    "not xml": "Dit is geen XML, maar een briefje.",
    "wrong root": '<?xml version="1.0"?><LEERLINGEN><leerling key="1"/></LEERLINGEN>',
    "wrong school": GOOD.replace("<brincode>12AB</brincode>", "<brincode>34CD</brincode>"),
    "no pupils": GOOD.split("<leerlingen>")[0] + "<leerlingen/>" + GOOD.split("</leerlingen>")[1],
    "empty": "",
}
EXPECTED = {
    "external entity": "DOCTYPE",
    "entity bomb": "DOCTYPE",
    "external dtd": "DOCTYPE",
    "not xml": "XML",
    "wrong root": "Dit is geen EDEXML-bestand: het hoofdelement heet 'LEERLINGEN'",
    "wrong school": "Dit bestand is van school 34CD00, niet van 12AB00.",
    "no pupils": "Het bestand bevat geen leerlingen",
    "empty": "leeg",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_files_are_refused_and_change_nothing(
    case: str, edex_file: Path, tmp_path: Path, school: SchoolLocation
) -> None:
    assert run_cli(str(edex_file), "--school", "12AB00")[0] == 0
    before = roster_state()
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(HOSTILE[case], encoding="utf-8")

    code, output = run_cli(str(hostile), "--school", "12AB00", "--json")

    report = json.loads(output)
    assert (code, report["status"]) == (1, "rejected")
    assert any(EXPECTED[case] in error["message"] for error in report["errors"]), report["errors"]
    assert all(set(error) == {"line", "message"} for error in report["errors"])
    assert roster_state() == before
    run = ImportRun.objects.order_by("id").last()
    assert run is not None
    stored = [{"line": error["line"], "message": error["message"]} for error in run.errors]
    assert (run.status, stored) == ("rejected", report["errors"])
    assert all(error["msgid"] for error in run.errors)  # kept to show it in the reader's language


def test_oversize_file_is_refused_and_changes_nothing(edex_file: Path, school: SchoolLocation) -> None:
    before = roster_state()
    with override_settings(EDEXML_MAX_BYTES=1000):
        code, output = run_cli(str(edex_file), "--school", "12AB00", "--json")

    report = json.loads(output)
    assert (code, report["status"]) == (1, "rejected")
    assert report["errors"][0]["message"].startswith("Het bestand is te groot")
    assert roster_state() == before
    run = ImportRun.objects.get()
    assert (run.status, run.file_sha256, run.file_size) == ("rejected", "", edex_file.stat().st_size)


def test_csv_import_and_a_staged_year_on_the_command_line(
    tmp_path: Path, school: SchoolLocation, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_today(monkeypatch, dt.date(2026, 12, 3))
    path = tmp_path / "rooster.csv"
    path.write_bytes(template_csv(brin="12AB", location_code="00", school_year="2027-2028"))

    code, output = run_cli(str(path), "--school", "12AB00", "--csv")

    assert code == 0
    assert output.splitlines()[:3] == [
        "School 12AB00, schooljaar 2027-2028",
        "Klaargezet voor het nieuwe schooljaar; het huidige rooster is niet veranderd.",
        "Dit bestand is voor een later schooljaar; het gaat in op 1 augustus 2027. Tot die dag blijft alles zoals het is.",
    ]
    run = ImportRun.objects.get()
    assert (run.status, run.effective_on, run.report["effective_on"]) == (
        "staged",
        dt.date(2027, 8, 1),
        "2027-08-01",
    )
    assert run.report["changes"]["pupils"]["added"] == [{"key": "L1", "name": "Emma de Vries"}]
