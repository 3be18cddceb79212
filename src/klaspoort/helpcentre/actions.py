"""Help-centre changes, by operators only (two-factor), audited."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from klaspoort.accounts.models import Account
from klaspoort.audit.events import record_event
from klaspoort.helpcentre.models import Article, Category
from klaspoort.helpcentre.rendering import plain_text, render_markdown
from klaspoort.helpcentre.search import index_article
from klaspoort.twofactor.operators import operator_subject, require_operator


class ArticleError(ValueError):
    """The article cannot be saved; the message says why."""


def save_article(
    article: Article | None,
    *,
    category: Category,
    title: str,
    body_markdown: str,
    audience: str,
    published: bool,
    actor: str,
) -> Article:
    """Store an article with its sanitised HTML and plain text, and index it for search."""
    title = title.strip()
    if not title or not body_markdown.strip():
        raise ArticleError(_("Een artikel heeft een titel en een tekst."))
    if article is None:
        base = slugify(title)[:90] or "artikel"
        slug, number = base, 1
        while Article.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        article = Article(slug=slug)
    html = render_markdown(body_markdown)
    article.category, article.title, article.audience, article.published = (
        category,
        title,
        audience,
        published,
    )
    article.body_markdown, article.body_html, article.body_text = body_markdown, html, plain_text(html)
    article.updated_by = actor
    article.save()
    index_article(article)
    return article


@transaction.atomic
def do_save_article(actor: Account, article: Article | None, **fields: object) -> Article:
    operator = require_operator(actor)
    saved = save_article(article, actor=operator_subject(operator), **fields)  # type: ignore[arg-type]
    record_event(
        "help.article_saved",
        actor=operator_subject(operator),
        subject=f"article:{saved.slug}",
        new=article is None,
    )
    return saved
