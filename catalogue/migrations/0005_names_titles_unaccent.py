"""Accent-insensitive text search with names stemmed like the queries, and other titles.

Two text search configurations put `unaccent` before their dictionaries: `bibnet_dutch` (Dutch
stemming and stop words) and `bibnet_simple`. Author names are indexed with both: with
`bibnet_dutch`, so that a query (always parsed with `bibnet_dutch`) finds a Flemish surname
whatever the stemmer does to its ending; with `bibnet_simple`, unstemmed, for the suggestions'
prefix matches. Other titles (246, 534, 740, 765, ...) are indexed with the title weight
minus one.
"""

import importlib

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

CONFIGURATIONS = [
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS bibnet_dutch",
    "CREATE TEXT SEARCH CONFIGURATION bibnet_dutch (COPY = dutch)",
    "ALTER TEXT SEARCH CONFIGURATION bibnet_dutch ALTER MAPPING FOR "
    "hword, hword_part, word WITH unaccent, dutch_stem",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS bibnet_simple",
    "CREATE TEXT SEARCH CONFIGURATION bibnet_simple (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION bibnet_simple ALTER MAPPING FOR "
    "hword, hword_part, word WITH unaccent, simple",
]

TRIGGER = """
CREATE OR REPLACE FUNCTION catalogue_record_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('bibnet_dutch', coalesce(NEW.title, '') || ' ' || coalesce(NEW.subtitle, '')), 'A')
        || setweight(to_tsvector('bibnet_dutch', jsonb_path_query_array(coalesce(NEW.other_titles, '[]'::jsonb), '$[*].title')), 'B')
        || setweight(to_tsvector('bibnet_simple', coalesce(NEW.author_text, '')), 'B')
        || setweight(to_tsvector('bibnet_dutch', coalesce(NEW.author_text, '')), 'B')
        || setweight(to_tsvector('bibnet_dutch', coalesce(NEW.subject_text, '')), 'C')
        || setweight(to_tsvector('bibnet_dutch', coalesce(NEW.publisher, '') || ' '
            || coalesce(NEW.responsibility, '') || ' ' || left(coalesce(NEW.summary, ''), 4000)), 'D');
    -- A fixed, uniform sample key (0-1023) for estimating the counts of very broad searches,
    -- from the work key so that a sample holds every edition of its works.
    NEW.sample_key := hashtext(NEW.work_key) & 1023;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in CONFIGURATIONS:
        schema_editor.execute(statement)
    schema_editor.execute(TRIGGER)
    # Rebuild the search vectors of records already imported (the trigger fires on update).
    schema_editor.execute("UPDATE catalogue_record SET title = title")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    previous = importlib.import_module("catalogue.migrations.0004_search_sample_and_orders")
    schema_editor.execute(previous.TRIGGER)
    schema_editor.execute("UPDATE catalogue_record SET title = title")
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS bibnet_dutch")
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS bibnet_simple")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_search_sample_and_orders")]

    operations = [
        migrations.AddField(
            model_name="record",
            name="other_titles",
            field=models.JSONField(blank=True, default=list, verbose_name="andere titels"),
        ),
        # CreateExtension acts on PostgreSQL only.
        UnaccentExtension(),
        migrations.RunPython(forward, backward),
    ]
