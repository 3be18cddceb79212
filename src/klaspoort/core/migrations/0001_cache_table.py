"""The database cache's table (core.cache.DatabaseCache, used when REDIS_URL is not set), so that
`klaspoort migrate` alone leaves a database that serves every page. The table is Django's own
(`createcachetable`); an existing one is left alone."""

from django.core.management.commands import createcachetable
from django.db import migrations

CACHE_TABLE = "klaspoort_cache"  # settings.CACHES["default"]["LOCATION"] without REDIS_URL


def create_cache_table(apps, schema_editor):
    command = createcachetable.Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
