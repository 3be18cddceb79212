"""The help centre's first articles (helpcentre/articles/*.md, written for klaspoort), loaded by
the migration and by `klaspoort load-help-articles`. Each file: `category: slug | name`,
`audience: …`, then `# Title` and the Markdown text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ARTICLES = Path(__file__).parent / "articles"


def starter_articles() -> list[dict[str, str]]:
    found = []
    for path in sorted(ARTICLES.glob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        header = dict(line.split(":", 1) for line in lines[:2])
        slug, name = (part.strip() for part in header["category"].split("|"))
        title_line = next(line for line in lines if line.startswith("# "))
        body = "\n".join(lines[lines.index(title_line) + 1 :]).strip() + "\n"
        found.append(
            {
                "slug": path.stem[3:],
                "category_slug": slug,
                "category_name": name,
                "audience": header["audience"].strip(),
                "title": title_line[2:].strip(),
                "body": body,
            }
        )
    return found


def load(category_model: Any, article_model: Any, save: Any) -> int:
    """Create the starter articles that are not there yet (by slug); `save` stores one."""
    created = 0
    for order, item in enumerate(starter_articles()):
        category, _new = category_model.objects.get_or_create(
            slug=item["category_slug"], defaults={"name": item["category_name"], "order": order}
        )
        if article_model.objects.filter(slug=item["slug"]).exists():
            continue
        save(item, category)
        created += 1
    return created
