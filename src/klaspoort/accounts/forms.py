"""Forms of the account pages. They only parse input; rules live in actions and `passwords`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from klaspoort.accounts.passwords import MAX_LENGTH
from klaspoort.roster.models import StaffRole


def _password(label: Any, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


def _email(**attrs: str) -> forms.EmailField:
    return forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", **attrs}),
    )


class LoginForm(forms.Form):
    email = _email(autofocus="")
    password = _password(_("Wachtwoord"), "current-password")


class NewPasswordForm(forms.Form):
    password1 = _password(_("Nieuw wachtwoord"), "new-password")
    password2 = _password(_("Herhaal het nieuwe wachtwoord"), "new-password")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("De twee wachtwoorden zijn niet gelijk."))
        return data


class ChangePasswordForm(NewPasswordForm):
    current = _password(_("Huidig wachtwoord"), "current-password")
    field_order = ["current", "password1", "password2"]


class ForgotPasswordForm(forms.Form):
    email = _email(autofocus="")


class ConfirmSessionForm(forms.Form):
    password = _password(_("Wachtwoord"), "current-password")


class AddStaffForm(forms.Form):
    email = forms.EmailField(label=_("E-mailadres"), max_length=254)
    first_name = forms.CharField(label=_("Roepnaam"), max_length=200, required=False)
    infix = forms.CharField(label=_("Tussenvoegsel"), max_length=10, required=False)
    surname = forms.CharField(label=_("Achternaam"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Rol"), choices=StaffRole.choices)


class RoleForm(forms.Form):
    placement = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(choices=StaffRole.choices)
