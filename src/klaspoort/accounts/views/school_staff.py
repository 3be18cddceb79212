"""Staff of a school for its ICT coordinators (`/school/staff/`): add coordinators and support staff
(B4, A5), add or remove roles (B6), send an activation mail again."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from klaspoort.accounts import permissions
from klaspoort.accounts.actions import do_send_activation
from klaspoort.accounts.confirm import confirmation, is_confirmed
from klaspoort.accounts.decorators import staff_required
from klaspoort.accounts.errors import AccountError
from klaspoort.accounts.forms import AddStaffForm, RoleForm
from klaspoort.accounts.login import account_subject
from klaspoort.accounts.models import Account
from klaspoort.accounts.principal import current_principal
from klaspoort.accounts.staff import do_add_role, do_create_staff, do_remove_role
from klaspoort.roster.models import StaffPlacement, StaffRole


def _post(request: HttpRequest, actor: StaffPlacement, form: AddStaffForm) -> str | HttpResponse | None:
    """Carry out one POSTed change; returns what was done (or the page asking to confirm a role's
    removal first), raises AccountError when refused."""
    assert isinstance(request.user, Account)
    who = account_subject(request.user)
    action = request.POST.get("action")
    if action == "add":
        if not form.is_valid():
            return None
        data = form.cleaned_data
        placement = do_create_staff(
            actor.school,
            data["email"],
            roles=[data["role"]],
            first_name=data["first_name"],
            infix=data["infix"],
            surname=data["surname"],
            actor=actor,
        )
        return _("%(email)s is toegevoegd.") % {"email": placement.staff.email}
    role_form = RoleForm(request.POST)
    if not role_form.is_valid():
        raise AccountError(_("Kies een medewerker en een rol."))
    target = (
        StaffPlacement.objects.active_at(actor.school)
        .filter(pk=role_form.cleaned_data["placement"])
        .select_related("staff__account", "school")
        .first()
    )
    role = role_form.cleaned_data["role"]
    if target is None or not permissions.can_grant_role(actor, target, role):
        raise AccountError(_("Deze medewerker werkt niet (meer) op jouw school."))
    if action == "add_role":
        do_add_role(target, role, by=actor, actor=who)
        return _("Rol toegevoegd.")
    if action == "remove_role":
        if not is_confirmed(request):
            return _confirm_removal(request, target, role)
        do_remove_role(target, role, by=actor, actor=who)
        return _("Rol verwijderd.")
    if action == "resend" and target.staff.account is not None:
        do_send_activation(target.staff.account, actor=who, name=target.staff.first_name)
        return _("De activatiemail is opnieuw verstuurd.")
    raise AccountError(_("Onbekende opdracht."))


def _confirm_removal(request: HttpRequest, target: StaffPlacement, role: str) -> HttpResponse:
    person = target.staff.full_name or target.staff.email
    names = {"role": StaffRole(role).label, "name": person, "email": target.staff.email}
    return confirmation(
        request,
        title=_("Rol %(role)s weghalen bij %(name)s?") % names,
        explanation=[
            _("%(name)s (%(email)s) kan daarna niet meer wat bij deze rol hoort.") % names,
            _("Je kunt de rol later weer toevoegen."),
        ],
        fields={"action": "remove_role", "placement": str(target.pk), "role": role},
        yes=_("Ja, rol weghalen"),
        back=reverse("accounts:school_staff"),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def school_staff_view(request: HttpRequest) -> HttpResponse:
    actor = permissions.staff_placement_for(current_principal(request))
    if actor is None or not permissions.can_manage_staff(actor, actor.school):
        return render(request, "accounts/coordinators_only.html", status=403)
    form = AddStaffForm(request.POST if request.POST.get("action") == "add" else None)
    error = ""
    if request.method == "POST":
        try:
            done = _post(request, actor, form)
        except AccountError as exc:
            error = str(exc)
        else:
            if isinstance(done, HttpResponse):
                return done
            if done:
                messages.success(request, done)
                return HttpResponseRedirect(reverse("accounts:school_staff"))
    placements = (
        StaffPlacement.objects.active_at(actor.school)
        .select_related("staff__account")
        .order_by("staff__surname", "staff__first_name", "staff__email")
    )
    rows = [
        (p, [(role, StaffRole(role).label) for role in p.roles if role in StaffRole.values])
        for p in placements
    ]
    return render(
        request,
        "accounts/school_staff.html",
        {
            "school": actor.school,
            "rows": rows,
            "form": form,
            "error": error,
            "role_choices": StaffRole.choices,
        },
        status=400 if error or form.errors else 200,
    )
