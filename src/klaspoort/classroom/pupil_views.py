"""Per-pupil actions in the group overview: reveal code, new code, code kind, picture.

Every view checks that the pupil is an active member of a group the staff member may see;
otherwise 403 and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from klaspoort.accounts.confirm import confirmation, is_confirmed
from klaspoort.accounts.pupils.actions import (
    CredentialError,
    do_new_code,
    do_set_picture,
    ensure_credential,
    reveal_code,
)
from klaspoort.accounts.pupils.allocation import free_pictures
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.accounts.pupils.queries import has_credential, home_group_of
from klaspoort.classroom.access import StaffAccess, denied, staff_view
from klaspoort.classroom.lookups import pupil_in_visible_group
from klaspoort.classroom.names import label_in_group
from klaspoort.roster.models import Group, PupilMembership
from klaspoort.roster.rules import pupil_active_q

NOT_YOURS = gettext_lazy("Deze leerling zit niet in een groep van jou, of bestaat niet (meer).")


def _seat(access: StaffAccess, group: str, pupil: str) -> tuple[PupilMembership, PupilCredential] | None:
    membership = pupil_in_visible_group(access, group, pupil)
    if membership is None:
        return None
    credential = has_credential(membership.pupil) or ensure_credential(membership.pupil)
    if credential is None:
        return None
    return membership, credential


PupilView = Callable[[HttpRequest, StaffAccess, PupilMembership, PupilCredential], HttpResponse]


def pupil_view(view: PupilView) -> Callable[..., HttpResponse]:
    """Decorator: a staff view about one pupil in one of the staff member's groups (else 403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, access: StaffAccess, group: str, pupil: str) -> HttpResponse:
        seat = _seat(access, group, pupil)
        if seat is None:
            return denied(request, NOT_YOURS)
        return view(request, access, *seat)

    return staff_view(wrapper)


def _back(membership: PupilMembership) -> HttpResponse:
    overview = reverse("classroom:group", args=[membership.group.uuid])
    return redirect(f"{overview}#pupil-{membership.pupil.uuid}")


@never_cache
@require_POST
@pupil_view
def reveal(
    request: HttpRequest, access: StaffAccess, membership: PupilMembership, credential: PupilCredential
) -> HttpResponse:
    school_ref = access.placement.school.instelling_ref
    kind, code = reveal_code(credential, actor=access.actor, school_ref=school_ref)
    context = {
        "pupil": membership.pupil,
        "group": membership.group,
        "kind": kind.value,
        "digits": code if kind == CodeKind.PIN else "",
        "pictures": code.split(",") if kind == CodeKind.PICTURES else [],
    }
    fragment = request.headers.get("X-Klaspoort-Fetch") == "1"
    template = "classroom/code_fragment.html" if fragment else "classroom/code_page.html"
    return render(request, template, context)


def _label(membership: PupilMembership) -> str:
    """The pupil's name in messages: the full name when the first name repeats in the group."""
    names = PupilMembership.objects.of_active_pupils().filter(group=membership.group)
    return label_in_group(membership.pupil, names.values_list("pupil__first_name", flat=True))


@never_cache
@require_POST
@pupil_view
def new_code(
    request: HttpRequest, access: StaffAccess, membership: PupilMembership, credential: PupilCredential
) -> HttpResponse:
    """A new code, or the other kind of code: asked to confirm first (the old code stops working)."""
    requested = request.POST.get("kind", "")
    if requested and requested not in {kind.value for kind in CodeKind}:
        messages.error(request, _("Kies pincode of wachtwoordplaatjes."))
        return _back(membership)
    kind = CodeKind(requested) if requested else None
    name = membership.pupil.full_name
    if not is_confirmed(request):
        return _confirm_new_code(request, membership, kind, name)
    do_new_code(
        credential, actor=access.placement, school_ref=access.placement.school.instelling_ref, kind=kind
    )
    label = _label(membership)
    if credential.kind == CodeKind.PIN:
        done = _("%(name)s heeft een nieuwe pincode.") % {"name": label}
    else:
        done = _("%(name)s heeft nieuwe wachtwoordplaatjes.") % {"name": label}
    messages.success(request, done)
    return _back(membership)


def _confirm_new_code(
    request: HttpRequest, membership: PupilMembership, kind: CodeKind | None, name: str
) -> HttpResponse:
    if kind == CodeKind.PICTURES:
        title = _("%(name)s voortaan met wachtwoordplaatjes?") % {"name": name}
    elif kind == CodeKind.PIN:
        title = _("%(name)s voortaan met een pincode?") % {"name": name}
    else:
        title = _("Nieuwe code voor %(name)s?") % {"name": name}
    explanation = [
        _("De code die %(name)s nu heeft, werkt daarna niet meer.") % {"name": name},
        _("Daarna zie je de nieuwe code met 'Toon code' in het groepsoverzicht."),
    ]
    return confirmation(
        request,
        title=title,
        explanation=explanation,
        fields={"kind": kind.value} if kind else {},
        yes=_("Ja, nieuwe code maken"),
        back=f"{reverse('classroom:group', args=[membership.group.uuid])}#pupil-{membership.pupil.uuid}",
    )


@never_cache
@require_http_methods(["GET", "POST"])
@pupil_view
def change_picture(
    request: HttpRequest, access: StaffAccess, membership: PupilMembership, credential: PupilCredential
) -> HttpResponse:
    # Pictures are unique within the home group, also when the teacher works from a composite group.
    home = membership.group
    if home.kind != Group.Kind.HOME:
        home = home_group_of(membership.pupil) or home
    error = ""
    if request.method == "POST":
        try:
            do_set_picture(
                credential,
                request.POST.get("picture", "")[:40],
                group=home,
                actor=access.placement,
                school_ref=access.placement.school.instelling_ref,
            )
        except CredentialError as exc:
            error = str(exc)
        else:
            messages.success(request, _("%(name)s heeft een ander plaatje.") % {"name": _label(membership)})
            return _back(membership)
    taken = set(
        PupilCredential.objects.filter(pupil_active_q("pupil__"), pupil__memberships__group=home).values_list(
            "picture", flat=True
        )
    )
    context = {
        "pupil": membership.pupil,
        "group": membership.group,
        "credential": credential,
        "choices": free_pictures(taken),
        "error": error,
        "unique_in_group": home.kind == Group.Kind.HOME,
    }
    return render(request, "classroom/picture_picker.html", context, status=400 if error else 200)
