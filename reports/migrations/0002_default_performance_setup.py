"""The center's starting performance score and bonus bands (DESIGN.md §6: QA average 40 % by
default); managers change them in the product."""

from decimal import Decimal

from django.db import migrations

COMPONENTS = [
    # code, name, source, weight, target seconds
    ("qa", "QA average", "qa", 40, None),
    ("csat", "Customer satisfaction", "csat", 20, None),
    ("handle_time", "Average handle time", "handle_time", 20, 360),
    ("acw", "After-call work", "acw", 10, 60),
    ("attendance", "Attendance (imported)", "imported", 10, None),
]
BANDS = [
    ("Outstanding", Decimal("90.0"), Decimal("1.20")),
    ("Good", Decimal("80.0"), Decimal("1.00")),
    ("Fair", Decimal("70.0"), Decimal("0.80")),
    ("Needs improvement", Decimal("60.0"), Decimal("0.50")),
    ("Below standard", Decimal("0.0"), Decimal("0.00")),
]


def create(apps, schema_editor):
    Component = apps.get_model("reports", "PerformanceComponent")
    Band = apps.get_model("reports", "BonusBand")
    if not Component.objects.exists():
        for position, (code, name, source, weight, target) in enumerate(COMPONENTS):
            Component.objects.create(
                code=code, name=name, source=source, weight=weight, target_seconds=target, position=position
            )
    if not Band.objects.exists():
        for name, floor, multiplier in BANDS:
            Band.objects.create(name=name, min_score=floor, multiplier=multiplier)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
