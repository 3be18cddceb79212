from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from klaspoort.helpcentre.models import Article, Category


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Waar zoek je hulp bij?"), max_length=200, required=False)


class ArticleForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Categorie"), queryset=Category.objects.all())
    title = forms.CharField(label=_("Titel"), max_length=200)
    audience = forms.ChoiceField(label=_("Voor wie"), choices=Article.Audience.choices)
    body_markdown = forms.CharField(label=_("Tekst (Markdown)"), widget=forms.Textarea, max_length=50_000)
    published = forms.BooleanField(label=_("Gepubliceerd"), required=False, initial=True)
