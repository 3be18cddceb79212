from __future__ import annotations

from klaspoort.accounts.pupils.pictures import (
    IDENTITY_DRAWINGS,
    PASSWORD_DRAWINGS,
    PASSWORD_KEYS,
    identity_keys,
    identity_picture,
    password_picture,
    render_identity,
    render_password,
)


def test_catalogue_sizes_and_unique_keys() -> None:
    assert len(IDENTITY_DRAWINGS) == 32
    assert len(PASSWORD_DRAWINGS) == 9
    keys = identity_keys()
    assert len(keys) == 32 * 5
    assert len(set(keys)) == len(keys)
    assert keys[:3] == ["kat", "hond", "vis"]
    assert keys[32] == "kat.1"
    assert not set(PASSWORD_KEYS) & {drawing.key for drawing in IDENTITY_DRAWINGS}


def test_every_drawing_has_a_distinct_name() -> None:
    names = [str(drawing.name) for drawing in IDENTITY_DRAWINGS + PASSWORD_DRAWINGS]
    assert len(set(names)) == len(names)


def test_tiled_variants_parse_and_are_named() -> None:
    picture = identity_picture("kat.2")
    assert picture is not None
    assert (picture.drawing.key, picture.tile, picture.name) == ("kat", 2, "kat op groen")
    assert identity_picture("kat").name == "kat"  # type: ignore[union-attr]
    for bad in ("kat.0", "kat.5", "kat.x", "hond.", "zon", "", "<script>"):
        assert identity_picture(bad) is None
    assert password_picture("zon") is not None
    assert password_picture("kat") is None


def test_rendered_svgs_are_self_contained() -> None:
    svg = render_identity("uil.3", "picture big")
    assert svg.startswith('<svg class="picture big" viewBox="0 0 64 64"')
    assert 'fill="#dce8ff"' in svg  # the blue tile
    assert "href" not in svg
    assert "http" not in svg.replace("http://www.w3.org", "")
    assert render_password("ster").startswith("<svg")
    assert render_identity("nope") == ""
    assert render_password("kat") == ""
