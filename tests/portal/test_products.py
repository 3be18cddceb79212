from __future__ import annotations

from klaspoort.portal.products import Product, role_for, tile_sort_key, visible_products


def product(pid: str, audience: str, at_home: bool) -> Product:
    return Product(
        id=pid,
        name=pid,
        audience=audience,  # type: ignore[arg-type]
        allowed_at_home=at_home,
        launch_method="link",
        launch_url=f"https://uitgever.example/{pid}",
    )


CATALOGUE = [
    product("pupil-home", "pupil", True),
    product("pupil-school", "pupil", False),
    product("teacher-home", "teacher", True),
    product("teacher-school", "teacher", False),
    product("both-home", "both", True),
    product("both-school", "both", False),
]


def ids(products: list[Product]) -> list[str]:
    return [p.id for p in products]


def test_pupil_at_school_sees_pupil_and_shared_products() -> None:
    assert ids(visible_products(CATALOGUE, "pupil", "school")) == [
        "pupil-home",
        "pupil-school",
        "both-home",
        "both-school",
    ]


def test_pupil_at_home_sees_only_home_allowed_pupil_products() -> None:
    assert ids(visible_products(CATALOGUE, "pupil", "home")) == ["pupil-home", "both-home"]


def test_teacher_sees_teacher_and_shared_products_never_pupil_ones() -> None:
    assert ids(visible_products(CATALOGUE, "teacher", "school")) == [
        "teacher-home",
        "teacher-school",
        "both-home",
        "both-school",
    ]


def test_role_for_principal_kind() -> None:
    assert role_for("staff") == "teacher"
    assert role_for("pupil") == "pupil"


def test_sort_key_ignores_case_and_accents() -> None:
    names = ["rekenen", "Érg leuk lezen", "Aardrijkskunde", "engels"]
    assert sorted(names, key=lambda n: tile_sort_key(n, "", "")) == [
        "Aardrijkskunde",
        "engels",
        "Érg leuk lezen",
        "rekenen",
    ]
