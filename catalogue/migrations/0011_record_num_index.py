"""Broad searches choose their hits in the process (docs/catalogue.md, issue #14), on
PostgreSQL:

- an index on the record number: the chosen matches are read by number;
- the partial text indexes of the sample levels (0004) go: the sample is now chosen among the
  matches of the count index, not by `sample_key` in SQL, and the import no longer keeps them.
"""

from django.db import migrations

SAMPLE_LEVELS = (8, 16, 32, 64)


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS catalogue_record_num ON catalogue_record (num)"
    )
    for level in SAMPLE_LEVELS:
        schema_editor.execute(f"DROP INDEX IF EXISTS catalogue_record_search_s{level}")


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS catalogue_record_num")
    for level in SAMPLE_LEVELS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS catalogue_record_search_s{level} ON catalogue_record "
            f"USING gin (search_vector) WHERE sample_key < {level}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0010_count_index_deferred_and_swap"),
    ]

    operations = [migrations.RunPython(forward, backward)]
