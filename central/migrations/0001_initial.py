"""Central content moves out of sitegen (issue #13), tables and rows untouched.

The models keep their tables (`db_table` = the old sitegen names), so the database side is
empty: only Django's model state moves. The content types are relabelled from `sitegen` to
`central`, so everything keyed by content type follows without a copy: permissions and the
groups holding them, Wagtail revisions, log entries, the reference index (snippet usage), the
search index and generic relations.
"""

import django.db.models.deletion
import django.utils.timezone
import modelsearch.index
import wagtail.fields
from django.db import migrations, models


MOVED_MODELS = ("sharedsection", "pagetemplate", "pagetemplateversion", "campaign", "centralnewsitem")


def _relabel(apps, old_label: str, new_label: str) -> None:
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in MOVED_MODELS:
        old = ContentType.objects.filter(app_label=old_label, model=model).first()
        if old is None:
            continue
        # A content type under the new label can only exist when post_migrate ran in between
        # (a run stopped half-way): it holds nothing but fresh default permissions.
        stale = ContentType.objects.filter(app_label=new_label, model=model).first()
        if stale is not None:
            Permission.objects.filter(content_type=stale).delete()
            stale.delete()
        old.app_label = new_label
        old.save(update_fields=["app_label"])
    CurrentContentType.objects.clear_cache()


def content_types_to_central(apps, schema_editor):
    _relabel(apps, "sitegen", "central")


def content_types_to_sitegen(apps, schema_editor):
    _relabel(apps, "central", "sitegen")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('wagtailcore', '0098_apitoken'),
        ('sitegen', '0003_pagetemplate_body_blocks'),
    ]

    state_operations = [
        migrations.CreateModel(
            name='PageTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120, verbose_name='naam van het sjabloon')),
                ('description', models.TextField(blank=True, max_length=400, verbose_name='beschrijving')),
                ('page_type', models.CharField(choices=[('library_pages.standardpage', 'Standaardpagina'), ('library_pages.newspage', 'Nieuwsbericht')], default='library_pages.standardpage', max_length=64, verbose_name='paginatype')),
                ('title', models.CharField(max_length=255, verbose_name='titel van de pagina')),
                ('intro', models.TextField(blank=True, max_length=600, verbose_name='inleiding')),
                ('body', wagtail.fields.StreamField([('heading', 2), ('paragraph', 3), ('image', 4), ('quote', 7), ('call_to_action', 14), ('embed', 15), ('documents', 19), ('faq', 24), ('table', 28), ('shared_section', 29), ('upcoming_events', 35), ('catalogue_search', 38), ('new_acquisitions', 43)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'label': 'Tekst', 'max_length': 120}), 1: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('h2', 'Kop 2'), ('h3', 'Kop 3'), ('h4', 'Kop 4')], 'label': 'Niveau'}), 2: ('wagtail.blocks.StructBlock', [[('text', 0), ('level', 1)]], {}), 3: ('home.blocks.ParagraphBlock', (), {}), 4: ('wagtail.images.blocks.ImageBlock', [], {}), 5: ('wagtail.blocks.TextBlock', (), {'label': 'Citaat', 'max_length': 600}), 6: ('wagtail.blocks.CharBlock', (), {'label': 'Bron', 'max_length': 120, 'required': False}), 7: ('wagtail.blocks.StructBlock', [[('quote', 5), ('attribution', 6)]], {}), 8: ('wagtail.blocks.CharBlock', (), {'label': 'Titel', 'max_length': 120}), 9: ('wagtail.blocks.TextBlock', (), {'label': 'Tekst', 'max_length': 400, 'required': False}), 10: ('wagtail.blocks.CharBlock', (), {'label': 'Tekst op de knop', 'max_length': 60}), 11: ('wagtail.blocks.PageChooserBlock', (), {'label': 'Pagina', 'required': False}), 12: ('wagtail.blocks.URLBlock', (), {'label': 'Externe link', 'required': False}), 13: ('wagtail.blocks.StructBlock', [[('page', 11), ('url', 12)]], {'label': 'Bestemming'}), 14: ('wagtail.blocks.StructBlock', [[('title', 8), ('text', 9), ('button_label', 10), ('target', 13)]], {}), 15: ('home.blocks.VideoEmbedBlock', (), {}), 16: ('wagtail.blocks.CharBlock', (), {'label': 'Titel', 'max_length': 120, 'required': False}), 17: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'label': 'Document'}), 18: ('wagtail.blocks.ListBlock', (17,), {'label': 'Documenten'}), 19: ('wagtail.blocks.StructBlock', [[('title', 16), ('documents', 18)]], {}), 20: ('wagtail.blocks.CharBlock', (), {'label': 'Vraag', 'max_length': 200}), 21: ('home.blocks.ParagraphBlock', (), {'label': 'Antwoord'}), 22: ('wagtail.blocks.StructBlock', [[('question', 20), ('answer', 21)]], {}), 23: ('wagtail.blocks.ListBlock', (22,), {'label': 'Vragen'}), 24: ('wagtail.blocks.StructBlock', [[('title', 16), ('items', 23)]], {}), 25: ('wagtail.blocks.CharBlock', (), {'label': 'Bijschrift', 'max_length': 200}), 26: ('wagtail.contrib.table_block.blocks.TableBlock', (), {'label': 'Tabel', 'table_options': {'autoColumnSize': False, 'colHeaders': False, 'contextMenu': ['row_above', 'row_below', 'col_left', 'col_right', 'remove_row', 'remove_col'], 'editor': 'text', 'minSpareRows': 0, 'renderer': 'text', 'rowHeaders': False, 'startCols': 3, 'startRows': 3, 'stretchH': 'all'}}), 27: ('wagtail.blocks.BooleanBlock', (), {'default': True, 'label': 'Eerste rij is een kopregel', 'required': False}), 28: ('wagtail.blocks.StructBlock', [[('caption', 25), ('table', 26), ('first_row_is_header', 27)]], {}), 29: ('central.blocks.SharedSectionBlock', (), {}), 30: ('wagtail.blocks.CharBlock', (), {'default': 'Binnenkort', 'label': 'Titel', 'max_length': 120}), 31: ('wagtail.blocks.IntegerBlock', (), {'default': 3, 'label': 'Aantal', 'max_value': 12, 'min_value': 1}), 32: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('', 'Alle'), ('0.7.0.0.0', 'Begeleide rondleiding'), ('0.50.4.0.0', 'Concert'), ('0.3.3.0.0', 'Congres of studiedag'), ('0.3.1.0.1', 'Cursus met open sessies'), ('0.3.1.0.0', 'Cursus of workshop'), ('0.54.0.0.0', 'Dansvoorstelling'), ('0.5.0.0.0', 'Festival'), ('0.28.0.0.0', 'Festiviteit'), ('0.17.0.0.0', 'Fiets- of wandelroute'), ('0.50.6.0.0', 'Film'), ('0.57.0.0.0', 'Kamp of vakantie'), ('0.100.0.0.0', 'Kijken en luisteren'), ('0.3.2.0.0', 'Lezing of congres'), ('0.37.0.0.0', 'Markt, braderie of kermis'), ('0.12.0.0.0', 'Opendeurdag'), ('0.49.0.0.0', 'Party of fuif'), ('0.50.21.0.0', 'Spel of quiz'), ('0.19.0.0.0', 'Sportactiviteit'), ('0.0.0.0.0', 'Tentoonstelling'), ('0.55.0.0.0', 'Theatervoorstelling')], 'label': 'Soort', 'required': False}), 33: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('', 'Alle'), ('1.7.12.0.0', 'Animatie en kinderfilms'), ('1.21.0.0.0', 'Computer en techniek'), ('1.42.0.0.0', 'Creativiteit'), ('1.40.0.0.0', 'Erfgoed'), ('1.8.4.0.0', 'Folk en wereldmuziek'), ('1.0.6.0.0', 'Fotografie'), ('1.11.0.0.0', 'Geschiedenis'), ('1.37.1.0.0', 'Gezondheid en zorg'), ('1.43.0.0.0', 'Interculturele vorming'), ('1.8.2.0.0', 'Jazz en blues'), ('1.8.1.0.0', 'Klassieke muziek'), ('1.41.0.0.0', 'Kunst en kunsteducatie'), ('1.10.0.0.0', 'Literatuur'), ('1.0.9.0.0', 'Meerdere kunstvormen'), ('1.64.0.0.0', 'Milieu en natuur'), ('1.37.0.0.0', 'Opvoeding'), ('1.61.0.0.0', 'Persoon en relaties'), ('1.8.3.1.0', 'Pop en rock'), ('1.10.5.0.0', 'Poëzie'), ('1.37.2.0.0', 'Samenleving'), ('1.0.1.0.0', 'Schilderkunst'), ('1.11.1.0.0', 'Taal en communicatie'), ('1.3.1.0.0', 'Tekst- en muziektheater'), ('1.65.0.0.0', 'Voeding'), ('1.25.0.0.0', 'Wetenschap'), ('1.44.0.0.0', 'Zingeving, filosofie en religie')], 'label': 'Thema', 'required': False}), 34: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('', 'Iedereen'), ('kleuters', 'Kleuters (3-5 jaar)'), ('kinderen', 'Kinderen (6-11 jaar)'), ('jongeren', 'Jongeren (12-17 jaar)'), ('volwassenen', 'Volwassenen (18+)'), ('gezinnen', 'Gezinnen')], 'label': 'Voor wie', 'required': False}), 35: ('wagtail.blocks.StructBlock', [[('title', 30), ('count', 31), ('event_type', 32), ('theme', 33), ('age_group', 34)]], {}), 36: ('wagtail.blocks.CharBlock', (), {'default': 'Zoek in de catalogus', 'label': 'Titel', 'max_length': 120}), 37: ('wagtail.blocks.TextBlock', (), {'label': 'Tekst', 'max_length': 300, 'required': False}), 38: ('wagtail.blocks.StructBlock', [[('title', 36), ('text', 37)]], {}), 39: ('wagtail.blocks.CharBlock', (), {'default': 'Nieuw in de bib', 'label': 'Titel', 'max_length': 120}), 40: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('', 'Iedereen'), ('peuters en kleuters', 'Peuters en kleuters'), ('kinderen', 'Kinderen'), ('jongeren', 'Jongeren'), ('volwassenen', 'Volwassenen')], 'label': 'Doelgroep', 'required': False}), 41: ('wagtail.blocks.CharBlock', (), {'help_text': 'Bijvoorbeeld ‘Romans’, ‘Strips’ of ‘Thrillers’. Leeg: alle genres.', 'label': 'Genre', 'max_length': 120, 'required': False}), 42: ('wagtail.blocks.IntegerBlock', (), {'default': 6, 'label': 'Aantal titels', 'max_value': 12, 'min_value': 2}), 43: ('wagtail.blocks.StructBlock', [[('title', 39), ('audience', 40), ('genre', 41), ('count', 42)]], {})}, verbose_name='inhoud')),
                ('version', models.PositiveIntegerField(default=0, editable=False, verbose_name='versie')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='laatst gewijzigd')),
            ],
            options={
                'verbose_name': 'paginasjabloon',
                'verbose_name_plural': 'paginasjablonen',
                'db_table': 'sitegen_pagetemplate',
                'ordering': ['name'],
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.CreateModel(
            name='SharedSection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=120, verbose_name='titel')),
                ('show_title', models.BooleanField(default=True, help_text='Toon de titel als kop boven de sectie.', verbose_name='titel tonen')),
                ('body', wagtail.fields.StreamField([('heading', 2), ('paragraph', 3), ('quote', 6), ('faq', 12), ('table', 16)], block_lookup={0: ('wagtail.blocks.CharBlock', (), {'label': 'Tekst', 'max_length': 120}), 1: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('h2', 'Kop 2'), ('h3', 'Kop 3'), ('h4', 'Kop 4')], 'label': 'Niveau'}), 2: ('wagtail.blocks.StructBlock', [[('text', 0), ('level', 1)]], {}), 3: ('home.blocks.ParagraphBlock', (), {}), 4: ('wagtail.blocks.TextBlock', (), {'label': 'Citaat', 'max_length': 600}), 5: ('wagtail.blocks.CharBlock', (), {'label': 'Bron', 'max_length': 120, 'required': False}), 6: ('wagtail.blocks.StructBlock', [[('quote', 4), ('attribution', 5)]], {}), 7: ('wagtail.blocks.CharBlock', (), {'label': 'Titel', 'max_length': 120, 'required': False}), 8: ('wagtail.blocks.CharBlock', (), {'label': 'Vraag', 'max_length': 200}), 9: ('home.blocks.ParagraphBlock', (), {'label': 'Antwoord'}), 10: ('wagtail.blocks.StructBlock', [[('question', 8), ('answer', 9)]], {}), 11: ('wagtail.blocks.ListBlock', (10,), {'label': 'Vragen'}), 12: ('wagtail.blocks.StructBlock', [[('title', 7), ('items', 11)]], {}), 13: ('wagtail.blocks.CharBlock', (), {'label': 'Bijschrift', 'max_length': 200}), 14: ('wagtail.contrib.table_block.blocks.TableBlock', (), {'label': 'Tabel', 'table_options': {'autoColumnSize': False, 'colHeaders': False, 'contextMenu': ['row_above', 'row_below', 'col_left', 'col_right', 'remove_row', 'remove_col'], 'editor': 'text', 'minSpareRows': 0, 'renderer': 'text', 'rowHeaders': False, 'startCols': 3, 'startRows': 3, 'stretchH': 'all'}}), 15: ('wagtail.blocks.BooleanBlock', (), {'default': True, 'label': 'Eerste rij is een kopregel', 'required': False}), 16: ('wagtail.blocks.StructBlock', [[('caption', 13), ('table', 14), ('first_row_is_header', 15)]], {})}, verbose_name='inhoud')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='laatst gewijzigd')),
            ],
            options={
                'verbose_name': 'gedeelde sectie',
                'verbose_name_plural': 'gedeelde secties',
                'db_table': 'sitegen_sharedsection',
                'ordering': ['title'],
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.CreateModel(
            name='Campaign',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=120, verbose_name='titel')),
                ('message', models.TextField(max_length=400, verbose_name='boodschap')),
                ('link_url', models.URLField(blank=True, verbose_name='link')),
                ('link_label', models.CharField(blank=True, max_length=60, verbose_name='tekst van de link')),
                ('style', models.CharField(choices=[('banner', 'Balk bovenaan elke pagina'), ('teaser', 'Blok op de startpagina')], default='banner', max_length=16, verbose_name='vorm')),
                ('tone', models.CharField(choices=[('info', 'Informatie'), ('alert', 'Storing of waarschuwing')], default='info', max_length=16, verbose_name='soort boodschap')),
                ('audience', models.CharField(choices=[('all', 'Alle websites'), ('kind', 'Eén soort website'), ('province', 'Eén provincie'), ('sites', 'Gekozen websites')], default='all', max_length=16, verbose_name='doelgroep')),
                ('target_kind', models.CharField(blank=True, choices=[('bibliotheek', 'Bibliotheek'), ('cultuurcentrum', 'Cultuurcentrum'), ('gemeenschapscentrum', 'Gemeenschapscentrum')], max_length=32, verbose_name='soort website')),
                ('target_province', models.CharField(blank=True, choices=[('antwerpen', 'Antwerpen'), ('limburg', 'Limburg'), ('oost-vlaanderen', 'Oost-Vlaanderen'), ('vlaams-brabant', 'Vlaams-Brabant'), ('west-vlaanderen', 'West-Vlaanderen'), ('brussel', 'Brussels Hoofdstedelijk Gewest')], max_length=32, verbose_name='provincie')),
                ('starts_at', models.DateTimeField(verbose_name='begin')),
                ('ends_at', models.DateTimeField(verbose_name='einde')),
                ('target_sites', models.ManyToManyField(blank=True, related_name='+', to='wagtailcore.site', verbose_name='websites')),
            ],
            options={
                'verbose_name': 'campagne of melding',
                'verbose_name_plural': 'campagnes en meldingen',
                'db_table': 'sitegen_campaign',
                'ordering': ['-starts_at'],
            },
        ),
        migrations.CreateModel(
            name='CentralNewsItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=255, verbose_name='titel')),
                ('slug', models.SlugField(max_length=80, verbose_name='slug')),
                ('date', models.DateField(default=django.utils.timezone.localdate, verbose_name='datum')),
                ('intro', models.TextField(max_length=600, verbose_name='inleiding')),
                ('body', wagtail.fields.StreamField([('heading', 2), ('paragraph', 3), ('quote', 6), ('faq', 12), ('table', 16)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'label': 'Tekst', 'max_length': 120}), 1: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('h2', 'Kop 2'), ('h3', 'Kop 3'), ('h4', 'Kop 4')], 'label': 'Niveau'}), 2: ('wagtail.blocks.StructBlock', [[('text', 0), ('level', 1)]], {}), 3: ('home.blocks.ParagraphBlock', (), {}), 4: ('wagtail.blocks.TextBlock', (), {'label': 'Citaat', 'max_length': 600}), 5: ('wagtail.blocks.CharBlock', (), {'label': 'Bron', 'max_length': 120, 'required': False}), 6: ('wagtail.blocks.StructBlock', [[('quote', 4), ('attribution', 5)]], {}), 7: ('wagtail.blocks.CharBlock', (), {'label': 'Titel', 'max_length': 120, 'required': False}), 8: ('wagtail.blocks.CharBlock', (), {'label': 'Vraag', 'max_length': 200}), 9: ('home.blocks.ParagraphBlock', (), {'label': 'Antwoord'}), 10: ('wagtail.blocks.StructBlock', [[('question', 8), ('answer', 9)]], {}), 11: ('wagtail.blocks.ListBlock', (10,), {'label': 'Vragen'}), 12: ('wagtail.blocks.StructBlock', [[('title', 7), ('items', 11)]], {}), 13: ('wagtail.blocks.CharBlock', (), {'label': 'Bijschrift', 'max_length': 200}), 14: ('wagtail.contrib.table_block.blocks.TableBlock', (), {'label': 'Tabel', 'table_options': {'autoColumnSize': False, 'colHeaders': False, 'contextMenu': ['row_above', 'row_below', 'col_left', 'col_right', 'remove_row', 'remove_col'], 'editor': 'text', 'minSpareRows': 0, 'renderer': 'text', 'rowHeaders': False, 'startCols': 3, 'startRows': 3, 'stretchH': 'all'}}), 15: ('wagtail.blocks.BooleanBlock', (), {'default': True, 'label': 'Eerste rij is een kopregel', 'required': False}), 16: ('wagtail.blocks.StructBlock', [[('caption', 13), ('table', 14), ('first_row_is_header', 15)]], {})}, verbose_name='inhoud')),
                ('live', models.BooleanField(default=True, verbose_name='gepubliceerd')),
                ('sites', models.ManyToManyField(related_name='+', to='wagtailcore.site', verbose_name='websites')),
            ],
            options={
                'verbose_name': 'netwerknieuws',
                'verbose_name_plural': 'netwerknieuws',
                'db_table': 'sitegen_centralnewsitem',
                'ordering': ['-date', '-pk'],
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.CreateModel(
            name='PageTemplateVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('content', models.JSONField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('template', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='central.pagetemplate')),
            ],
            options={
                'db_table': 'sitegen_pagetemplateversion',
                'constraints': [models.UniqueConstraint(fields=('template', 'number'), name='unique_page_template_version')],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(content_types_to_central, content_types_to_sitegen),
    ]
