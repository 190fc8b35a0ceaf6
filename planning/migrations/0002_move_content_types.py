"""The content types (and so the admin permissions granted on them) of the tables planning took
over from monitoring move with them: a manager who could change quota policies in the admin
still can. On a fresh database there is nothing to move (content types are made after migrating)."""

from django.db import migrations

MODELS = ("quotapolicy", "historicalquotapolicy", "agenttier", "samplingrun")


def move(apps, schema_editor, source="monitoring", target="planning"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in MODELS:
        old = ContentType.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        # Both exist (the new one was made by a later post_migrate): carry the grants over.
        for permission in Permission.objects.filter(content_type=old):
            twin = Permission.objects.filter(content_type=new, codename=permission.codename).first()
            if twin is None:
                permission.content_type = new
                permission.save(update_fields=["content_type"])
            else:
                twin.group_set.add(*permission.group_set.all())
                twin.user_set.add(*permission.user_set.all())
                permission.delete()
        old.delete()


def back(apps, schema_editor):
    move(apps, schema_editor, source="planning", target="monitoring")


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(move, back)]
