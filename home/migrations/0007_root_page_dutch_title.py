"""The tree root, which Wagtail creates as "Root", shows in the central editors' admin search
and page choosers: give it a Dutch title."""

from django.db import migrations

ROOT_TITLE = "Alle websites"


def root_title_dutch(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title="Root").update(title=ROOT_TITLE, draft_title=ROOT_TITLE)


def root_title_english(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title=ROOT_TITLE).update(title="Root", draft_title="Root")


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0006_content_blocks_bieblo_books_digital_services"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(root_title_dutch, root_title_english)]
