"""Help centre: our own starter articles for coordinators, teachers and parents; Markdown rendered
safely; keyword search with real full-text search (Dutch stemming on PostgreSQL, FTS5 on SQLite);
only operators write; a "Hulp" link on every page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from klaspoort.accounts.models import Account
from klaspoort.audit.models import AuditEvent
from klaspoort.helpcentre.actions import do_save_article, save_article
from klaspoort.helpcentre.models import Article, Category
from klaspoort.helpcentre.rendering import render_markdown
from klaspoort.helpcentre.search import search

pytestmark = pytest.mark.django_db


def test_starter_articles_for_each_audience() -> None:
    audiences = set(Article.objects.values_list("audience", flat=True))
    assert {"coordinators", "teachers", "parents"} <= audiences
    assert Article.objects.count() >= 7


def test_markdown_is_rendered_and_sanitised() -> None:
    html = render_markdown(
        "## Kop\n\n* een\n* twee\n\n<script>alert(1)</script> [link](javascript:alert(1)) "
        "[goed](https://klaspoort.example/)\n\n<img src=x onerror=alert(1)>"
    )
    assert "<h2>Kop</h2>" in html
    assert "<li>een</li>" in html
    assert "<script" not in html
    assert 'href="javascript' not in html
    assert "<img" not in html
    assert '<a href="https://klaspoort.example/" rel="noopener noreferrer">goed</a>' in html


def test_keyword_search_finds_articles() -> None:
    titles = [article.title for article in search("wachtwoord vergeten")]
    assert titles[0] == "Wachtwoord vergeten"
    assert search("snelkoppeling")[0].title == "De snelkoppeling voor leerlingen"  # in the title: first
    assert search("xyzzy") == []
    assert search('"; DROP TABLE') == []


def test_an_unpublished_article_is_neither_found_nor_shown(client: Client) -> None:
    category = Category.objects.get(slug=Article.objects.get(title="Wachtwoord vergeten").category.slug)
    draft = save_article(
        None,
        category=category,
        title="Kwartelkoning in concept",
        body_markdown="Nog niet klaar: kwartelkoning.",
        audience="everyone",
        published=False,
        actor="test",
    )
    assert search("kwartelkoning") == []
    assert client.get(f"/hulp/artikel/{draft.slug}/").status_code == 404
    assert "Kwartelkoning" not in client.get(f"/hulp/{category.slug}/").content.decode()
    save_article(
        draft,
        category=category,
        title=draft.title,
        body_markdown="Klaar: kwartelkoning.",
        audience="everyone",
        published=True,
        actor="test",
    )
    assert [article.title for article in search("kwartelkoning")] == ["Kwartelkoning in concept"]
    assert client.get(f"/hulp/artikel/{draft.slug}/").status_code == 200
    assert "Kwartelkoning in concept" in client.get(f"/hulp/{category.slug}/").content.decode()


@pytest.mark.postgres
def test_search_stems_on_postgresql() -> None:
    assert connection.vendor == "postgresql"
    assert "Wachtwoord vergeten" in [a.title for a in search("wachtwoorden")]


def test_search_page_and_help_link(client: Client) -> None:
    page = client.get("/hulp/?q=importeren").content.decode()
    assert "Leerlinggegevens importeren" in page
    for url in ("/login/", "/thuis/", "/nieuws/", "/hulp/"):
        assert '<a class="help-link" href="/hulp/">Hulp</a>' in client.get(url).content.decode(), url


def test_operator_writes_an_article(console: Client, operator: Account) -> None:
    category = Category.objects.get(slug="inloggen")
    response = console.post(
        "/beheer/hulp/nieuw/",
        {"category": category.pk, "title": "Inloggen met een tablet", "audience": "teachers",
         "body_markdown": "Zet de **snelkoppeling** op het beginscherm van de tablet.", "published": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    article = Article.objects.get(title="Inloggen met een tablet")
    assert "<strong>snelkoppeling</strong>" in article.body_html
    assert "Inloggen met een tablet" in [a.title for a in search("tablet")]
    assert AuditEvent.objects.get(action="help.article_saved").actor == f"account:{operator.uuid}"


def test_only_operators_write(client: Client) -> None:
    staff = Account.objects.create_user("leraar@school.example", "x", kind="staff", is_active=True)
    with pytest.raises(PermissionDenied):
        do_save_article(
            staff, None, category=Category.objects.first(), title="X", body_markdown="y", audience="everyone",
            published=True,
        )  # fmt: skip
    assert client.get("/beheer/hulp/").status_code == 403
    assert client.post("/beheer/hulp/nieuw/", {"title": "X"}).status_code == 403
    assert not Article.objects.filter(title="X").exists()


def test_the_search_page_reads_the_articles_in_one_query_and_a_new_category_shows_at_once(
    client: Client,
) -> None:
    client.get("/hulp/?q=wachtwoord")  # the category list is read once per process
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/hulp/?q=wachtwoord").content.decode()
    assert "Wachtwoord vergeten" in page
    assert len(queries.captured_queries) == 1, [q["sql"] for q in queries.captured_queries]
    Category.objects.create(slug="nieuw", name="Nieuw onderwerp", order=99)
    assert '<a href="/hulp/nieuw/">Nieuw onderwerp</a>' in client.get("/hulp/").content.decode()
    Category.objects.filter(slug="nieuw").get().delete()
    assert "Nieuw onderwerp" not in client.get("/hulp/").content.decode()
