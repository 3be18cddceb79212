"""`makemessages` and `check_messages` on a small package of their own (GNU gettext needed)."""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

import polib
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from klaspoort.core.i18n.catalogues import Routing, UnownedFile
from klaspoort.core.i18n.compile import compile_stale, is_stale
from tests.conftest import require_service

APPS = "klaspoort.core,klaspoort.school,klaspoort.school.pupils"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    require_service(
        shutil.which("xgettext") is not None, "GNU gettext not installed (apt-get install gettext)"
    )
    root = tmp_path / "src" / "klaspoort"
    files = {
        "core/views.py": 'from django.utils.translation import gettext as _\n\n\ndef f():\n    return _("Hallo")\n',
        "school/pupils/views.py": 'from django.utils.translation import gettext as _\nX = _("Kies je groep")\n',
        "templates/pupils/pick.html": '{% load i18n %}<h1>{% translate "Tik op je plaatje" %}</h1>\n',
        "templates/base.html": '{% load i18n %}<a>{% translate "Naar de inhoud" %}</a>\n',
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def entries(path: Path) -> dict[str, str]:
    return {entry.msgid: entry.msgstr for entry in polib.pofile(str(path))}


def translate_all(path: Path) -> None:
    catalogue = polib.pofile(str(path))
    for entry in catalogue:
        entry.msgstr = f"EN {entry.msgid}"
    catalogue.save()


def test_texts_go_to_the_catalogue_of_their_app(package: Path) -> None:
    call_command("makemessages", package_dir=str(package), apps=APPS, verbosity=0)
    assert entries(package / "core/locale/en/LC_MESSAGES/django.po") == {"Hallo": "", "Naar de inhoud": ""}
    assert entries(package / "school/pupils/locale/en/LC_MESSAGES/django.po") == {
        "Kies je groep": "",
        "Tik op je plaatje": "",
    }
    assert not (package / "school/locale").exists()  # no texts, no catalogue (and no empty folder)
    header = (package / "core/locale/en/LC_MESSAGES/django.po").read_text()
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in header
    assert "#: klaspoort/templates/base.html\n" in header  # file names, no line numbers: no churn


def test_check_passes_when_complete_and_names_a_new_text(package: Path) -> None:
    call_command("makemessages", package_dir=str(package), apps=APPS, verbosity=0)
    for app in ("core", "school/pupils"):
        translate_all(package / app / "locale/en/LC_MESSAGES/django.po")
    call_command("check_messages", package_dir=str(package), apps=APPS, verbosity=0)

    pick = package / "templates/pupils/pick.html"
    pick.write_text(pick.read_text() + '<p>{% translate "Andere groep" %}</p>\n<p>Terug</p>\n')
    catalogue = package / "school/pupils/locale/en/LC_MESSAGES/django.po"
    before = catalogue.read_text()
    with pytest.raises(CommandError) as refused:
        call_command("check_messages", package_dir=str(package), apps=APPS, verbosity=0)
    message = str(refused.value)
    assert message.startswith("2 translation problem(s):\n")
    assert "src/klaspoort/templates/pupils/pick.html:3: text 'Terug' is not translated: wrap it in" in message
    assert (
        "src/klaspoort/templates/pupils/pick.html: 'Andere groep' is marked but missing from "
        "src/klaspoort/school/pupils/locale/en/LC_MESSAGES/django.po"
    ) in message
    assert catalogue.read_text() == before  # the check writes nothing


def test_removed_text_is_reported_and_make_messages_drops_it(package: Path) -> None:
    call_command("makemessages", package_dir=str(package), apps=APPS, verbosity=0)
    translate_all(package / "core/locale/en/LC_MESSAGES/django.po")
    (package / "core/views.py").write_text("X = 1\n")
    with pytest.raises(CommandError, match=r"django.po:\d+: 'Hallo' is no longer used by the code"):
        call_command("makemessages", package_dir=str(package), apps=APPS, check=True, verbosity=0)
    call_command("makemessages", package_dir=str(package), apps=APPS, verbosity=0)
    assert entries(package / "core/locale/en/LC_MESSAGES/django.po") == {
        "Naar de inhoud": "EN Naar de inhoud"
    }


def test_unchanged_catalogue_is_not_rewritten(package: Path) -> None:
    call_command("makemessages", package_dir=str(package), apps=APPS, verbosity=0)
    path = package / "core/locale/en/LC_MESSAGES/django.po"
    path.write_text(path.read_text().replace("POT-Creation-Date: ", "POT-Creation-Date: 1999"))
    before = path.read_text()
    call_command("makemessages", package_dir=str(package), apps=APPS, verbosity=0)
    assert path.read_text() == before


def test_compiled_catalogue_is_what_django_reads(package: Path) -> None:
    call_command("makemessages", package_dir=str(package), apps=APPS, verbosity=0)
    po = package / "core/locale/en/LC_MESSAGES/django.po"
    translate_all(po)
    assert is_stale(po)
    assert compile_stale([po]) == [po.with_suffix(".mo")]
    assert not is_stale(po)
    assert compile_stale([po]) == []
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(po.with_suffix(".mo"))) if e.msgid}
    assert compiled == {"Hallo": "EN Hallo", "Naar de inhoud": "EN Naar de inhoud"}


def test_template_folder_without_an_app_is_refused(tmp_path: Path) -> None:
    routing = Routing(tmp_path, ["klaspoort.core", "klaspoort.accounts", "klaspoort.accounts.pupils"])
    assert routing.owner(PurePosixPath("templates/pupils/x.html")) == "klaspoort.accounts.pupils"
    assert routing.owner(PurePosixPath("templates/saml/x.html")) == "klaspoort.federation"
    assert routing.owner(PurePosixPath("templates/base.html")) == "klaspoort.core"
    assert routing.owner(PurePosixPath("accounts/pupils/views/x.py")) == "klaspoort.accounts.pupils"
    assert routing.owner(PurePosixPath("accounts/forms.py")) == "klaspoort.accounts"
    assert routing.owner(PurePosixPath("settings.py")) == "klaspoort.core"
    with pytest.raises(UnownedFile, match=r"templates/mystery/ belongs to no app .* TEMPLATE_FOLDERS"):
        routing.owner(PurePosixPath("templates/mystery/x.html"))


LONG = "Dit is een lange zin voor de groep, zo lang dat een programma hem over twee regels zou afbreken."


def test_one_layout_whoever_wrote_the_catalogue(package: Path) -> None:
    """Texts are never wrapped: a translation typed on one line stays as it is; one wrapped by a tool
    (polib wraps at 78 columns) is named by the check and put on one line by `make messages`."""
    views = package / "core/views.py"
    views.write_text(views.read_text() + f"\n\nY = _({LONG!r})\n")
    call_command("makemessages", package_dir=str(package), apps=APPS, verbosity=0)
    path = package / "core/locale/en/LC_MESSAGES/django.po"
    assert f'msgid "{LONG}"\n' in path.read_text()  # not wrapped by xgettext and msgmerge either
    english = "This is a long sentence for the group, so long that a program would break it over two lines."
    by_hand = path.read_text().replace(f'msgid "{LONG}"\nmsgstr ""', f'msgid "{LONG}"\nmsgstr "{english}"')
    path.write_text(by_hand)
    call_command("makemessages", package_dir=str(package), apps=APPS, check=True, verbosity=0)
    call_command("makemessages", package_dir=str(package), apps=APPS, verbosity=0)
    assert path.read_text() == by_hand

    catalogue = polib.pofile(str(path))  # wrapwidth 78, as a translation script would save it
    catalogue.save()
    wrapped = path.read_text()
    assert f'msgstr "{english}"' not in wrapped
    pairs = zip(by_hand.splitlines(), wrapped.splitlines(), strict=False)
    line = next(number for number, (mine, saved) in enumerate(pairs, 1) if mine != saved)
    with pytest.raises(CommandError) as refused:
        call_command("makemessages", package_dir=str(package), apps=APPS, check=True, verbosity=0)
    assert str(refused.value).splitlines()[1] == (
        f"src/klaspoort/core/locale/en/LC_MESSAGES/django.po:{line}: laid out otherwise than `make messages` writes it "
        "(a text wrapped over several lines by hand or by a tool?)"
    )
    call_command("makemessages", package_dir=str(package), apps=APPS, verbosity=0)
    assert path.read_text() == by_hand
