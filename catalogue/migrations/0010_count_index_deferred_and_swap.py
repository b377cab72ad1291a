"""The count index at a million records (docs/catalogue.md, issue #14):

- a bulk import can defer the count index: with `SET bibnet.count_index_deferred = on` in its
  session the statement triggers skip their work (the other sessions keep theirs), and the
  import rebuilds the index once at the end;
- `catalogue_count_index_rebuild()` builds the compacted index into new tables and swaps them
  in at the end (the sequence of the segment ids goes along, so a segment id is never used
  twice), so searches keep reading the old index while it is built instead of waiting for
  a `TRUNCATE`; two rebuilds wait for each other;
- `catalogue_count_meta` holds a random token of this database, with which a process knows
  that a file cache of the count index (countindex.py) was written from this database and no
  other (a recreated database starts its sequences at 1 again).
"""

import importlib

from django.db import migrations


def segment_insert(table: str, source: str) -> str:
    """A segment row in `table` for the records of `source` (as in 0007)."""
    return f"""
        INSERT INTO {table} (nums, works, years)
        SELECT coalesce(array_agg(num ORDER BY num), '{{}}'),
               coalesce(array_agg(hashtextextended(work_key, 0) ORDER BY num), '{{}}'),
               coalesce(array_agg(coalesce(year, 0) ORDER BY num), '{{}}')
        FROM {source}"""


def postings_insert(table: str, source: str) -> str:
    """The postings in `table` of the records of `source` in segment `segment_id` (as in
    0007): every lexeme of the search vector (`w`), every facet key but the ISBNs (`f`)."""
    return f"""
        INSERT INTO {table} (segment, term, nums)
        SELECT segment_id, term, array_agg(num ORDER BY num)
        FROM (
            SELECT s.num, 'w' || lexeme FROM {source} s,
                   unnest(tsvector_to_array(s.search_vector)) AS lexeme
            UNION ALL
            SELECT s.num, 'f' || key FROM {source} s,
                   jsonb_array_elements_text(s.facet_keys) AS key
            WHERE left(key, 2) <> 'i:'
        ) AS t (num, term)
        GROUP BY term;"""

SEGMENT_ADD = f"""
CREATE OR REPLACE FUNCTION catalogue_count_segment_add() RETURNS trigger AS $$
DECLARE
    segment_id bigint;
BEGIN
    IF current_setting('bibnet.count_index_deferred', true) = 'on' THEN
        RETURN NULL;  -- a bulk import rebuilds the index when it is done
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO catalogue_count_dead (nums)
        SELECT array_agg(num) FROM old_rows HAVING count(*) > 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {segment_insert("catalogue_count_segment", "new_rows")} HAVING count(*) > 0
        RETURNING id INTO segment_id;
        IF segment_id IS NOT NULL THEN
            {postings_insert("catalogue_count_posting", "new_rows")}
        END IF;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""

REBUILD = f"""
CREATE OR REPLACE FUNCTION catalogue_count_index_rebuild() RETURNS void AS $$
DECLARE
    segment_id bigint;
BEGIN
    -- Writers wait (their triggers would write into the tables being replaced); readers do
    -- not. The mode conflicts with itself: two rebuilds run one after the other.
    LOCK TABLE catalogue_record IN SHARE ROW EXCLUSIVE MODE;
    DROP TABLE IF EXISTS catalogue_count_posting_next, catalogue_count_segment_next;
    CREATE TABLE catalogue_count_segment_next (LIKE catalogue_count_segment INCLUDING DEFAULTS);
    {segment_insert("catalogue_count_segment_next", "catalogue_record")}
    RETURNING id INTO segment_id;
    CREATE TABLE catalogue_count_posting_next (
        term text COLLATE "C" NOT NULL,
        segment bigint NOT NULL,
        nums integer[] NOT NULL
    );
    {postings_insert("catalogue_count_posting_next", "catalogue_record")}
    ALTER TABLE catalogue_count_segment_next ADD PRIMARY KEY (id);
    ALTER TABLE catalogue_count_posting_next ADD PRIMARY KEY (term, segment);
    ANALYZE catalogue_count_segment_next;
    ANALYZE catalogue_count_posting_next;
    -- The swap: searches wait for it, not for the build.
    ALTER SEQUENCE catalogue_count_segment_id_seq OWNED BY catalogue_count_segment_next.id;
    DROP TABLE catalogue_count_posting;
    DROP TABLE catalogue_count_segment;
    TRUNCATE catalogue_count_dead;
    ALTER TABLE catalogue_count_segment_next RENAME TO catalogue_count_segment;
    ALTER INDEX catalogue_count_segment_next_pkey RENAME TO catalogue_count_segment_pkey;
    ALTER TABLE catalogue_count_posting_next RENAME TO catalogue_count_posting;
    ALTER INDEX catalogue_count_posting_next_pkey RENAME TO catalogue_count_posting_pkey;
    -- Checked for new rows; the rows just built reference the one segment by construction.
    ALTER TABLE catalogue_count_posting ADD CONSTRAINT catalogue_count_posting_segment_fkey
        FOREIGN KEY (segment) REFERENCES catalogue_count_segment (id) ON DELETE CASCADE
        NOT VALID;
END
$$ LANGUAGE plpgsql;
"""

FORWARD = [
    SEGMENT_ADD,
    REBUILD,
    "CREATE TABLE catalogue_count_meta (token uuid NOT NULL DEFAULT gen_random_uuid())",
    "INSERT INTO catalogue_count_meta DEFAULT VALUES",
]

BACKWARD = [
    "DROP TABLE IF EXISTS catalogue_count_meta",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The functions of 0007 come back with 0007's own definitions.
    previous = importlib.import_module("catalogue.migrations.0007_count_index")
    for statement in [*BACKWARD, previous.SEGMENT_ADD, previous.REBUILD]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0009_library_account_settings"),
    ]

    operations = [migrations.RunPython(forward, backward)]
