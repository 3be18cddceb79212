# ruff: noqa: E501  (drawing data: long SVG path strings read better unbroken)
"""Our own built-in pictures (leerlingplaatjes and wachtwoordplaatjes), drawn as small inline SVGs.

Identity pictures let a pupil find themselves in the group; each is unique within a home group.
When a group has more pupils than drawings, the same drawing is reused on a coloured tile
(`kat.1`, `kat.2`, …), so every key stays unique. The nine password pictures are a separate set,
always shown in the same 3x3 order so young children can remember where theirs are.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Drawing:
    key: str
    name: str | Promise
    body: str  # SVG markup inside a 64x64 viewBox


EYE = '<circle cx="{x}" cy="{y}" r="3" fill="#1d2433"/>'


def _eyes(y: int, left: int = 25, right: int = 39) -> str:
    return EYE.format(x=left, y=y) + EYE.format(x=right, y=y)


IDENTITY_DRAWINGS: tuple[Drawing, ...] = (
    Drawing(
        "kat",
        _("kat"),
        '<path d="M14 18 L20 34 L28 24 Z M50 18 L44 34 L36 24 Z" fill="#f08a24"/>'
        '<circle cx="32" cy="38" r="18" fill="#f08a24"/>'
        + _eyes(34)
        + '<path d="M29 41 h6 l-3 3 z" fill="#e0457b"/>'
        '<path d="M12 40 h12 M12 45 h12 M40 40 h12 M40 45 h12" stroke="#1d2433" stroke-width="1.5"/>',
    ),
    Drawing(
        "hond",
        _("hond"),
        '<circle cx="32" cy="34" r="17" fill="#a9743f"/>'
        '<ellipse cx="15" cy="32" rx="6" ry="13" fill="#6b4424"/>'
        '<ellipse cx="49" cy="32" rx="6" ry="13" fill="#6b4424"/>'
        + _eyes(30)
        + '<ellipse cx="32" cy="40" rx="5" ry="4" fill="#1d2433"/>'
        '<path d="M32 44 v4" stroke="#1d2433" stroke-width="2"/>',
    ),
    Drawing(
        "vis",
        _("vis"),
        '<path d="M44 32 L60 20 L60 44 Z" fill="#1e88e5"/>'
        '<ellipse cx="28" cy="32" rx="22" ry="14" fill="#42a5f5"/>'
        '<circle cx="17" cy="29" r="3" fill="#1d2433"/>'
        '<path d="M26 24 q6 8 0 16" stroke="#1565c0" stroke-width="2" fill="none"/>',
    ),
    Drawing(
        "uil",
        _("uil"),
        '<ellipse cx="32" cy="36" rx="18" ry="22" fill="#8d6e63"/>'
        '<ellipse cx="32" cy="44" rx="11" ry="12" fill="#d7ccc8"/>'
        '<circle cx="24" cy="28" r="7" fill="#fff"/><circle cx="40" cy="28" r="7" fill="#fff"/>'
        + _eyes(28, 24, 40)
        + '<path d="M29 34 h6 l-3 5 z" fill="#f9a825"/>',
    ),
    Drawing(
        "muis",
        _("muis"),
        '<circle cx="18" cy="20" r="10" fill="#9e9e9e"/><circle cx="46" cy="20" r="10" fill="#9e9e9e"/>'
        '<circle cx="18" cy="20" r="5" fill="#f8bbd0"/><circle cx="46" cy="20" r="5" fill="#f8bbd0"/>'
        '<circle cx="32" cy="38" r="16" fill="#bdbdbd"/>'
        + _eyes(35, 26, 38)
        + '<circle cx="32" cy="43" r="3" fill="#e91e63"/>',
    ),
    Drawing(
        "konijn",
        _("konijn"),
        '<ellipse cx="24" cy="16" rx="5" ry="14" fill="#eceff1" stroke="#90a4ae" stroke-width="2"/>'
        '<ellipse cx="40" cy="16" rx="5" ry="14" fill="#eceff1" stroke="#90a4ae" stroke-width="2"/>'
        '<circle cx="32" cy="40" r="16" fill="#eceff1" stroke="#90a4ae" stroke-width="2"/>'
        + _eyes(37, 26, 38)
        + '<path d="M29 44 h6 l-3 3 z" fill="#f06292"/>',
    ),
    Drawing(
        "vogel",
        _("vogel"),
        '<circle cx="30" cy="34" r="18" fill="#e53935"/>'
        '<path d="M46 30 L58 34 L46 38 Z" fill="#ffb300"/>'
        '<circle cx="38" cy="28" r="3" fill="#1d2433"/>'
        '<path d="M16 34 q10 12 20 2" fill="#b71c1c"/>',
    ),
    Drawing(
        "schildpad",
        _("schildpad"),
        '<circle cx="52" cy="36" r="6" fill="#7cb342"/>'
        '<rect x="14" y="40" width="8" height="10" rx="3" fill="#7cb342"/>'
        '<rect x="38" y="40" width="8" height="10" rx="3" fill="#7cb342"/>'
        '<path d="M8 42 a24 22 0 0 1 48 0 Z" fill="#2e7d32"/>'
        '<path d="M20 42 l6 -12 h12 l6 12" stroke="#a5d6a7" stroke-width="2" fill="none"/>'
        '<circle cx="54" cy="35" r="1.5" fill="#1d2433"/>',
    ),
    Drawing(
        "lieveheersbeestje",
        _("lieveheersbeestje"),
        '<circle cx="32" cy="14" r="8" fill="#1d2433"/>'
        '<circle cx="32" cy="36" r="20" fill="#e53935"/>'
        '<path d="M32 16 v40" stroke="#1d2433" stroke-width="2"/>'
        '<circle cx="23" cy="30" r="4" fill="#1d2433"/><circle cx="41" cy="30" r="4" fill="#1d2433"/>'
        '<circle cx="22" cy="44" r="4" fill="#1d2433"/><circle cx="42" cy="44" r="4" fill="#1d2433"/>',
    ),
    Drawing(
        "slak",
        _("slak"),
        '<path d="M6 50 h48 q6 0 6 -6 v-4 h-8 v6 h-46 z" fill="#ffcc80"/>'
        '<circle cx="30" cy="32" r="16" fill="#a1887f"/>'
        '<path d="M30 32 m-8 0 a8 8 0 1 1 8 8 a4 4 0 1 1 -4 -4" stroke="#5d4037" stroke-width="2.5" fill="none"/>'
        '<path d="M54 40 l-2 -12 M58 40 l2 -12" stroke="#ffcc80" stroke-width="2"/>',
    ),
    Drawing(
        "bij",
        _("bij"),
        '<ellipse cx="22" cy="20" rx="9" ry="7" fill="#e3f2fd" stroke="#90caf9" stroke-width="2"/>'
        '<ellipse cx="40" cy="20" rx="9" ry="7" fill="#e3f2fd" stroke="#90caf9" stroke-width="2"/>'
        '<ellipse cx="32" cy="38" rx="20" ry="14" fill="#fdd835"/>'
        '<path d="M24 25 v26 M34 24 v28" stroke="#1d2433" stroke-width="5"/>'
        '<circle cx="46" cy="35" r="2.5" fill="#1d2433"/>',
    ),
    Drawing(
        "varken",
        _("varken"),
        '<path d="M14 14 L24 24 L16 28 Z M50 14 L40 24 L48 28 Z" fill="#f48fb1"/>'
        '<circle cx="32" cy="36" r="19" fill="#f8bbd0"/>'
        + _eyes(30)
        + '<ellipse cx="32" cy="41" rx="8" ry="6" fill="#f48fb1"/>'
        '<circle cx="29" cy="41" r="1.8" fill="#ad1457"/><circle cx="35" cy="41" r="1.8" fill="#ad1457"/>',
    ),
    Drawing(
        "kikker",
        _("kikker"),
        '<circle cx="20" cy="20" r="9" fill="#43a047"/><circle cx="44" cy="20" r="9" fill="#43a047"/>'
        '<circle cx="20" cy="20" r="5" fill="#fff"/><circle cx="44" cy="20" r="5" fill="#fff"/>'
        + _eyes(20, 20, 44)
        + '<ellipse cx="32" cy="38" rx="24" ry="16" fill="#43a047"/>'
        '<path d="M20 40 q12 10 24 0" stroke="#1b5e20" stroke-width="2.5" fill="none"/>',
    ),
    Drawing(
        "eend",
        _("eend"),
        '<ellipse cx="30" cy="44" rx="22" ry="12" fill="#fdd835"/>'
        '<circle cx="40" cy="24" r="11" fill="#fdd835"/>'
        '<path d="M50 24 L60 27 L50 30 Z" fill="#fb8c00"/>'
        '<circle cx="43" cy="21" r="2.5" fill="#1d2433"/>'
        '<path d="M14 42 q10 8 20 0" stroke="#f9a825" stroke-width="2.5" fill="none"/>',
    ),
    Drawing(
        "appel",
        _("appel"),
        '<path d="M32 20 q-14 -8 -20 6 q-6 16 8 28 q6 4 12 0 q6 4 12 0 q14 -12 8 -28 q-6 -14 -20 -6 z" fill="#e53935"/>'
        '<path d="M32 20 q0 -8 4 -12" stroke="#6d4c41" stroke-width="3" fill="none"/>'
        '<path d="M36 12 q8 -4 12 2 q-8 4 -12 -2 z" fill="#43a047"/>',
    ),
    Drawing(
        "peer",
        _("peer"),
        '<path d="M32 12 q-8 0 -8 14 q-12 8 -8 20 q4 10 16 10 q12 0 16 -10 q4 -12 -8 -20 q0 -14 -8 -14 z" fill="#9ccc65"/>'
        '<path d="M32 12 v-6" stroke="#6d4c41" stroke-width="3"/>',
    ),
    Drawing(
        "banaan",
        _("banaan"),
        '<path d="M10 22 q6 30 40 28 q6 -1 8 -6 q-30 6 -40 -24 z" fill="#fdd835" stroke="#f9a825" stroke-width="2"/>'
        '<path d="M10 22 l-2 -6" stroke="#6d4c41" stroke-width="3"/>',
    ),
    Drawing(
        "kersen",
        _("kersen"),
        '<path d="M22 42 q4 -20 18 -32 M42 42 q-4 -16 -2 -32" stroke="#558b2f" stroke-width="3" fill="none"/>'
        '<circle cx="21" cy="46" r="10" fill="#c62828"/><circle cx="43" cy="46" r="10" fill="#c62828"/>'
        '<circle cx="18" cy="43" r="2.5" fill="#ef9a9a"/><circle cx="40" cy="43" r="2.5" fill="#ef9a9a"/>',
    ),
    Drawing(
        "aardbei",
        _("aardbei"),
        '<path d="M12 22 q20 -6 40 0 q0 24 -20 36 q-20 -12 -20 -36 z" fill="#e53935"/>'
        '<path d="M14 22 l8 -10 l4 8 l6 -10 l6 10 l4 -8 l8 10 z" fill="#43a047"/>'
        '<g fill="#fff59d"><circle cx="24" cy="30" r="1.5"/><circle cx="34" cy="32" r="1.5"/>'
        '<circle cx="42" cy="29" r="1.5"/><circle cx="28" cy="41" r="1.5"/><circle cx="38" cy="42" r="1.5"/>'
        '<circle cx="32" cy="50" r="1.5"/></g>',
    ),
    Drawing(
        "druiven",
        _("druiven"),
        '<g fill="#7b1fa2"><circle cx="22" cy="22" r="7"/><circle cx="34" cy="22" r="7"/><circle cx="46" cy="22" r="7"/>'
        '<circle cx="28" cy="34" r="7"/><circle cx="40" cy="34" r="7"/><circle cx="34" cy="46" r="7"/></g>'
        '<path d="M34 15 v-9" stroke="#6d4c41" stroke-width="3"/>',
    ),
    Drawing(
        "wortel",
        _("wortel"),
        '<path d="M22 20 L44 20 L33 60 Z" fill="#fb8c00"/>'
        '<path d="M33 20 l-8 -14 M33 20 v-16 M33 20 l8 -14" stroke="#43a047" stroke-width="4"/>'
        '<path d="M27 30 h6 M30 40 h5" stroke="#e65100" stroke-width="2"/>',
    ),
    Drawing(
        "auto",
        _("auto"),
        '<path d="M6 40 v-8 q0 -4 4 -4 h8 l8 -10 h14 l8 10 h6 q4 0 4 4 v8 z" fill="#1e88e5"/>'
        '<path d="M28 21 h10 l5 7 h-20 z" fill="#bbdefb"/>'
        '<circle cx="18" cy="42" r="7" fill="#263238"/><circle cx="46" cy="42" r="7" fill="#263238"/>'
        '<circle cx="18" cy="42" r="3" fill="#b0bec5"/><circle cx="46" cy="42" r="3" fill="#b0bec5"/>',
    ),
    Drawing(
        "boot",
        _("boot"),
        '<path d="M8 40 h48 l-8 12 h-32 z" fill="#6d4c41"/>'
        '<path d="M32 8 v32" stroke="#4e342e" stroke-width="3"/>'
        '<path d="M34 10 L54 36 H34 Z" fill="#ffffff" stroke="#90a4ae" stroke-width="2"/>'
        '<path d="M30 14 L14 36 H30 Z" fill="#ef5350"/>',
    ),
    Drawing(
        "vliegtuig",
        _("vliegtuig"),
        '<path d="M6 32 q0 -5 6 -5 h40 q8 0 10 5 q-2 5 -10 5 h-40 q-6 0 -6 -5 z" fill="#eceff1" stroke="#78909c" stroke-width="2"/>'
        '<path d="M26 28 L38 8 h6 L38 28 Z M26 36 L38 56 h6 L38 36 Z" fill="#1e88e5"/>'
        '<path d="M8 28 L6 16 h6 l6 12 z" fill="#1e88e5"/>',
    ),
    Drawing(
        "raket",
        _("raket"),
        '<path d="M32 4 q12 12 10 36 h-20 q-2 -24 10 -36 z" fill="#eceff1" stroke="#78909c" stroke-width="2"/>'
        '<circle cx="32" cy="22" r="5" fill="#42a5f5"/>'
        '<path d="M22 32 l-8 14 h8 z M42 32 l8 14 h-8 z" fill="#e53935"/>'
        '<path d="M26 42 q6 18 12 0 z" fill="#ffa000"/>',
    ),
    Drawing(
        "bal",
        _("bal"),
        '<circle cx="32" cy="32" r="24" fill="#fff" stroke="#37474f" stroke-width="2"/>'
        '<path d="M32 8 a24 24 0 0 1 24 24 h-24 z" fill="#e53935"/>'
        '<path d="M32 56 a24 24 0 0 1 -24 -24 h24 z" fill="#1e88e5"/>'
        '<path d="M8 32 a24 24 0 0 1 24 -24 v24 z" fill="#fdd835"/>',
    ),
    Drawing(
        "paraplu",
        _("paraplu"),
        '<path d="M6 30 a26 22 0 0 1 52 0 q-6 -4 -13 0 q-6 -4 -13 0 q-7 -4 -13 0 q-7 -4 -13 0 z" fill="#8e24aa"/>'
        '<path d="M32 30 v20 q0 6 -6 6 q-5 0 -5 -5" stroke="#37474f" stroke-width="3" fill="none"/>',
    ),
    Drawing(
        "huis",
        _("huis"),
        '<path d="M8 30 L32 8 L56 30 Z" fill="#c62828"/>'
        '<rect x="14" y="30" width="36" height="26" fill="#ffcc80"/>'
        '<rect x="28" y="40" width="9" height="16" fill="#6d4c41"/>'
        '<rect x="17" y="35" width="8" height="8" fill="#90caf9"/><rect x="40" y="35" width="8" height="8" fill="#90caf9"/>',
    ),
    Drawing(
        "boom",
        _("boom"),
        '<rect x="28" y="38" width="8" height="20" fill="#6d4c41"/>'
        '<circle cx="32" cy="24" r="16" fill="#2e7d32"/>'
        '<circle cx="20" cy="32" r="10" fill="#388e3c"/><circle cx="44" cy="32" r="10" fill="#388e3c"/>',
    ),
    Drawing(
        "paddenstoel",
        _("paddenstoel"),
        '<rect x="25" y="32" width="14" height="22" rx="4" fill="#fff3e0" stroke="#bcaaa4" stroke-width="2"/>'
        '<path d="M6 34 a26 24 0 0 1 52 0 z" fill="#d32f2f"/>'
        '<g fill="#fff"><circle cx="20" cy="24" r="4"/><circle cx="34" cy="17" r="4"/><circle cx="46" cy="27" r="3"/></g>',
    ),
    Drawing(
        "ijsje",
        _("ijsje"),
        '<path d="M20 32 L32 60 L44 32 Z" fill="#e0a060"/>'
        '<circle cx="32" cy="24" r="13" fill="#f48fb1"/>'
        '<circle cx="32" cy="12" r="4" fill="#e53935"/>',
    ),
    Drawing(
        "ballon",
        _("ballon"),
        '<ellipse cx="32" cy="24" rx="16" ry="19" fill="#00acc1"/>'
        '<path d="M29 43 h6 l-3 4 z" fill="#00838f"/>'
        '<path d="M32 47 q-6 6 0 10 q6 4 0 6" stroke="#546e7a" stroke-width="1.5" fill="none"/>'
        '<ellipse cx="26" cy="17" rx="3" ry="5" fill="#80deea"/>',
    ),
)

PASSWORD_DRAWINGS: tuple[Drawing, ...] = (
    Drawing(
        "zon",
        _("zon"),
        '<g stroke="#f9a825" stroke-width="4" stroke-linecap="round">'
        '<path d="M32 4 v8 M32 52 v8 M4 32 h8 M52 32 h8 M12 12 l6 6 M46 46 l6 6 M52 12 l-6 6 M12 52 l6 -6"/></g>'
        '<circle cx="32" cy="32" r="14" fill="#fdd835"/>',
    ),
    Drawing("maan", _("maan"), '<path d="M40 6 a26 26 0 1 0 18 40 a20 20 0 1 1 -18 -40 z" fill="#3949ab"/>'),
    Drawing(
        "ster",
        _("ster"),
        '<path d="M32 4 L40 24 L61 24 L44 37 L50 58 L32 46 L14 58 L20 37 L3 24 L24 24 Z" fill="#fb8c00"/>',
    ),
    Drawing(
        "hart", _("hart"), '<path d="M32 56 L8 32 a12 12 0 0 1 24 -16 a12 12 0 0 1 24 16 Z" fill="#e53935"/>'
    ),
    Drawing(
        "wolk",
        _("wolk"),
        '<path d="M16 48 a10 10 0 0 1 0 -20 a14 14 0 0 1 26 -6 a12 12 0 0 1 8 26 z" fill="#90caf9" stroke="#1e88e5" stroke-width="2"/>',
    ),
    Drawing(
        "bloem",
        _("bloem"),
        '<g fill="#d81b60"><circle cx="32" cy="16" r="10"/><circle cx="48" cy="30" r="10"/>'
        '<circle cx="42" cy="48" r="10"/><circle cx="22" cy="48" r="10"/><circle cx="16" cy="30" r="10"/></g>'
        '<circle cx="32" cy="33" r="8" fill="#fdd835"/>',
    ),
    Drawing(
        "blad",
        _("blad"),
        '<path d="M10 54 q0 -44 46 -46 q2 46 -46 46 z" fill="#43a047"/>'
        '<path d="M10 54 L44 20" stroke="#1b5e20" stroke-width="2.5"/>',
    ),
    Drawing(
        "druppel",
        _("druppel"),
        '<path d="M32 4 q20 26 20 36 a20 20 0 0 1 -40 0 q0 -10 20 -36 z" fill="#00acc1"/>'
        '<ellipse cx="25" cy="40" rx="4" ry="7" fill="#b2ebf2"/>',
    ),
    Drawing(
        "vlinder",
        _("vlinder"),
        '<g fill="#8e24aa"><ellipse cx="19" cy="22" rx="13" ry="12"/><ellipse cx="45" cy="22" rx="13" ry="12"/>'
        '<ellipse cx="21" cy="44" rx="10" ry="9"/><ellipse cx="43" cy="44" rx="10" ry="9"/></g>'
        '<rect x="29" y="14" width="6" height="40" rx="3" fill="#37474f"/>'
        '<path d="M30 14 l-6 -8 M34 14 l6 -8" stroke="#37474f" stroke-width="2"/>',
    ),
)

# Tile colours for a drawing's 2nd, 3rd, … use within one group.
TILE_COLOURS: tuple[tuple[str, str | Promise], ...] = (
    ("#ffffff", ""),
    ("#fff3c4", _("op geel")),
    ("#d7f5dd", _("op groen")),
    ("#dce8ff", _("op blauw")),
    ("#fde0ec", _("op roze")),
)

IDENTITY_BY_KEY = {drawing.key: drawing for drawing in IDENTITY_DRAWINGS}
PASSWORD_BY_KEY = {drawing.key: drawing for drawing in PASSWORD_DRAWINGS}
PASSWORD_KEYS: tuple[str, ...] = tuple(drawing.key for drawing in PASSWORD_DRAWINGS)


@dataclass(frozen=True)
class Picture:
    """A usable picture: a drawing on a tile colour. `key` is what we store."""

    key: str
    drawing: Drawing
    tile: int = 0

    @property
    def name(self) -> str:
        suffix = TILE_COLOURS[self.tile][1]
        return f"{self.drawing.name} {suffix}" if suffix else str(self.drawing.name)


def identity_keys() -> list[str]:
    """Every identity picture key, plain drawings first, then the tiled variants."""
    return [
        drawing.key if tile == 0 else f"{drawing.key}.{tile}"
        for tile in range(len(TILE_COLOURS))
        for drawing in IDENTITY_DRAWINGS
    ]


def identity_picture(key: str) -> Picture | None:
    base, sep, tile_text = key.partition(".")
    drawing = IDENTITY_BY_KEY.get(base)
    if drawing is None:
        return None
    if not sep:
        return Picture(key, drawing)
    if not tile_text.isdigit() or not 0 < int(tile_text) < len(TILE_COLOURS):
        return None
    return Picture(key, drawing, int(tile_text))


def password_picture(key: str) -> Picture | None:
    drawing = PASSWORD_BY_KEY.get(key)
    return Picture(key, drawing) if drawing else None


@cache
def _svg(kind: str, key: str, css_class: str) -> SafeString:
    picture = identity_picture(key) if kind == "identity" else password_picture(key)
    assert picture is not None
    background = TILE_COLOURS[picture.tile][0]
    # The drawing's markup is our own constant text, never user input.
    return format_html(
        '<svg class="{}" viewBox="0 0 64 64" width="64" height="64" aria-hidden="true" focusable="false">'
        '<rect width="64" height="64" rx="12" fill="{}"/>{}</svg>',
        css_class,
        background,
        mark_safe(picture.drawing.body),
    )


def render_identity(key: str, css_class: str = "picture") -> SafeString:
    """Inline SVG of an identity picture (decorative: the pupil's name or a label goes next to it)."""
    if identity_picture(key) is None:
        return mark_safe("")
    return _svg("identity", key, css_class)


def render_password(key: str, css_class: str = "picture") -> SafeString:
    if password_picture(key) is None:
        return mark_safe("")
    return _svg("password", key, css_class)


@lru_cache(maxsize=8)
def _password_buttons(language: str | None) -> SafeString:
    return mark_safe(  # built with format_html from our own constants
        "".join(
            format_html(
                '<button type="button" class="picture-choice" data-key="{}" aria-label="{}">{}</button>',
                key,
                PASSWORD_BY_KEY[key].name,
                render_password(key),
            )
            for key in PASSWORD_KEYS
        )
    )


def password_buttons() -> SafeString:
    """The 3x3 grid's nine buttons, in the fixed order, named in the active language (cached)."""
    return _password_buttons(get_language())
