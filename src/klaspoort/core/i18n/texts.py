"""Texts written down now and read later, in the reader's language (import reports, their history).

A report kept in the database is read by someone else, later, in their language; and a sentence with
values in it ("Regel 14: de groep '7B' bestaat niet") cannot be looked up in a catalogue once the
values are filled in. So such a text is kept as its Dutch message id plus the values apart:

    deferred("%(owner)s heeft geen naam.", owner=deferred("leerling '%(key)s'", key="L1"))
    deferred_plural("%(count)d groep met een '#'-key …", "%(count)d groepen met een '#'-key …", 3)

`deferred` and `deferred_plural` mark their Dutch source for `make messages` (its xgettext knows both
names, see klaspoort.core.management.commands.makemessages) and translate nothing yet. `render()`
translates in the active language, values included (a value may be a text itself; a float is
written with the language's decimal sign). `source()` is the Dutch text, without any catalogue.

Stored as JSON by `as_data()`: {"msgid": …, "params": {…}} (and "plural" for a count). `show(value)`
renders what `as_data()` stored, and also what was stored before texts were kept this way: a plain
string is shown translated when the catalogue still has it, else as it was written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import formats
from django.utils.translation import gettext, ngettext

Value = Any  # str | int | float | Text


@dataclass(frozen=True)
class Text:
    """A Dutch message id with named values, translated only when shown."""

    msgid: str
    params: tuple[tuple[str, Value], ...] = ()
    plural: str = ""  # the plural message id; params["count"] chooses

    def _values(self, translate: bool, strict: bool = False) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, value in self.params:
            if isinstance(value, Text):
                values[name] = value.render(strict=strict) if translate else value.source()
            elif isinstance(value, float) and translate:
                values[name] = formats.number_format(value)
            elif isinstance(value, float):
                values[name] = f"{value:g}".replace(".", ",")
            else:
                values[name] = value
        return values

    def _count(self) -> int:
        return int(dict(self.params).get("count", 0))

    def render(self, *, strict: bool = False) -> str:
        """In the active language (Dutch when no catalogue has it). `strict`: raise KeyError or
        ValueError when the values do not fit the text (else the text is shown unfilled)."""
        if self.plural:
            template = ngettext(self.msgid, self.plural, self._count())
        else:
            template = gettext(self.msgid)
        if not self.params and not strict:
            return template
        return _fill(template, self._values(translate=True, strict=strict), strict=strict)

    def source(self) -> str:
        """The Dutch text with its values, without looking anything up."""
        template = self.msgid if not self.plural or self._count() == 1 else self.plural
        return _fill(template, self._values(translate=False)) if self.params else template

    def __str__(self) -> str:
        return self.render()

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"msgid": self.msgid}
        if self.plural:
            data["plural"] = self.plural
        if self.params:
            data["params"] = {
                name: value.as_data() if isinstance(value, Text) else value for name, value in self.params
            }
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Text:
        params, msgid = data.get("params") or {}, data["msgid"]
        if not isinstance(msgid, str) or not isinstance(params, Mapping):
            raise TypeError("not a stored text")
        return cls(
            msgid=msgid,
            params=tuple(
                (str(name), cls.from_data(value) if isinstance(value, Mapping) else value)
                for name, value in params.items()
            ),
            plural=str(data.get("plural", "")),
        )


def _fill(template: str, values: dict[str, Any], *, strict: bool = False) -> str:
    if not values and "%" not in template:
        return template
    try:
        return template % values
    except (KeyError, ValueError, TypeError):  # a catalogue entry that lost a placeholder
        if strict:
            raise
        return template


def deferred(msgid: str, /, **params: Value) -> Text:
    """A text to translate when it is shown; `msgid` is the Dutch source with %(name)s placeholders."""
    return Text(msgid, tuple(params.items()))


def deferred_plural(singular: str, plural: str, count: int, /, **params: Value) -> Text:
    """`deferred` for a count (`%(count)d` in both forms): the form is chosen when it is shown."""
    return Text(singular, (("count", count), *params.items()), plural=plural)


def capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def stored(value: Text | str, *, key: str = "message", sentence: bool = True) -> dict[str, Any]:
    """For the database: the Dutch text under `key` (what tools and older readers see), with the
    message id and values to show it in another language later. `sentence`: starts with a capital."""
    if isinstance(value, Text):
        dutch = value.source()
        return {key: capitalised(dutch) if sentence else dutch, **value.as_data()}
    return {key: value}


def show(value: Mapping[str, Any] | str | None, *, key: str = "message", sentence: bool = True) -> str:
    """What `stored` kept (or a plain string from before texts were kept so), in the active language.
    A plain string is translated when the catalogue has it, else shown as it was written."""
    if value is None:
        return ""
    if isinstance(value, str):
        return gettext(value) if value else ""
    if value.get("msgid"):
        try:
            shown = Text.from_data(value).render(strict=True)
        except (KeyError, TypeError, ValueError, AttributeError):  # not a text of ours after all
            pass
        else:
            return capitalised(shown) if sentence else shown
    plain = str(value.get(key, ""))
    return gettext(plain) if plain else ""
