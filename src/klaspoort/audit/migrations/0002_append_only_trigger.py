from django.db import migrations

from klaspoort.core.append_only import refuse_updates


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(*refuse_updates("audit_auditevent"))]
