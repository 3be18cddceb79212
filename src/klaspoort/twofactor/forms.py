"""Forms of the two-factor pages (parsing only)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("De 6 cijfers uit je app, of een van je herstelcodes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": "", "spellcheck": "false"}
        ),
    )


class FirstCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code uit de app"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Je wachtwoord"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SchoolSettingForm(forms.Form):
    required = forms.BooleanField(
        label=_("ICT-coördinatoren van deze school moeten tweestapsverificatie gebruiken"), required=False
    )
