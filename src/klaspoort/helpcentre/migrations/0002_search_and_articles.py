from django.db import migrations


def create_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX helpcentre_article_search ON helpcentre_article USING GIN (search)"
        )
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE helpcentre_article_fts USING fts5("
            "title, body, tokenize='unicode61 remove_diacritics 2')"
        )


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS helpcentre_article_search")
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS helpcentre_article_fts")


def load_articles(apps, schema_editor):
    from klaspoort.helpcentre.actions import save_article
    from klaspoort.helpcentre.models import Article, Category
    from klaspoort.helpcentre.starter import load

    def save(item, category):
        article = save_article(
            None,
            category=category,
            title=item["title"],
            body_markdown=item["body"],
            audience=item["audience"],
            published=True,
            actor="migration",
        )
        Article.objects.filter(pk=article.pk).update(slug=item["slug"])

    load(Category, Article, save)


class Migration(migrations.Migration):
    dependencies = [("helpcentre", "0001_initial")]

    operations = [
        migrations.RunPython(create_search, drop_search),
        migrations.RunPython(load_articles, migrations.RunPython.noop),
    ]
