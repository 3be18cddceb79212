from __future__ import annotations

from klaspoort.accounts.pupils.allocation import ALL_KEYS, Seat, first_free, free_pictures, plan_pictures

SEEDS = [f"00000000-0000-0000-0000-{index:012d}" for index in range(200)]


def test_every_new_seat_gets_a_unique_picture_and_the_plan_is_deterministic() -> None:
    seats = [Seat(seed, None) for seed in SEEDS[:30]]
    plan = plan_pictures(seats)
    assert len(plan) == 30
    assert len(set(plan.values())) == 30
    assert plan == plan_pictures(seats)
    assert all("." not in key for key in plan.values())  # 30 pupils fit in the 32 plain drawings


def test_nothing_changes_when_all_is_in_order() -> None:
    seats = [Seat(seed, None) for seed in SEEDS[:10]]
    plan = plan_pictures(seats)
    settled = [Seat(seed, plan[seed]) for seed in SEEDS[:10]]
    assert plan_pictures(settled) == {}


def test_a_newcomer_moves_nobody() -> None:
    seats = [Seat(seed, None) for seed in SEEDS[:10]]
    plan = plan_pictures(seats)
    settled = [Seat(seed, plan[seed]) for seed in SEEDS[:10]]
    newcomer = plan_pictures([*settled, Seat(SEEDS[10], None)])
    assert list(newcomer) == [SEEDS[10]]
    assert newcomer[SEEDS[10]] not in plan.values()


def test_on_a_collision_the_senior_pupil_keeps_the_picture() -> None:
    seats = [Seat(SEEDS[0], "kat"), Seat(SEEDS[1], "hond"), Seat(SEEDS[2], "kat")]
    plan = plan_pictures(seats)
    assert list(plan) == [SEEDS[2]]
    assert plan[SEEDS[2]] not in {"kat", "hond"}


def test_unknown_pictures_are_replaced() -> None:
    plan = plan_pictures([Seat(SEEDS[0], "dinosaurus")])
    assert plan[SEEDS[0]] in ALL_KEYS


def test_large_groups_use_coloured_tiles_and_stay_unique() -> None:
    seats = [Seat(seed, None) for seed in SEEDS[:100]]
    plan = plan_pictures(seats)
    assert len(set(plan.values())) == 100
    assert sum("." in key for key in plan.values()) == 68


def test_beyond_the_catalogue_pictures_are_shared_rather_than_failing() -> None:
    taken = set(ALL_KEYS)
    assert first_free(SEEDS[0], taken) in ALL_KEYS


def test_free_pictures_excludes_the_taken_ones_in_catalogue_order() -> None:
    free = free_pictures({"kat", "vis"})
    assert free[:2] == ["hond", "uil"]
    assert len(free) == len(ALL_KEYS) - 2
