"""Import of the official register (A1, A6): the file is read in full (`duo_register`), then applied
in one transaction, or refused with every problem and nothing changed.

    do_import_register(data, *, file_name, actor) -> RegisterImport
    do_change_school_code(school, new_code, *, actor) -> SchoolLocation     an operator confirmed it
    do_reject_code_change(change, *, actor) -> None

Applying: register rows are added, updated, or flagged gone (never deleted); school accounts from
the register get the official name and board; accounts whose code left the register are flagged,
and where exactly one new code has the same name and the same board or postcode, a code change is
proposed. Locations kept by hand (`kind=manual`) are never touched. The time is linear in the number
of rows: a fixed number of queries plus batched writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from klaspoort.audit.events import record_event
from klaspoort.core.clock import now
from klaspoort.core.codes import CodeError, split_school_code
from klaspoort.registry.duo_register import RegisterRow, read_register
from klaspoort.registry.models import Board, CodeChange, RegisterImport, RegisterLocation, SchoolLocation

BATCH = 500


class CodeChangeError(ValueError):
    """The code change cannot be made; the message says why."""


def _update_rows(model: type[models.Model], fields: list[str], objects: Sequence[models.Model]) -> None:
    """UPDATE … WHERE id = … for each object, sent as one executemany: linear, where the ORM's
    bulk_update builds CASE expressions that cost the database O(batch²)."""
    if not objects:
        return
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in columns)  # type: ignore[union-attr]
    pk = model._meta.pk
    assert pk is not None
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"  # noqa: S608
    params = [
        [field.get_db_prep_value(getattr(obj, field.attname), connection) for field in columns] + [obj.pk]  # type: ignore[union-attr]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _boards(rows: Iterable[RegisterRow]) -> dict[str, Board]:
    named: dict[str, str] = {}
    for row in rows:
        if row.board_number not in named or row.board_name:
            named[row.board_number] = row.board_name
    existing = {board.number: board for board in Board.objects.filter(number__in=list(named))}
    missing = [
        Board(number=number, name=name or number) for number, name in named.items() if number not in existing
    ]
    Board.objects.bulk_create(missing, batch_size=BATCH)
    renamed = []
    for number, name in named.items():
        board = existing.get(number)
        if board is not None and name and board.name != name:
            board.name = name
            renamed.append(board)
    _update_rows(Board, ["name"], renamed)
    return {board.number: board for board in Board.objects.filter(number__in=list(named))}


def _apply_register(rows: list[RegisterRow], at: dt.datetime) -> tuple[dict[str, int], set[str]]:
    """Register rows in line with the file. Returns counts and the codes new to the register."""
    existing = {location.code: location for location in RegisterLocation.objects.all()}
    added, changed, fields = [], [], ["name", "board_number", "postcode", "town", "in_register", "gone_since"]
    for row in rows:
        location = existing.pop(row.code, None)
        if location is None:
            added.append(
                RegisterLocation(
                    brin=row.brin,
                    location_code=row.location_code,
                    name=row.name,
                    board_number=row.board_number,
                    postcode=row.postcode,
                    town=row.town,
                    first_seen_at=at,
                )
            )
            continue
        values = (row.name, row.board_number, row.postcode, row.town, True, None)
        if tuple(getattr(location, name) for name in fields) != values:
            for name, value in zip(fields, values, strict=True):
                setattr(location, name, value)
            changed.append(location)
    gone = [location for location in existing.values() if location.in_register]
    for location in gone:
        location.in_register, location.gone_since = False, at
    RegisterLocation.objects.bulk_create(added, batch_size=BATCH)
    _update_rows(RegisterLocation, fields, [*changed, *gone])
    counts = {"locations": len(rows), "added": len(added), "updated": len(changed), "gone": len(gone)}
    return counts, {location.code for location in added}


def _apply_schools(
    rows: list[RegisterRow], boards: dict[str, Board], at: dt.datetime
) -> tuple[dict[str, int], list[SchoolLocation]]:
    by_code = {row.code: row for row in rows}
    schools = list(SchoolLocation.objects.filter(kind=SchoolLocation.Kind.REGISTER))
    updated, newly_gone = [], []
    for school in schools:
        row = by_code.get(school.code)
        if row is None:
            if school.register_gone_at is None:
                school.register_gone_at = at
                newly_gone.append(school)
            continue
        board = boards[row.board_number]
        if (school.name, school.board_id, school.register_gone_at) != (row.name, board.pk, None):
            school.name, school.board, school.register_gone_at = row.name, board, None
            updated.append(school)
    _update_rows(SchoolLocation, ["name", "board", "register_gone_at"], [*updated, *newly_gone])
    return {"schools_updated": len(updated), "schools_gone": len(newly_gone)}, newly_gone


def _propose(
    gone: list[SchoolLocation], rows: list[RegisterRow], fresh: set[str], run: RegisterImport, at: dt.datetime
) -> int:
    """A code change for each gone school whose name matches exactly one code new to the register
    (and not used by an account) with the same board or the same postcode."""
    if not gone:
        return 0
    taken = set(SchoolLocation.objects.values_list("brin", "location_code").iterator())
    candidates: dict[str, list[RegisterRow]] = defaultdict(list)
    for row in rows:
        if row.code in fresh and (row.brin, row.location_code) not in taken:
            candidates[_key(row.name)].append(row)
    old_postcodes = {
        (brin, location_code): postcode
        for brin, location_code, postcode in RegisterLocation.objects.filter(
            brin__in={school.brin for school in gone}
        ).values_list("brin", "location_code", "postcode")
    }
    board_numbers = dict(
        Board.objects.filter(pk__in={school.board_id for school in gone}).values_list("pk", "number")
    )
    proposals = []
    for school in gone:
        postcode = old_postcodes.get((school.brin, school.location_code), "")
        board_number = board_numbers.get(school.board_id, "") if school.board_id else ""
        matches = [
            row
            for row in candidates.get(_key(school.name), [])
            if (board_number and row.board_number == board_number) or (postcode and row.postcode == postcode)
        ]
        if len(matches) == 1:
            proposals.append(
                CodeChange(
                    school=school,
                    old_code=school.code,
                    new_code=matches[0].code,
                    register_import=run,
                    created_at=at,
                )
            )
    CodeChange.objects.bulk_create(proposals, batch_size=BATCH)
    return len(proposals)


def do_import_register(data: bytes, *, file_name: str = "", actor: str = "") -> RegisterImport:
    started, at = time.perf_counter(), now()
    parsed = read_register(data)
    run = RegisterImport(
        started_at=at,
        actor=actor[:128],
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        encoding=parsed.encoding,
    )
    if not parsed.ok:
        run.status = RegisterImport.Status.REFUSED
        run.problems = [{"line": problem.line, "message": problem.message} for problem in parsed.problems]
        run.duration_ms = int((time.perf_counter() - started) * 1000)
        run.save()
        record_event(
            "register.import",
            outcome="refused",
            actor=actor,
            subject=f"register-import:{run.pk}",
            problems=len(run.problems),
        )
        return run
    with transaction.atomic():
        run.status = RegisterImport.Status.APPLIED
        run.save()
        counts, fresh = _apply_register(parsed.rows, at)
        boards = _boards(parsed.rows)
        school_counts, gone = _apply_schools(parsed.rows, boards, at)
        counts.update(school_counts)
        counts["code_changes"] = _propose(gone, parsed.rows, fresh, run, at)
        run.counts = counts
        run.duration_ms = int((time.perf_counter() - started) * 1000)
        run.save(update_fields=["counts", "duration_ms"])
        record_event("register.import", actor=actor, subject=f"register-import:{run.pk}", counts=counts)
    return run


@transaction.atomic
def do_change_school_code(school: SchoolLocation, new_code: str, *, actor: str) -> SchoolLocation:
    """Give a school account the code the register now lists for it; its INSTELLING_REF, roster
    and accounts stay as they are."""
    try:
        brin, location_code = split_school_code(new_code)
    except CodeError as exc:
        raise CodeChangeError(str(exc)) from exc
    school = SchoolLocation.objects.select_for_update().get(pk=school.pk)
    old_code = school.code
    if not RegisterLocation.objects.filter(brin=brin, location_code=location_code, in_register=True).exists():
        raise CodeChangeError(_("%(code)s staat niet in het register.") % {"code": brin + location_code})
    if SchoolLocation.objects.filter(brin=brin, location_code=location_code).exclude(pk=school.pk).exists():
        raise CodeChangeError(
            _("%(code)s hoort al bij een ander schoolaccount.") % {"code": brin + location_code}
        )
    school.brin, school.location_code, school.register_gone_at = brin, location_code, None
    school.save(update_fields=["brin", "location_code", "register_gone_at"])
    CodeChange.objects.filter(school=school, status=CodeChange.Status.PROPOSED).update(
        status=CodeChange.Status.CONFIRMED, decided_by=actor[:128], decided_at=now()
    )
    record_event(
        "school.code_changed",
        actor=actor,
        subject=f"school:{school.code}",
        school_ref=school.instelling_ref,
        old_code=old_code,
        new_code=school.code,
    )
    return school


@transaction.atomic
def do_reject_code_change(change: CodeChange, *, actor: str) -> None:
    updated = CodeChange.objects.filter(pk=change.pk, status=CodeChange.Status.PROPOSED).update(
        status=CodeChange.Status.REJECTED, decided_by=actor[:128], decided_at=now()
    )
    if updated:
        record_event(
            "school.code_change_rejected",
            actor=actor,
            subject=f"school:{change.school.code}",
            school_ref=change.school.instelling_ref,
            new_code=change.new_code,
        )
