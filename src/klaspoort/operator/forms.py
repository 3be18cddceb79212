"""Forms of the operator console (parsing only)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from klaspoort.federation.models import Partner
from klaspoort.operator.models import Notice


class SchoolSearchForm(forms.Form):
    q = forms.CharField(
        label=_("School zoeken (naam, BRIN of bestuursnummer)"), max_length=100, required=False
    )


MAX_REGISTER_BYTES = 20 * 1024 * 1024


class RegisterFileForm(forms.Form):
    file = forms.FileField(label=_("Registerbestand van DUO (CSV, met ';')"))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_REGISTER_BYTES:
            raise forms.ValidationError(_("Het bestand is groter dan 20 MB; dat is geen registerbestand."))
        return upload


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Nieuwe schoolcode (BRIN + vestiging, bijv. 12AB00)"), max_length=6)


class ManualLocationForm(forms.Form):
    code = forms.CharField(label=_("Schoolcode (BRIN + vestiging, bijv. 99ZZ00)"), max_length=6)
    name = forms.CharField(label=_("Naam"), max_length=200)
    board_number = forms.CharField(
        label=_("Bestuursnummer (5 cijfers, mag leeg)"), max_length=5, required=False
    )
    board_name = forms.CharField(label=_("Naam van het bestuur"), max_length=200, required=False)


class AccountRequestForm(forms.Form):
    """The public request for a school account (A4). Checked against the register by the action."""

    board_number = forms.RegexField(
        label=_("Bestuursnummer (bevoegd gezag, 5 cijfers)"),
        regex=r"^\d{5}$",
        error_messages={"invalid": _("Een bestuursnummer heeft 5 cijfers.")},
    )
    board_name = forms.CharField(label=_("Naam van het bestuur"), max_length=200)
    school_name = forms.CharField(label=_("Naam van de school"), max_length=200)
    school_code = forms.RegexField(
        label=_("BRIN en vestigingsnummer (bijv. 12AB00)"),
        regex=r"^\s*\d{2}[A-Za-z]{2}\d{2}\s*$",
        error_messages={"invalid": _("Vul de BRIN en het vestigingsnummer in, bijvoorbeeld 12AB00.")},
    )
    director_name = forms.CharField(label=_("Naam van de bestuurder die tekent"), max_length=200)
    director_email = forms.EmailField(label=_("E-mailadres van de bestuurder"), max_length=254)
    director_phone = forms.CharField(
        label=_("Telefoonnummer van de bestuurder"), max_length=32, required=False
    )
    admin_first_name = forms.CharField(
        label=_("Voornaam van de eerste beheerder (ICT-coördinator)"), max_length=200
    )
    admin_infix = forms.CharField(label=_("Tussenvoegsel"), max_length=10, required=False)
    admin_surname = forms.CharField(label=_("Achternaam"), max_length=200)
    admin_email = forms.EmailField(label=_("E-mailadres van de eerste beheerder"), max_length=254)
    signed_request = forms.FileField(label=_("De getekende aanvraag (PDF, hoogstens 5 MB)"))


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden (gaat per mail naar de bestuurder)"), widget=forms.Textarea, max_length=2000
    )


class AgreementForm(forms.Form):
    party = forms.CharField(label=_("Bestuursnummer, of de schoolcode als één school tekent"), max_length=6)
    signed_by = forms.CharField(label=_("Getekend door"), max_length=200)
    signed_on = forms.DateField(label=_("Getekend op (JJJJ-MM-DD)"))
    version = forms.CharField(label=_("Versie van de overeenkomst"), max_length=32)
    document = forms.FileField(label=_("De getekende overeenkomst (PDF)"))


class CoverageFilterForm(forms.Form):
    uncovered = forms.BooleanField(label=_("Alleen scholen zonder overeenkomst"), required=False)


class NoticeForm(forms.Form):
    title_nl = forms.CharField(label=_("Titel (Nederlands)"), max_length=200)
    body_nl = forms.CharField(label=_("Tekst (Nederlands)"), widget=forms.Textarea, max_length=2000)
    title_en = forms.CharField(label=_("Titel (Engels)"), max_length=200)
    body_en = forms.CharField(label=_("Tekst (Engels)"), widget=forms.Textarea, max_length=2000)
    severity = forms.ChoiceField(label=_("Soort"), choices=Notice.Severity.choices)
    audience = forms.ChoiceField(label=_("Voor wie"), choices=Notice.Audience.choices)
    partner = forms.ModelChoiceField(
        label=_("Alleen voor gebruikers van deze partner (mag leeg)"),
        queryset=Partner.objects.order_by("name"),
        required=False,
    )
    starts_at = forms.DateTimeField(label=_("Vanaf (JJJJ-MM-DD UU:MM)"))
    ends_at = forms.DateTimeField(label=_("Tot (JJJJ-MM-DD UU:MM)"))


class MergerForm(forms.Form):
    sources = forms.CharField(
        label=_("Schoolcodes die samengaan (één per regel of met komma's)"),
        widget=forms.Textarea,
        max_length=500,
    )
    code = forms.CharField(label=_("Code van de nieuwe locatie (BRIN + vestiging)"), max_length=6)
    name = forms.CharField(label=_("Naam van de nieuwe locatie"), max_length=200)
    effective_on = forms.DateField(label=_("Ingangsdatum"), widget=forms.DateInput(attrs={"type": "date"}))

    def source_codes(self) -> list[str]:
        raw = self.cleaned_data["sources"].replace(",", "\n").split()
        return [code.strip().upper() for code in raw if code.strip()]


class SplitForm(forms.Form):
    """The school to split, two or three new locations, the date; the groups come in `group-<uuid>`
    fields (the number of the new location each goes to), shown once the school is known."""

    school = forms.CharField(label=_("Schoolcode die gesplitst wordt"), max_length=6)
    code_1 = forms.CharField(label=_("Code nieuwe locatie 1"), max_length=6)
    name_1 = forms.CharField(label=_("Naam nieuwe locatie 1"), max_length=200)
    code_2 = forms.CharField(label=_("Code nieuwe locatie 2"), max_length=6)
    name_2 = forms.CharField(label=_("Naam nieuwe locatie 2"), max_length=200)
    code_3 = forms.CharField(label=_("Code nieuwe locatie 3 (mag leeg)"), max_length=6, required=False)
    name_3 = forms.CharField(label=_("Naam nieuwe locatie 3 (mag leeg)"), max_length=200, required=False)
    effective_on = forms.DateField(label=_("Ingangsdatum"), widget=forms.DateInput(attrs={"type": "date"}))
