"""Keyword search over published articles: PostgreSQL full-text search with the Dutch dictionary
(stemming: 'wachtwoorden' finds 'wachtwoord'), SQLite FTS5 in the embedded default.

    index_article(article)          after every save (the action calls it)
    search(query, limit) -> list[Article]   best first
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Value

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
    words = WORD.findall(query.lower())[:10]
    if not words:
        return []
    if connection.vendor == "postgresql":
        found = SearchQuery(" ".join(words), config="dutch", search_type="plain")
        return list(
            Article.objects.filter(published=True, search=found)
            .defer("body_markdown", "body_html", "body_text")
            .annotate(rank=SearchRank(F("search"), found))
            .select_related("category")
            .order_by("-rank", "title")[:limit]
        )
    match = " ".join(
        f'"{word}"*' for word in words
    )  # every word, as a prefix (the quotes keep FTS5 syntax out)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
            f"ORDER BY bm25({FTS_TABLE}, 5.0, 1.0) LIMIT %s",
            [match, limit],
        )
        ids = [row[0] for row in cursor.fetchall()]
    articles = (
        Article.objects.filter(pk__in=ids, published=True)
        .defer("body_markdown", "body_html", "body_text", "search")
        .select_related("category")
        .in_bulk()
    )
    return [articles[pk] for pk in ids if pk in articles]
