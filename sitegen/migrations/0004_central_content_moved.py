"""Central content moved to the `central` app (central 0001): sitegen forgets the models in
its state only; the tables now belong to central and keep every row. PageOrigin's foreign key
points at the same table as before, now under central's model."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('central', '0001_initial'),
        ('sitegen', '0003_pagetemplate_body_blocks'),
    ]

    state_operations = [
        migrations.RemoveField(
            model_name='campaign',
            name='target_sites',
        ),
        migrations.RemoveField(
            model_name='centralnewsitem',
            name='sites',
        ),
        migrations.RemoveField(
            model_name='pagetemplateversion',
            name='template',
        ),
        migrations.AlterField(
            model_name='pageorigin',
            name='template',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='derived_pages', to='central.pagetemplate'),
        ),
        migrations.DeleteModel(
            name='SharedSection',
        ),
        migrations.DeleteModel(
            name='Campaign',
        ),
        migrations.DeleteModel(
            name='CentralNewsItem',
        ),
        migrations.DeleteModel(
            name='PageTemplateVersion',
        ),
        migrations.DeleteModel(
            name='PageTemplate',
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
