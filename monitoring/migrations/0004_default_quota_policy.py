from django.db import migrations


def create_default(apps, schema_editor):
    QuotaPolicy = apps.get_model("monitoring", "QuotaPolicy")
    if not QuotaPolicy.objects.filter(line_of_business__isnull=True).exists():
        QuotaPolicy.objects.create(line_of_business=None)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0003_quota_policy_tiers_sampling")]
    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
