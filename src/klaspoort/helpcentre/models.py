"""Help-centre articles in categories (F2), written in Markdown by operators; the HTML is rendered
and sanitised once, on save (`rendering.py`), and kept with the article."""

from __future__ import annotations

import time

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryQuerySet(models.QuerySet["Category"]):
    def listed(self) -> list[Category]:
        """The categories in their order, as the help pages list them: read once per process every
        LISTED_SECONDS (the search page is hot, the list changes rarely); saving or deleting a
        category forgets it, and so do migrate and flush (`forget_listed`, connected in apps.py)."""
        global _listed
        loaded_at, categories = _listed
        if time.monotonic() - loaded_at > LISTED_SECONDS:
            categories = list(self.order_by("order", "name"))
            _listed = (time.monotonic(), categories)
        return categories


LISTED_SECONDS = 60
_listed: tuple[float, list[Category]] = (-LISTED_SECONDS - 1.0, [])


def forget_listed(**_kwargs: object) -> None:
    global _listed
    _listed = (-LISTED_SECONDS - 1.0, [])


class Category(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> ArticleQuerySet:
        """The articles readers may see (the help pages, the search); operators see all of them."""
        return self.filter(published=True)


class Article(models.Model):
    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Iedereen")
        COORDINATORS = "coordinators", _("ICT-coördinatoren")
        TEACHERS = "teachers", _("Leerkrachten")
        PARENTS = "parents", _("Ouders")

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.EVERYONE)
    body_markdown = models.TextField(max_length=50_000)
    body_html = models.TextField(editable=False)
    body_text = models.TextField(editable=False, help_text="plain text, for search")
    published = models.BooleanField(default=True)
    search = SearchVectorField(null=True, editable=False, help_text="PostgreSQL (Dutch dictionary)")
    updated_by = models.CharField(max_length=128)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["category__order", "title"]

    def __str__(self) -> str:
        return self.title


class ArticleIndexEntry(models.Model):
    """A row of the SQLite FTS5 index (embedded mode; the virtual table is made by migration 0002):
    its rowid is the article's id. Mapped so that the search is an ORM query on Article that joins
    it (`search.py`); never written through the ORM."""

    article = models.OneToOneField(
        Article,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="index_entry",
    )
    title = models.TextField()
    body = models.TextField()

    class Meta:
        managed = False
        db_table = "helpcentre_article_fts"
