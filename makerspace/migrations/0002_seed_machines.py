from django.db import migrations

MACHINES = [
    ("3D-printer", "3d-printer"),
    ("Lasercutter", "lasercutter"),
    ("Vinylsnijder", "vinylsnijder"),
    ("Naaimachine", "naaimachine"),
    ("Borduurmachine", "borduurmachine"),
    ("CNC-frees", "cnc-frees"),
    ("Transferpers", "transferpers"),
    ("Elektronica en Arduino", "elektronica"),
]


def seed(apps, schema_editor):
    Machine = apps.get_model("makerspace", "Machine")
    for order, (name, slug) in enumerate(MACHINES):
        Machine.objects.update_or_create(slug=slug, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("makerspace", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
