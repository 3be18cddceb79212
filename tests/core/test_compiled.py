"""core.compiled: QuerySets compiled once per vendor and key, run with parameters as the ORM would."""

from __future__ import annotations

import pytest
from django.db.models import Count, QuerySet

from klaspoort.core.compiled import CompiledQuery, CompiledUpdate, Param
from klaspoort.registry.models import Board, SchoolLocation
from tests.roster import factories

pytestmark = pytest.mark.django_db


def test_a_query_is_built_once_per_key_and_run_with_each_call_s_values(django_assert_num_queries) -> None:
    built: list[tuple[int, ...]] = []

    def build(*key: int) -> QuerySet[Board]:
        built.append(key)
        return Board.objects.filter(number=Param.of(Board, "number")).order_by("pk")

    query = CompiledQuery(Board, build)
    north, south = (
        Board.objects.create(number="10001", name="Noord"),
        Board.objects.create(number="10002", name="Zuid"),
    )

    with django_assert_num_queries(2):
        assert query.fetch(number="10001") == [north]
        assert query.fetch(number="10002") == [south]
    assert query.fetch(key=(7,), number="10003") == []
    assert built == [(), (7,)]


def test_rows_come_converted_and_annotations_land_on_the_instances() -> None:
    school = factories.school()
    factories.group(school, "Groep 5")
    factories.group(school, "Groep 6", year_group="6")
    ref = Param.of(SchoolLocation, "instelling_ref", "ref")
    rows = CompiledQuery(
        SchoolLocation,
        lambda: SchoolLocation.objects.filter(instelling_ref=ref).values_list("instelling_ref", "active"),
        rows=True,
    )
    counted = CompiledQuery(
        SchoolLocation,
        lambda: SchoolLocation.objects.filter(instelling_ref=ref).annotate(groups_count=Count("groups")),
    )

    assert rows.fetch(ref=school.instelling_ref) == [(school.instelling_ref, True)]
    (found,) = counted.fetch(ref=school.instelling_ref)
    assert (found.pk, found.groups_count) == (school.pk, 2)


def test_a_missing_value_is_refused_before_anything_runs(django_assert_num_queries) -> None:
    query = CompiledQuery(Board, lambda: Board.objects.filter(number=Param.of(Board, "number")))
    with django_assert_num_queries(0), pytest.raises(TypeError, match="missing value for Param 'number'"):
        query.fetch(name="Noord")


def test_a_query_of_another_model_is_refused() -> None:
    query = CompiledQuery(Board, SchoolLocation.objects.all)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="the QuerySet is of SchoolLocation, not Board"):
        query.fetch()


def test_an_update_sets_only_the_rows_that_still_match() -> None:
    board = Board.objects.create(number="10001", name="Noord")
    rename = CompiledUpdate(
        Board,
        lambda: Board.objects.filter(pk=Param.of(Board, "pk"), name=Param.of(Board, "name", "was")),
        ["name"],
    )

    assert rename.run(pk=board.pk, was="Noord", name="Noordwest") == 1
    assert rename.run(pk=board.pk, was="Noord", name="Oost") == 0
    assert list(Board.objects.values_list("name", flat=True)) == ["Noordwest"]


def test_an_update_filtering_through_a_join_is_refused_unrun() -> None:
    school = factories.school()
    rename = CompiledUpdate(
        SchoolLocation,
        lambda: SchoolLocation.objects.filter(board__name=Param.of(Board, "name", "board")),
        ["name"],
    )
    with pytest.raises(ValueError, match="filters on its own table only"):
        rename.run(board="x", name="Anders")
    assert SchoolLocation.objects.get(pk=school.pk).name == school.name
