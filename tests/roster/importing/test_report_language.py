"""Import reports are kept with their message ids and shown in the reader's language: English has
no Dutch left (compared against the roster catalogue), Dutch has the values in place, the line
numbers stay, and reports stored before (plain Dutch strings) still show."""

from __future__ import annotations

import io
import re
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.utils import translation

from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.importing.actions import ImportOutcome, do_import_roster
from klaspoort.roster.importing.report import as_text, rendered
from klaspoort.roster.models import ImportRun

pytestmark = pytest.mark.django_db

CATALOGUE = Path(__file__).parents[3] / "src/klaspoort/roster/locale/en/LC_MESSAGES/django.po"
HEADER = "soort;key;naam;jaargroep;roepnaam;voorvoegsel;achternaam;groep;emailadres;schooljaar;brincode\r\n"
BAD = HEADER + (
    "school;;;;;;;;;2026-2027;12AB\r\n"
    "groep;G5;5A;5;;;;;;;\r\n"
    "groep;G6;6A;Z;;;;;;;\r\n"
    "leerling;L1;;;Emma;;Vries;G9;;;\r\n"
    "leerling;L2;;;;;;G5;;;\r\n"
    "klas;X;;;;;;;;;\r\n"
    "leerling;L3;;;Tim;;Bos\r\n"
)
GOOD = HEADER + (
    "school;;;;;;;;;2026-2027;12AB\r\n"
    "groep;G5;5A;5;;;;;;;\r\n"
    "leerling;#1;;;Emma;de;Vries  Bos;G5;;;\r\n"
    "leerkracht;T1;;;Marieke;;Jansen;G5;marieke@regenboog.nl;;\r\n"
    "leerkracht;T2;;;Piet;;Smit;;;;\r\n"
)
DUTCH_ERRORS = [
    "Regel 4: groep 'G6' heeft een onbekende jaargroep 'Z'. Geldig zijn B, D, 0 t/m 8, 11 t/m 16, S, V, C, N en H.",
    "Regel 5: leerling 'L1' verwijst naar groep 'G9', maar die staat niet in het bestand.",
    "Regel 6: leerling 'L2' heeft geen naam: 'achternaam' of 'roepnaam' ontbreekt.",
    "Regel 7: onbekende soort 'klas' in kolom 'soort'. Kies uit: school, groep, samengestelde_groep, leerling, "
    "leerkracht.",
    "Regel 8: deze regel heeft 7 kolommen; de kopregel heeft er 11. Staat er een ';' te veel of te weinig?",
]
ENGLISH_ERRORS = [
    "Line 4: group 'G6' has an unknown year group 'Z'. Valid are B, D, 0 to 8, 11 to 16, S, V, C, N and H.",
    "Line 5: pupil 'L1' refers to group 'G9', but that is not in the file.",
    "Line 6: pupil 'L2' has no name: 'achternaam' or 'roepnaam' is missing.",
    "Line 7: unknown kind 'klas' in column 'soort'. Choose from: school, groep, samengestelde_groep, leerling, "
    "leerkracht.",
    "Line 8: this line has 7 columns; the header line has 11. Is there a ';' too many or too few?",
]


def import_csv(school: SchoolLocation, text: str, **options: object) -> ImportOutcome:
    return do_import_roster(
        school, text.encode(), source=ImportRun.Source.CSV, actor="test", file_format="csv", **options
    )


def dutch_fragments() -> set[str]:
    """Every piece of Dutch between the placeholders of the roster catalogue that English says
    otherwise (at least two words, so that names and codes do not count)."""
    fragments = set()
    for entry in polib.pofile(str(CATALOGUE)):
        english = " ".join([entry.msgstr, *entry.msgstr_plural.values()])
        for source in (entry.msgid, entry.msgid_plural):
            for piece in re.split(r"%\(\w+\)[sd]|%%", source or ""):
                piece = piece.strip(" .,;:'()")
                if len(piece.split()) >= 2 and piece not in english:
                    fragments.add(piece)
    return fragments


def no_dutch_in(text: str) -> list[str]:
    return sorted(fragment for fragment in dutch_fragments() if fragment in text)


def test_refused_file_in_dutch_has_every_value_and_line(school: SchoolLocation) -> None:
    outcome = import_csv(school, BAD)
    run = ImportRun.objects.get()
    with translation.override("nl"):
        assert [str(problem) for problem in outcome.errors] == DUTCH_ERRORS
        report = rendered(run.report)
    assert [f"Regel {e['line']}: {e['message'][0].lower()}{e['message'][1:]}" for e in report["errors"]] == (
        DUTCH_ERRORS
    )
    assert [error["line"] for error in run.errors] == [4, 5, 6, 7, 8]  # kept with the message id
    assert run.errors[1] == {
        "line": 5,
        "message": "Leerling 'L1' verwijst naar groep 'G9', maar die staat niet in het bestand.",
        "msgid": "%(owner)s verwijst naar %(target)s, maar die staat niet in het bestand.",
        "params": {
            "owner": {"msgid": "leerling '%(key)s'", "params": {"key": "L1"}},
            "target": {"msgid": "groep '%(key)s'", "params": {"key": "G9"}},
        },
    }


def test_refused_file_in_english_has_no_dutch_left(school: SchoolLocation) -> None:
    outcome = import_csv(school, BAD)
    run = ImportRun.objects.get()
    with translation.override("en"):
        text = as_text(outcome)
        report = rendered(run.report)
    assert [f"  - {line}" for line in ENGLISH_ERRORS] == text.splitlines()[4:9]
    assert text.splitlines()[:4] == [
        "School 12AB00",
        "The file was refused; nothing has changed.",
        "",
        "Errors:",
    ]
    shown = " ".join(error["message"] for error in report["errors"])
    assert shown.startswith("Group 'G6' has an unknown year group 'Z'.")
    assert no_dutch_in(text + shown) == []
    assert dutch_fragments()  # the comparison has something to compare with


def test_applied_file_with_warnings_and_skipped_staff_in_both_languages(school: SchoolLocation) -> None:
    outcome = import_csv(school, GOOD)
    assert outcome.status == "applied"
    run = ImportRun.objects.get()
    with translation.override("nl"):
        dutch = rendered(run.report)
        dutch_text = as_text(outcome)
    with translation.override("en"):
        english = rendered(run.report)
        english_text = as_text(outcome)
    assert dutch["warnings"] == [
        "Regel 4: overbodige spaties in de achternaam van leerling '#1' zijn weggehaald.",
        "Regel 4: 1 leerling heeft een key die met '#' begint (de eerste: '#1'). Zulke keys zijn niet stabiel; "
        "deze records worden op andere gegevens herkend.",
        "1 medewerker niet geïmporteerd; zie de overgeslagen medewerkers.",
    ]
    assert english["warnings"] == [
        "Line 4: extra spaces in the surname of pupil '#1' were removed.",
        "Line 4: 1 pupil has a key that starts with '#' (the first: '#1'). Such keys are not stable; these "
        "records are recognised by other data.",
        "1 staff member not imported; see the skipped staff.",
    ]
    assert dutch["skipped_staff"] == [
        {"key": "T2", "reason": "niet gekoppeld aan een groep; geen e-mailadres"}
    ]
    assert english["skipped_staff"] == [{"key": "T2", "reason": "not linked to a group; no email address"}]
    assert "  - T2 (regel 6): niet gekoppeld aan een groep; geen e-mailadres" in dutch_text.splitlines()
    assert "  - T2 (line 6): not linked to a group; no email address" in english_text.splitlines()
    assert "Pupils: 1 new, 0 changed (of which 0 moved), 0 removed, 0 unchanged" in english_text.splitlines()
    assert no_dutch_in(english_text + " ".join(english["warnings"])) == []


def test_a_report_stored_before_shows_as_it_was_written(school: SchoolLocation) -> None:
    """Plain Dutch strings from before: shown as they are; translated when the catalogue has them."""
    old = {
        "status": "rejected",
        "errors": [{"line": 0, "message": "Het bestand is leeg."}, {"line": 3, "message": "Iets oud."}],
        "warnings": ["Regel 12: een oude waarschuwing."],
        "guard": ["Deze import zou 9 van de 10 actieve leerlingen verwijderen."],
        "skipped_staff": [{"key": "T9", "reason": "niet gekoppeld aan een groep"}],
    }
    with translation.override("en"):
        english = rendered(old)
    assert english["errors"] == [
        {"line": 0, "message": "The file is empty."},
        {"line": 3, "message": "Iets oud."},
    ]
    assert english["warnings"] == ["Regel 12: een oude waarschuwing."]
    assert english["guard"] == ["Deze import zou 9 van de 10 actieve leerlingen verwijderen."]
    assert english["skipped_staff"] == [{"key": "T9", "reason": "niet gekoppeld aan een groep"}]
    with translation.override("nl"):
        assert rendered(old)["errors"] == old["errors"]


def run_cli(*args: str, **options: object) -> str:
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_edexml", *args, stdout=out, **options)
    return out.getvalue()


def test_the_command_prints_english_when_asked(
    school: SchoolLocation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "rooster.csv"
    path.write_text(BAD, encoding="utf-8")
    english = run_cli(str(path), "--school", "12AB00", "--csv", language="en")
    assert english.splitlines()[:5] == ["School 12AB00", "The file was refused; nothing has changed.", "", "Errors:",
                                        f"  - {ENGLISH_ERRORS[0]}"]  # fmt: skip
    assert no_dutch_in(english) == []
    assert run_cli(str(path), "--school", "12AB00", "--csv").splitlines()[4] == f"  - {DUTCH_ERRORS[0]}"
    monkeypatch.setenv("KLASPOORT_LANGUAGE", "en")
    assert run_cli(str(path), "--school", "12AB00", "--csv").splitlines()[1] == (
        "The file was refused; nothing has changed."
    )
    assert run_cli(str(path), "--school", "12AB00", "--csv", language="nl").splitlines()[1] == (
        "Het bestand is geweigerd; er is niets veranderd."
    )
    monkeypatch.setenv("KLASPOORT_LANGUAGE", "xx")  # unknown: Dutch, no error
    assert run_cli(str(path), "--school", "12AB00", "--csv").splitlines()[1] == (
        "Het bestand is geweigerd; er is niets veranderd."
    )
    with pytest.raises(Exception, match=r"^School '99ZZ00' is not registered\.$"):
        call_command("import_edexml", str(path), "--school", "99ZZ00", language="en")
