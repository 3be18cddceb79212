"""Finds visible text in templates that is not inside a translation tag.

Visible is: text between HTML tags (except in `CODE_ELEMENTS` and `NON_TEXT_BLOCKS`), the
attributes a person reads or hears (`VISIBLE_ATTRIBUTES`), the caption of an
<input type="submit|button|reset">, and every line of a plain-text (mail) template. Text produced
by `{{ … }}` and `{% … %}` is the code's business; text inside `{% blocktranslate %}` is marked.
Words without a translation (the brand) and whole templates that are deliberately not translated
are listed in `ALLOWED_WORDS` and `UNTRANSLATED_TEMPLATES` below: the one place for exceptions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from django.template.base import Lexer, TokenType

# Words that read the same in every language: names, formats and units.
ALLOWED_WORDS = frozenset(
    {"klaspoort", "Basispoort", "Entree", "EDEXML", "CSV", "OIDC", "SAML", "QR", "ECK", "iD", "SHA", "ms"}
)
# Templates (relative to the package) that are not translated, and why.
UNTRANSLATED_TEMPLATES: dict[str, str] = {}
VISIBLE_ATTRIBUTES = frozenset(
    {"title", "alt", "placeholder", "aria-label", "aria-description", "aria-roledescription", "label"}
)
CAPTIONED_INPUTS = frozenset({"submit", "button", "reset"})
# Elements whose text is code, commands or data, never translated.
CODE_ELEMENTS = frozenset({"script", "style", "code", "kbd", "samp", "pre"})
# {% block %}s whose content is not shown as text (class names, <head> links, scripts).
NON_TEXT_BLOCKS = frozenset({"body_class", "head", "scripts"})
MARK = "\x1f"  # stands in for a template tag or variable in the text handed to the HTML parser
WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
BLOCK_TRANSLATE = {"blocktranslate", "blocktrans"}
END_BLOCK_TRANSLATE = {"endblocktranslate", "endblocktrans"}


@dataclass(frozen=True)
class Finding:
    line: int
    text: str
    where: str  # "text" or 'attribute "title"'


def masked(source: str) -> str:
    """The template with every tag, variable, comment and marked block replaced by MARK.

    Newlines are kept, so line numbers in the result are those of the template.
    """
    out: list[str] = []
    skipping: str | None = None  # the end tag we are waiting for
    blocks: list[str] = []  # names of the open {% block %}s
    for token in Lexer(source).tokenize():
        contents = token.contents
        name = contents.split(" ", 1)[0] if token.token_type == TokenType.BLOCK else ""
        if skipping:
            if token.token_type == TokenType.BLOCK and name in END_BLOCK_TRANSLATE | {skipping}:
                skipping = None
            out.append(_blank(contents))
            continue
        if token.token_type == TokenType.TEXT:
            out.append(contents if not blocks or blocks[-1] not in NON_TEXT_BLOCKS else _blank(contents))
            continue
        if name == "block":
            blocks.append(contents.split()[1] if len(contents.split()) > 1 else "")
        elif name == "endblock" and blocks:
            blocks.pop()
        if name in BLOCK_TRANSLATE:
            skipping = "endblocktranslate"
        elif name == "comment":
            skipping = "endcomment"
        elif name == "verbatim":
            skipping = "endverbatim"
        out.append(_blank(contents))
    return "".join(out)


def _blank(text: str) -> str:
    return MARK + "\n" * text.count("\n")


def _visible_words(text: str) -> list[str]:
    return [word for word in WORD.findall(text.replace(MARK, " ")) if word not in ALLOWED_WORDS]


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[Finding] = []
        self.hidden_depth = 0

    def _add(self, text: str, where: str, line: int) -> None:
        if _visible_words(text):
            self.findings.append(Finding(line, " ".join(text.replace(MARK, "…").split()), where))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CODE_ELEMENTS:
            self.hidden_depth += 1
        line = self.getpos()[0]
        values = dict(attrs)
        for attribute, value in attrs:
            if value is None:
                continue
            visible = attribute in VISIBLE_ATTRIBUTES or (
                attribute == "value" and tag == "input" and (values.get("type") or "") in CAPTIONED_INPUTS
            )
            if visible:
                self._add(value, f'attribute "{attribute}"', line)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in CODE_ELEMENTS:
            self.hidden_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in CODE_ELEMENTS and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.hidden_depth or not _visible_words(data):
            return
        line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
        self._add(data, "text", line)


def findings(source: str, plain_text: bool) -> Iterator[Finding]:
    text = masked(source)
    if plain_text:
        for number, line in enumerate(text.splitlines(), start=1):
            if _visible_words(line):
                yield Finding(number, " ".join(line.replace(MARK, "…").split()), "text")
        return
    parser = _Visible()
    parser.feed(text)
    parser.close()
    yield from parser.findings
