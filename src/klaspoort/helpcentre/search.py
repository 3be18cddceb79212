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

from klaspoort.helpcentre.models import Article, Category

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
            .defer("body_markdown", "body_html", "body_text", "search")  # ranked in SQL, not sent
            .annotate(rank=SearchRank(F("search"), found))
            .select_related("category")
            .order_by("-rank", "title")[:limit]
        )
    match = " ".join(
        f'"{word}"*' for word in words
    )  # every word, as a prefix (the quotes keep FTS5 syntax out)
    with connection.cursor() as cursor:
        cursor.execute(RANKED_SQLITE, [match, limit])
        return [_result(row) for row in cursor.fetchall()]


# One query for the page: the FTS5 match ranked by bm25 (title weighs 5, body 1) joined to the
# published article and its category, instead of the ids first and the articles second.
RANKED_SQLITE = (
    f'SELECT a.id, a.category_id, a.slug, a.title, a.audience, c.slug, c.name, c."order" '  # noqa: S608
    f"FROM {FTS_TABLE} JOIN helpcentre_article a ON a.id = {FTS_TABLE}.rowid "
    f"JOIN helpcentre_category c ON c.id = a.category_id "
    f"WHERE {FTS_TABLE} MATCH %s AND a.published "
    f"ORDER BY bm25({FTS_TABLE}, 5.0, 1.0), {FTS_TABLE}.rowid LIMIT %s"
)
ARTICLE_COLUMNS = ["id", "category_id", "slug", "title", "audience"]  # in the model's order
CATEGORY_COLUMNS = ["id", "slug", "name", "order"]


def _result(row: tuple[object, ...]) -> Article:
    """An article as the search page shows it (its text deferred), with its category."""
    article = Article.from_db(connection.alias, ARTICLE_COLUMNS, row[:5])
    article.category = Category.from_db(connection.alias, CATEGORY_COLUMNS, (row[1], *row[5:]))
    return article
