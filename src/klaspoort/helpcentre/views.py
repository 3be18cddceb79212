"""Help centre: /hulp/ (categories and keyword search), /hulp/<category>/, /hulp/artikel/<slug>/;
operators write articles at /beheer/hulp/."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from klaspoort.accounts.models import Account
from klaspoort.helpcentre import actions
from klaspoort.helpcentre.forms import ArticleForm, SearchForm
from klaspoort.helpcentre.models import Article, Category
from klaspoort.helpcentre.search import search
from klaspoort.twofactor.operators import operator_required


@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = search(query) if query else None
    categories = Category.objects.listed()
    return render(
        request,
        "helpcentre/home.html",
        {"form": form, "query": query, "results": results, "categories": categories},
    )


@require_GET
def category_view(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    articles = category.articles.published().order_by("title")
    return render(request, "helpcentre/category.html", {"category": category, "articles": articles})


@require_GET
def article_view(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.published().select_related("category"), slug=slug)
    return render(request, "helpcentre/article.html", {"article": article})


@operator_required
def manage_view(request: HttpRequest, operator: Account) -> HttpResponse:
    articles = Article.objects.select_related("category").order_by("category__order", "title")
    return render(request, "helpcentre/manage.html", {"articles": articles})


@operator_required
def edit_view(request: HttpRequest, operator: Account, pk: int = 0) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk) if pk else None
    initial = (
        {
            "category": article.category,
            "title": article.title,
            "audience": article.audience,
            "body_markdown": article.body_markdown,
            "published": article.published,
        }
        if article
        else None
    )
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.do_save_article(operator, article, **form.cleaned_data)
        except actions.ArticleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Het artikel is opgeslagen."))
            return HttpResponseRedirect(reverse("helpcentre:article", args=[saved.slug]))
    return render(
        request,
        "helpcentre/edit.html",
        {"form": form, "article": article},
        status=400 if form.errors else 200,
    )
