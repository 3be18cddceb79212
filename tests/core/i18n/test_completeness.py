from __future__ import annotations

from pathlib import Path

from klaspoort.core.i18n.completeness import catalogue_problems

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: en\\n"\n\n'


def catalogue(folder: Path, app: str, body: str) -> Path:
    path = folder / app / "locale" / "en" / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def messages(paths: list[Path], root: Path) -> list[str]:
    return [problem.shown(root) for problem in catalogue_problems(paths, root)]


def test_complete_catalogue_has_no_problems(tmp_path: Path) -> None:
    path = catalogue(
        tmp_path,
        "a",
        'msgid "Welkom, %(name)s!"\nmsgstr "Welcome, %(name)s!"\n\n'
        'msgid "%(counter)s leerling"\nmsgid_plural "%(counter)s leerlingen"\n'
        'msgstr[0] "%(counter)s pupil"\nmsgstr[1] "%(counter)s pupils"\n',
    )
    assert messages([path], tmp_path) == []


def test_missing_fuzzy_and_broken_placeholders_are_named_by_line(tmp_path: Path) -> None:
    path = catalogue(
        tmp_path,
        "a",
        'msgid "Opslaan"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Kies je groep"\nmsgstr "Choose your group"\n\n'
        'msgid "Welkom, %(name)s!"\nmsgstr "Welcome!"\n\n'
        'msgid "%(counter)s leerling"\nmsgid_plural "%(counter)s leerlingen"\n'
        'msgstr[0] "one pupil"\nmsgstr[1] ""\n',
    )
    assert messages([path], tmp_path) == [
        "a/locale/en/LC_MESSAGES/django.po:6: 'Opslaan' has no English: fill in msgstr",
        "a/locale/en/LC_MESSAGES/django.po:9: 'Kies je groep' is fuzzy (a guess by msgmerge): check the "
        "English, then delete the '#, fuzzy' line and any '#|' lines above it",
        "a/locale/en/LC_MESSAGES/django.po:13: 'Welkom, %(name)s!': the English must keep the placeholders "
        "['%(name)s'] (it has [])",
        "a/locale/en/LC_MESSAGES/django.po:16: '%(counter)s leerling' has no English: fill in msgstr",
    ]


def test_formal_address_is_refused_but_words_containing_u_are_not(tmp_path: Path) -> None:
    path = catalogue(
        tmp_path,
        "a",
        'msgid "Wilt u inloggen?"\nmsgstr "Do you want to log in?"\n\n'
        'msgid "Uw wachtwoord"\nmsgstr "Your password"\n\n'
        'msgid "Uitloggen uit de app"\nmsgstr "Log out of the app"\n',
    )
    assert [m.split(": ", 1)[1] for m in messages([path], tmp_path)] == [
        "'Wilt u inloggen?' says 'u'/'uw': klaspoort says 'je'/'jouw' to everyone (docs/style.md); "
        "change the Dutch text in the code, then run `make messages`",
        "'Uw wachtwoord' says 'u'/'uw': klaspoort says 'je'/'jouw' to everyone (docs/style.md); "
        "change the Dutch text in the code, then run `make messages`",
    ]


def test_one_dutch_text_translated_two_ways_is_a_problem(tmp_path: Path) -> None:
    first = catalogue(tmp_path, "a", 'msgid "Groep"\nmsgstr "Class"\n')
    second = catalogue(
        tmp_path, "b", 'msgid "Groep"\nmsgstr "Group"\n\nmsgctxt "kind"\nmsgid "Groep"\nmsgstr "Group"\n'
    )
    assert messages([first, second], tmp_path) == [
        "b/locale/en/LC_MESSAGES/django.po:6: 'Groep' is translated differently in "
        "a/locale/en/LC_MESSAGES/django.po:6; Django would pick one: make them equal, or give one a "
        "context (pgettext)"
    ]
