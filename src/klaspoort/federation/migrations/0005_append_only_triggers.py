from django.db import migrations

from klaspoort.core.append_only import refuse_updates


class Migration(migrations.Migration):
    dependencies = [("federation", "0004_disclosure_school_licences")]

    operations = [
        migrations.RunPython(*refuse_updates("federation_consentchange")),
        migrations.RunPython(*refuse_updates("federation_disclosure")),
    ]
