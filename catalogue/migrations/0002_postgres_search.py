"""PostgreSQL search structures of the local catalogue index. On SQLite they are skipped: the
SQLite fallback searches `search_text`."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION catalogue_record_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('dutch', coalesce(NEW.title, '') || ' ' || coalesce(NEW.subtitle, '')), 'A')
            || setweight(to_tsvector('simple', coalesce(NEW.author_text, '')), 'B')
            || setweight(to_tsvector('dutch', coalesce(NEW.subject_text, '')), 'C')
            || setweight(to_tsvector('dutch', coalesce(NEW.publisher, '') || ' '
                || coalesce(NEW.responsibility, '') || ' ' || left(coalesce(NEW.summary, ''), 4000)), 'D');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER catalogue_record_search_vector_trigger
    BEFORE INSERT OR UPDATE ON catalogue_record
    FOR EACH ROW EXECUTE FUNCTION catalogue_record_search_vector();
    """,
    "CREATE INDEX catalogue_record_search_gin ON catalogue_record USING gin (search_vector);",
    "CREATE INDEX catalogue_record_facets_gin ON catalogue_record USING gin (facet_keys jsonb_path_ops);",
    "CREATE INDEX catalogue_word_trgm ON catalogue_word USING gin (word gin_trgm_ops);",
]

BACKWARD = [
    "DROP INDEX IF EXISTS catalogue_word_trgm;",
    "DROP INDEX IF EXISTS catalogue_record_facets_gin;",
    "DROP INDEX IF EXISTS catalogue_record_title_trgm;",
    "DROP INDEX IF EXISTS catalogue_record_search_gin;",
    "DROP TRIGGER IF EXISTS catalogue_record_search_vector_trigger ON catalogue_record;",
    "DROP FUNCTION IF EXISTS catalogue_record_search_vector();",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [
        # CreateExtension acts on PostgreSQL only.
        TrigramExtension(),
        migrations.RunPython(forward, backward),
    ]
