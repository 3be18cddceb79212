"""Keyword search over published articles: PostgreSQL full-text search with the Dutch dictionary
(stemming: 'wachtwoorden' finds 'wachtwoord'), SQLite FTS5 in the embedded default.

    index_article(article)          after every save (the action calls it)
    search(query, limit) -> list[Article]   best first
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import BooleanField, F, FloatField, Q, Value
from django.db.models.expressions import RawSQL

from klaspoort.helpcentre.models import Article

FTS_TABLE = "helpcentre_article_fts"
WORD = re.compile(r"\w+", re.UNICODE)


def index_article(article: Article) -> None:
    if connection.vendor == "postgresql":
        Article.objects.filter(pk=article.pk).update(
            search=SearchVector(Value(article.title), weight="A", config="dutch")
            + SearchVector(Value(article.body_text), weight="B", config="dutch")
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [article.pk])  # noqa: S608
        if article.published:
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
                [article.pk, article.title, article.body_text],
            )


def search(query: str, limit: int = 20) -> list[Article]:
    """The published articles that match every word (as a prefix on SQLite), best first, each with
    its category: one query, its text left in the database (the page shows titles)."""
    words = WORD.findall(query.lower())[:10]
    if not words:
        return []
    articles = (
        Article.objects.published()
        .defer("body_markdown", "body_html", "body_text", "search")
        .select_related("category")
    )
    if connection.vendor == "postgresql":
        found = SearchQuery(" ".join(words), config="dutch", search_type="plain")
        ranked = articles.filter(search=found).annotate(rank=SearchRank(F("search"), found))
        return list(ranked.order_by("-rank", "title")[:limit])
    # FTS5: the index joined as `index_entry` (its table's own name is the MATCH column and bm25's
    # argument); title weighs 5, body 1; every word as a prefix, quoted to keep FTS5 syntax out.
    match = " ".join(f'"{word}"*' for word in words)
    matching = articles.filter(
        Q(index_entry__isnull=False),
        RawSQL(f'"{FTS_TABLE}" MATCH %s', [match], output_field=BooleanField()),  # noqa: S611 (a parameter)
    )
    bm25 = RawSQL(f'bm25("{FTS_TABLE}", 5.0, 1.0)', [], output_field=FloatField())  # noqa: S611 (constant)
    ranked = matching.annotate(rank=bm25)
    return list(ranked.order_by("rank", "pk")[:limit])
