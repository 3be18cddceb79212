from __future__ import annotations

from klaspoort.core.i18n.template_text import Finding, findings


def found(source: str, plain_text: bool = False) -> list[Finding]:
    return list(findings(source, plain_text))


def test_marked_text_passes() -> None:
    source = (
        '{% load i18n %}<h1>{% translate "Welkom" %}</h1>\n'
        "<p>{% blocktranslate with name=pupil.name %}Hallo {{ name }}, fijn dat je er bent{% endblocktranslate %}</p>\n"
        "<button aria-label=\"{% translate 'Sluiten' %}\">&times;</button> klaspoort · {{ school.name }} 2026"
    )
    assert found(source) == []


def test_plain_text_between_tags_is_found_with_its_line() -> None:
    source = '{% load i18n %}\n<h1>{% translate "Welkom" %}</h1>\n<p>\n  Kies je groep\n</p>'
    assert found(source) == [Finding(4, "Kies je groep", "text")]


def test_visible_attributes_and_button_captions_are_checked() -> None:
    source = (
        '<img alt="Een kat" src="x.svg">\n'
        '<input type="search" placeholder="Zoek een leerling" name="q">\n'
        '<input type="submit" value="Opslaan"><input type="hidden" name="kind" value="pictures">\n'
        '<a href="/x" title="Naar huis" class="button small">…</a>'
    )
    assert found(source) == [
        Finding(1, "Een kat", 'attribute "alt"'),
        Finding(2, "Zoek een leerling", 'attribute "placeholder"'),
        Finding(3, "Opslaan", 'attribute "value"'),
        Finding(4, "Naar huis", 'attribute "title"'),
    ]


def test_code_scripts_comments_and_class_blocks_are_not_text() -> None:
    source = (
        "{% block body_class %}pupil-pages{% endblock %}\n"
        "<script>const label = 'Laden';</script><style>.x::after { content: 'hoi' }</style>\n"
        "<p><code>klaspoort ip-agent --every 10m</code></p>\n"
        "{% comment %}Nog uitzoeken{% endcomment %}{# ook dit niet #}"
    )
    assert found(source) == []


def test_text_mixed_with_a_variable_is_found() -> None:
    assert found("<p>Groep {{ group.name }}</p>") == [Finding(1, "Groep …", "text")]


def test_every_line_of_a_mail_template_is_visible() -> None:
    source = '{% load i18n %}{% translate "Hallo" %}\n\nKlik op de link:\n{{ link }}\n'
    assert found(source, plain_text=True) == [Finding(3, "Klik op de link:", "text")]
