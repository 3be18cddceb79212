"""Texts kept untranslated with their values and shown later in the reader's language."""

from __future__ import annotations

import json

from django.utils import translation

from klaspoort.core.i18n.texts import Text, deferred, deferred_plural, show, stored

# Message ids of the roster catalogue, so that they have an English translation.
OWNER = deferred("leerling '%(key)s'", key="L1")
NO_NAME = deferred("%(owner)s heeft geen naam.", owner=OWNER)


def test_rendered_in_the_active_language_with_nested_values() -> None:
    with translation.override("nl"):
        assert NO_NAME.render() == "leerling 'L1' heeft geen naam."
    with translation.override("en"):
        assert NO_NAME.render() == "pupil 'L1' has no name."
    with translation.override("en"):
        assert NO_NAME.source() == "leerling 'L1' heeft geen naam."  # Dutch, whatever is active


def test_the_plural_form_is_chosen_when_shown() -> None:
    one = deferred_plural("%(count)d groep met een '#'-key is herkend aan soort en naam.",
                          "%(count)d groepen met een '#'-key zijn herkend aan soort en naam.", 1)  # fmt: skip
    three = Text(one.msgid, (("count", 3),), plural=one.plural)
    with translation.override("en"):
        assert (one.render(), three.render()) == (
            "1 group with a '#' key was recognised by kind and name.",
            "3 groups with a '#' key were recognised by kind and name.",
        )
    assert three.source() == "3 groepen met een '#'-key zijn herkend aan soort en naam."


def test_a_decimal_number_follows_the_language() -> None:
    size = deferred("%(number)s MB", number=1.5)
    with translation.override("nl"):
        assert size.render() == "1,5 MB"
    with translation.override("en"):
        assert size.render() == "1.5 MB"
    assert size.source() == "1,5 MB"


def test_stored_as_json_and_shown_again() -> None:
    data = json.loads(json.dumps(stored(NO_NAME)))
    assert data == {
        "message": "Leerling 'L1' heeft geen naam.",
        "msgid": "%(owner)s heeft geen naam.",
        "params": {"owner": {"msgid": "leerling '%(key)s'", "params": {"key": "L1"}}},
    }
    assert Text.from_data(data) == NO_NAME
    with translation.override("en"):
        assert show(data) == "Pupil 'L1' has no name."
        assert show(data, sentence=False) == "pupil 'L1' has no name."


def test_what_was_stored_before_is_shown_as_it_was_written() -> None:
    with translation.override("en"):
        assert show("Het bestand is leeg.") == "The file is empty."  # still in the catalogue
        assert show("Een tekst van vroeger.") == "Een tekst van vroeger."
        assert show({"line": 3, "message": "Een tekst van vroeger."}) == "Een tekst van vroeger."
        assert (
            show({"message": "Vroeger.", "msgid": "%(owner)s heeft geen naam."}) == "Vroeger."
        )  # values lost
        assert show({"message": "Vroeger.", "msgid": {"kapot": 1}}) == "Vroeger."  # not ours: the text
        assert show(None) == ""
