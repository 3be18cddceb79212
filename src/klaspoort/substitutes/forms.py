"""The form that activates a group's substitute slot (C14)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from klaspoort.substitutes import days


class ActivateForm(forms.Form):
    first_name = forms.CharField(label=_("Voornaam"), max_length=200)
    surname = forms.CharField(label=_("Achternaam"), max_length=200)
    email = forms.EmailField(label=_("E-mailadres"), max_length=254)
    first_day = forms.DateField(label=_("Eerste dag"), widget=forms.DateInput(attrs={"type": "date"}))
    school_days = forms.TypedChoiceField(
        label=_("Aantal schooldagen"),
        choices=[(count, str(count)) for count in days.CHOICES],
        coerce=int,
        initial=1,
    )
