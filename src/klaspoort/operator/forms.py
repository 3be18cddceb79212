"""Forms of the operator console (parsing only)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SchoolSearchForm(forms.Form):
    q = forms.CharField(
        label=_("School zoeken (naam, BRIN of bestuursnummer)"), max_length=100, required=False
    )
