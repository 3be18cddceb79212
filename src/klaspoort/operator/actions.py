"""Console actions. Each checks that the actor is an operator (with two-factor), runs in a
transaction and is audited with the operator as actor; the domain work is done by the layer that
owns the data (registry, accounts, federation)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from klaspoort.accounts.mail import send_mail_from_template
from klaspoort.accounts.models import Account, AccountSession
from klaspoort.accounts.pupils.card_keys import forget_school
from klaspoort.accounts.sessions import end_sessions_where
from klaspoort.accounts.staff import do_create_staff
from klaspoort.audit.events import record_event
from klaspoort.core.actors import SystemActor
from klaspoort.core.clock import now, today
from klaspoort.federation import actions as federation_actions
from klaspoort.federation.actions import PartnerRegistration
from klaspoort.federation.models import Partner, PartnerApp
from klaspoort.federation.partner_spec import parse_partner_spec
from klaspoort.operator import documents, notices
from klaspoort.operator.account_requests import check_request
from klaspoort.operator.lookup import selected_partners, uses_automatic_link
from klaspoort.operator.models import AccountRequest, Notice, ProcessingAgreement, Reorganisation
from klaspoort.operator.permissions import operator_subject, require_operator
from klaspoort.operator.reorganisations import (
    MERGER,
    SPLIT,
    Part,
    Preview,
    ReorganisationRefused,
    carry_out,
    lock_sources,
    preview_merger,
    preview_split,
)
from klaspoort.registry import register_import
from klaspoort.registry.actions import do_register_school, find_school
from klaspoort.registry.models import (
    Board,
    CodeChange,
    RegisterImport,
    RegisterLocation,
    RetiredInstellingRef,
    SchoolLocation,
)
from klaspoort.roster.models import StaffRole


def do_import_register(actor: Account, data: bytes, *, file_name: str) -> RegisterImport:
    operator = require_operator(actor)
    return register_import.do_import_register(data, file_name=file_name, actor=operator_subject(operator))


@transaction.atomic
def do_confirm_code_change(actor: Account, change: CodeChange) -> SchoolLocation:
    operator = require_operator(actor)
    if change.status != CodeChange.Status.PROPOSED:
        raise register_import.CodeChangeError(_("Over deze codewijziging is al beslist."))
    return register_import.do_change_school_code(
        change.school, change.new_code, actor=operator_subject(operator)
    )


def do_change_school_code(actor: Account, school: SchoolLocation, new_code: str) -> SchoolLocation:
    operator = require_operator(actor)
    return register_import.do_change_school_code(school, new_code, actor=operator_subject(operator))


def do_reject_code_change(actor: Account, change: CodeChange) -> None:
    operator = require_operator(actor)
    register_import.do_reject_code_change(change, actor=operator_subject(operator))


def do_add_manual_location(
    actor: Account, code: str, *, name: str, board_number: str = "", board_name: str = ""
) -> SchoolLocation:
    """A location outside the register (abroad, remedial practice, college, test), kept by hand."""
    operator = require_operator(actor)
    return do_register_school(
        code,
        name=name,
        board_number=board_number or None,
        board_name=board_name or None,
        kind=SchoolLocation.Kind.MANUAL,
        actor=operator_subject(operator),
    )


# --- school account requests (A4) and data-processing agreements (A3, F3) ---


class RequestDecisionError(ValueError):
    """The request was decided already, or cannot be approved; the message says why."""


def _pending(request_id: int) -> AccountRequest:
    found = AccountRequest.objects.select_for_update().filter(pk=request_id).first()
    if found is None or found.status != AccountRequest.Status.PENDING:
        raise RequestDecisionError(_("Over deze aanvraag is al beslist."))
    return found


@transaction.atomic
def do_approve_request(actor: Account, request: AccountRequest) -> SchoolLocation:
    """The school account (official name from the register) and its first ICT coordinator, who
    gets an activation mail."""
    operator = require_operator(actor)
    subject = operator_subject(operator)
    found = _pending(request.pk)
    problems = check_request(
        {"school_code": found.school_code, "board_number": found.board_number}, request=found
    )
    if problems:
        raise RequestDecisionError(problems[0][1])
    brin, location_code = found.school_code[:4], found.school_code[4:]
    location = RegisterLocation.objects.get(brin=brin, location_code=location_code)
    school = do_register_school(
        found.school_code,
        name=location.name,
        board_number=found.board_number,
        board_name=found.board_name,
        actor=subject,
    )
    do_create_staff(
        school,
        found.admin_email,
        roles=[StaffRole.ICT_COORDINATOR],
        first_name=found.admin_first_name,
        infix=found.admin_infix,
        surname=found.admin_surname,
        actor=SystemActor(subject),  # the operator, checked above (require_operator)
    )
    found.status, found.school, found.decided_by, found.decided_at = (
        AccountRequest.Status.APPROVED,
        school,
        subject,
        now(),
    )
    found.save(update_fields=["status", "school", "decided_by", "decided_at"])
    record_event(
        "school_request.approved",
        actor=subject,
        subject=f"request:{found.uuid}",
        school_ref=school.instelling_ref,
    )
    return school


@transaction.atomic
def do_refuse_request(actor: Account, request: AccountRequest, reason: str) -> None:
    """Refuse with a reason, mailed to the director who signed the request."""
    operator = require_operator(actor)
    subject = operator_subject(operator)
    if not reason.strip():
        raise RequestDecisionError(_("Schrijf op waarom de aanvraag wordt afgewezen."))
    found = _pending(request.pk)
    found.status, found.reason, found.decided_by, found.decided_at = (
        AccountRequest.Status.REFUSED,
        reason.strip(),
        subject,
        now(),
    )
    found.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    send_mail_from_template(
        found.director_email,
        "operator/mail/request_refused",
        {"request": found, "reason": found.reason},
    )
    record_event("school_request.refused_by_operator", actor=subject, subject=f"request:{found.uuid}")


class AgreementError(ValueError):
    """The agreement cannot be recorded; the message says why."""


@transaction.atomic
def do_record_agreement(
    actor: Account,
    *,
    party: str,
    signed_by: str,
    signed_on: dt.date,
    version: str,
    pdf: bytes,
) -> ProcessingAgreement:
    """A signed agreement for a board (5-digit number) or one school (its code; it names its board)."""
    operator = require_operator(actor)
    party = party.strip().upper()
    board = Board.objects.filter(number=party).first()
    school = None if board else find_school(party)
    if board is None and school is None:
        raise AgreementError(
            _("%(party)s is geen bekend bestuur en geen school met een account.") % {"party": party}
        )
    if school is not None and school.board_id is None:
        raise AgreementError(
            _("Deze school heeft geen bestuur; een school tekent met vermelding van haar bestuur.")
        )
    checked = documents.check_pdf(pdf)
    if checked.problem:
        raise AgreementError(checked.problem)
    stored = documents.store(pdf)
    agreement = ProcessingAgreement.objects.create(
        board=board,
        school=school,
        signed_by=signed_by.strip(),
        signed_on=signed_on,
        version=version.strip(),
        document=stored.name,
        document_sha256=stored.sha256,
        recorded_by=operator_subject(operator),
    )
    record_event(
        "agreement.recorded",
        actor=operator_subject(operator),
        subject=f"board:{board.number}" if board else f"school:{party}",
        school_ref=school.instelling_ref if school else None,
        version=agreement.version,
    )
    return agreement


# --- closing a school (A7) ---


class ClosingRefused(ValueError):
    """The school cannot be closed yet; the message says what to do first."""


def closing_problems(school: SchoolLocation) -> list[str]:
    """What stands in the way of closing: the automatic link, partners still selected (A7)."""
    problems = []
    if not school.active:
        problems.append(_("Deze school is al gesloten."))
    if uses_automatic_link(school):
        problems.append(
            _(
                "De school gebruikt nog de automatische koppeling: "
                "ze moet eerst overstappen op handmatig importeren."
            )
        )
    partners = selected_partners(school)
    if partners:
        problems.append(
            _("De school heeft nog partners geselecteerd: %(names)s.")
            % {"names": ", ".join(consent.partner.name for consent in partners)}
        )
    return problems


@transaction.atomic
def do_close_school(actor: Account, school: SchoolLocation) -> int:
    """Close the account: its sessions end, its shortcuts show a friendly 'closed' page and its
    INSTELLING_REF is retired (never handed out again). Returns how many sessions ended."""
    operator = require_operator(actor)
    school = SchoolLocation.objects.select_for_update().get(pk=school.pk)
    problems = closing_problems(school)
    if problems:
        raise ClosingRefused(" ".join(problems))
    school.active, school.closed_at = False, now()
    school.save(update_fields=["active", "closed_at"])
    RetiredInstellingRef.objects.get_or_create(
        instelling_ref=school.instelling_ref, defaults={"reason": f"closed {school.code}"}
    )
    ended = end_sessions_where(
        AccountSession.objects.filter(school_ref=school.instelling_ref), lambda _p: True
    )
    ref = school.instelling_ref
    forget_school(ref)
    transaction.on_commit(lambda: forget_school(ref))  # the shortcut's cached page goes at once
    record_event(
        "school.closed",
        actor=operator_subject(operator),
        subject=f"school:{school.code}",
        school_ref=school.instelling_ref,
        sessions_ended=ended,
    )
    return ended


# --- notices (F1) ---


class NoticeError(ValueError):
    """The notice cannot be posted; the message says why."""


@transaction.atomic
def do_post_notice(
    actor: Account,
    *,
    title_nl: str,
    title_en: str,
    body_nl: str,
    body_en: str,
    severity: str,
    audience: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    partner: Partner | None = None,
) -> Notice:
    operator = require_operator(actor)
    if ends_at <= starts_at:
        raise NoticeError(_("Het einde moet na het begin liggen."))
    notice = Notice.objects.create(
        title_nl=title_nl.strip(),
        title_en=title_en.strip(),
        body_nl=body_nl.strip(),
        body_en=body_en.strip(),
        severity=severity,
        audience=audience,
        partner=partner,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=operator_subject(operator),
    )
    notices.forget()
    transaction.on_commit(notices.forget)
    record_event(
        "notice.posted", actor=operator_subject(operator), subject=f"notice:{notice.pk}", audience=audience
    )
    return notice


@transaction.atomic
def do_end_notice(actor: Account, notice: Notice) -> None:
    """End a notice now (it stays on the news page as past)."""
    operator = require_operator(actor)
    moment = now()
    Notice.objects.filter(pk=notice.pk, ends_at__gt=moment).update(ends_at=moment)
    Notice.objects.filter(pk=notice.pk, starts_at__gt=moment).update(
        starts_at=moment - dt.timedelta(seconds=1)
    )
    notices.forget()
    transaction.on_commit(notices.forget)
    record_event("notice.ended", actor=operator_subject(operator), subject=f"notice:{notice.pk}")


# --- mergers and splits (A8) ---


def _planned_elsewhere(sources: list[SchoolLocation]) -> list[str]:
    refs = {str(school.instelling_ref): school for school in sources}
    problems = []
    for planned in Reorganisation.objects.filter(status=Reorganisation.Status.PLANNED):
        for ref in set(planned.spec.get("sources", [])) & set(refs):
            problems.append(
                _("Voor %(code)s is al een herindeling gepland op %(day)s.")
                % {"code": refs[ref].code, "day": planned.effective_on.isoformat()}
            )
    return problems


def _plan_or_carry_out(preview: Preview, effective_on: dt.date, subject: str) -> Reorganisation:
    problems = list(preview.problems)
    if effective_on < today():
        problems.append(_("De ingangsdatum ligt in het verleden."))
    problems += _planned_elsewhere(preview.sources)
    if problems:
        raise ReorganisationRefused(problems)
    reorganisation = Reorganisation(
        kind=preview.kind, effective_on=effective_on, spec=preview.spec(), created_by=subject
    )
    if effective_on <= today():
        reorganisation.result = carry_out(preview, effective_on=effective_on, actor=subject)
        reorganisation.status, reorganisation.done_at = Reorganisation.Status.DONE, now()
    reorganisation.save()
    if reorganisation.status == Reorganisation.Status.PLANNED:
        for school in preview.sources:
            record_event(
                f"school.{preview.kind}_planned",
                actor=subject,
                subject=f"school:{school.code}",
                school_ref=school.instelling_ref,
                effective_on=effective_on.isoformat(),
            )
    return reorganisation


@transaction.atomic
def do_merge_schools(
    actor: Account, sources: list[SchoolLocation], *, code: str, name: str, effective_on: dt.date
) -> Reorganisation:
    """Merge `sources` into one new location `code` on `effective_on` (today: at once; later: the
    daily job `run_due_reorganisations`). Raises ReorganisationRefused with the preview's problems."""
    operator = require_operator(actor)
    preview = preview_merger(lock_sources(sources), code=code, name=name)
    return _plan_or_carry_out(preview, effective_on, operator_subject(operator))


@transaction.atomic
def do_split_school(
    actor: Account, source: SchoolLocation, parts: list[Part], *, effective_on: dt.date
) -> Reorganisation:
    """Split `source` into the new locations `parts` (each with its groups) on `effective_on`."""
    operator = require_operator(actor)
    (locked,) = lock_sources([source])
    preview = preview_split(locked, parts)
    return _plan_or_carry_out(preview, effective_on, operator_subject(operator))


def _preview_of(reorganisation: Reorganisation) -> Preview:
    refs = list(reorganisation.spec["sources"])
    found = {str(s.instelling_ref): s for s in SchoolLocation.objects.filter(instelling_ref__in=refs)}
    sources = lock_sources([found[ref] for ref in refs if ref in found])
    parts = reorganisation.spec["parts"]
    if reorganisation.kind == MERGER:
        return preview_merger(sources, code=parts[0]["code"], name=parts[0]["name"])
    assert reorganisation.kind == SPLIT
    chosen = [Part(p["code"], p["name"], tuple(uuid.UUID(g) for g in p["groups"])) for p in parts]
    return preview_split(sources[0], chosen)


def run_due_reorganisations(on: dt.date | None = None) -> dict[str, int]:
    """The daily job: planned mergers and splits whose day has come, each checked again and carried
    out in its own transaction (as the operator who planned it); one that no longer fits is refused
    with its problems and changes nothing."""
    done = refused = 0
    for planned_id in list(Reorganisation.objects.due(on).values_list("pk", flat=True)):
        with transaction.atomic():
            reorganisation = Reorganisation.objects.select_for_update().get(pk=planned_id)
            if reorganisation.status != Reorganisation.Status.PLANNED:
                continue
            preview = _preview_of(reorganisation)
            if preview.problems or len(preview.sources) != len(reorganisation.spec["sources"]):
                reorganisation.status = Reorganisation.Status.REFUSED
                reorganisation.problems = preview.problems or [_("Een van de scholen bestaat niet meer.")]
                refused += 1
            else:
                reorganisation.result = carry_out(
                    preview, effective_on=reorganisation.effective_on, actor=reorganisation.created_by
                )
                reorganisation.status = Reorganisation.Status.DONE
                done += 1
            reorganisation.done_at = now()
            reorganisation.save(update_fields=["status", "problems", "result", "done_at"])
    return {"done": done, "refused": refused}


class CancelRefused(ValueError):
    """The reorganisation cannot be cancelled (any more); the message says why."""


@transaction.atomic
def do_cancel_reorganisation(actor: Account, reorganisation: Reorganisation) -> Reorganisation:
    """Cancel a planned merger or split before its day: nothing of it has happened yet, so nothing
    else changes. One that was carried out, refused or cancelled already is refused (CancelRefused)."""
    operator = require_operator(actor)
    locked = Reorganisation.objects.select_for_update().get(pk=reorganisation.pk)
    if locked.status != Reorganisation.Status.PLANNED:
        raise CancelRefused(
            _("Deze herindeling is %(status)s en kan niet meer worden geannuleerd.")
            % {"status": locked.get_status_display()}
        )
    locked.status, locked.done_at = Reorganisation.Status.CANCELLED, now()
    locked.save(update_fields=["status", "done_at"])
    subject = operator_subject(operator)
    for ref in locked.spec.get("sources", []):
        record_event(
            f"school.{locked.kind}_cancelled",
            actor=subject,
            subject=f"reorganisation:{locked.pk}",
            school_ref=uuid.UUID(ref),
            effective_on=locked.effective_on.isoformat(),
        )
    return locked


# --- partners in the console ---


def do_register_partner(actor: Account, data: object) -> PartnerRegistration:
    """Register or update a partner and its apps from the add-partner JSON (parsed here; raises
    PartnerSpecError with every problem). New client secrets are in the result, shown once."""
    operator = require_operator(actor)
    return federation_actions.do_register_partner(parse_partner_spec(data), actor=operator_subject(operator))


def do_new_client_secret(actor: Account, app: PartnerApp) -> str:
    """A new client secret for `app` (the old one stops working at once), returned once."""
    operator = require_operator(actor)
    return federation_actions.do_new_client_secret(app, actor=operator_subject(operator))
