"""Remove the welcome page and default site that Wagtail's first migration creates.

Every site of the network is provisioned by sitegen; a default site would answer for unknown
hostnames, which the platform must not do.
"""

from django.db import migrations


def remove_welcome(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    ContentType = apps.get_model("contenttypes", "ContentType")
    base_type = ContentType.objects.filter(app_label="wagtailcore", model="page").first()
    if base_type is None:
        return
    welcome = Page.objects.filter(depth=2, content_type=base_type, slug="home")
    Site.objects.filter(root_page__in=welcome).delete()
    for page in welcome:
        page.delete()
    root = Page.objects.filter(depth=1).first()
    if root is not None:
        root.numchild = Page.objects.filter(depth=2).count()
        root.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(remove_welcome, migrations.RunPython.noop)]
