"""The count index: exact totals and facet counts for every search (docs/catalogue.md).

Every record gets a number (`num`, from a sequence; a new one on every update, so a number's
contents never change). Statement-level triggers with transition tables keep three append-only
tables up to date, whoever writes the records (the import, the demo, the admin):

- `catalogue_count_segment`: one row per written batch of records: their numbers, work key
  hashes and years;
- `catalogue_count_posting`: per segment and term, the sorted numbers of the segment's records
  that carry the term: `w<lexeme>` for every lexeme of the search vector, `f<facet key>` for
  every facet key (ISBNs excepted);
- `catalogue_count_dead`: the numbers that an update or a delete replaced.

The search evaluates the text query over the postings and counts in the web process
(`catalogue.backends.local.countindex`). `catalogue_count_index_rebuild()` compacts the
tables into one segment.
"""

from django.db import migrations


def _segment_insert(source: str) -> str:
    """A segment row for the records of `source` (a transition table or the whole table)."""
    return f"""
        INSERT INTO catalogue_count_segment (nums, works, years)
        SELECT coalesce(array_agg(num ORDER BY num), '{{}}'),
               coalesce(array_agg(hashtextextended(work_key, 0) ORDER BY num), '{{}}'),
               coalesce(array_agg(coalesce(year, 0) ORDER BY num), '{{}}')
        FROM {source}"""


def _postings_insert(source: str) -> str:
    """The postings of the records of `source` in segment `segment_id`: every lexeme of the
    search vector (`w`) and every facet key but the ISBNs (`f`)."""
    return f"""
        INSERT INTO catalogue_count_posting (segment, term, nums)
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
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO catalogue_count_dead (nums)
        SELECT array_agg(num) FROM old_rows HAVING count(*) > 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_segment_insert("new_rows")} HAVING count(*) > 0
        RETURNING id INTO segment_id;
        IF segment_id IS NOT NULL THEN
            {_postings_insert("new_rows")}
        END IF;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""

NUM_RENEW = """
CREATE OR REPLACE FUNCTION catalogue_record_num_renew() RETURNS trigger AS $$
BEGIN
    NEW.num := nextval('catalogue_record_num_seq');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""

REBUILD = f"""
CREATE OR REPLACE FUNCTION catalogue_count_index_rebuild() RETURNS void AS $$
DECLARE
    segment_id bigint;
BEGIN
    LOCK TABLE catalogue_record IN SHARE MODE;
    TRUNCATE catalogue_count_posting, catalogue_count_segment, catalogue_count_dead;
    {_segment_insert("catalogue_record")}
    RETURNING id INTO segment_id;
    {_postings_insert("catalogue_record")}
END
$$ LANGUAGE plpgsql;
"""

FORWARD = [
    "CREATE SEQUENCE catalogue_record_num_seq AS integer",
    "ALTER TABLE catalogue_record ADD COLUMN num integer",
    # Existing records get their number without the search vector trigger.
    "ALTER TABLE catalogue_record DISABLE TRIGGER catalogue_record_search_vector_trigger",
    "UPDATE catalogue_record SET num = nextval('catalogue_record_num_seq')",
    "ALTER TABLE catalogue_record ENABLE TRIGGER catalogue_record_search_vector_trigger",
    "ALTER TABLE catalogue_record ALTER COLUMN num SET DEFAULT nextval('catalogue_record_num_seq')",
    "ALTER TABLE catalogue_record ALTER COLUMN num SET NOT NULL",
    "ALTER SEQUENCE catalogue_record_num_seq OWNED BY catalogue_record.num",
    """CREATE TABLE catalogue_count_segment (
        id bigserial PRIMARY KEY,
        nums integer[] NOT NULL,
        works bigint[] NOT NULL,
        years integer[] NOT NULL
    )""",
    """CREATE TABLE catalogue_count_posting (
        term text COLLATE "C" NOT NULL,
        segment bigint NOT NULL REFERENCES catalogue_count_segment (id) ON DELETE CASCADE,
        nums integer[] NOT NULL,
        PRIMARY KEY (term, segment)
    )""",
    "CREATE TABLE catalogue_count_dead (id bigserial PRIMARY KEY, nums integer[] NOT NULL)",
    SEGMENT_ADD,
    NUM_RENEW,
    REBUILD,
    """CREATE TRIGGER catalogue_record_num_renew_trigger BEFORE UPDATE ON catalogue_record
       FOR EACH ROW EXECUTE FUNCTION catalogue_record_num_renew()""",
    """CREATE TRIGGER catalogue_count_insert_trigger AFTER INSERT ON catalogue_record
       REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION catalogue_count_segment_add()""",
    """CREATE TRIGGER catalogue_count_update_trigger AFTER UPDATE ON catalogue_record
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION catalogue_count_segment_add()""",
    """CREATE TRIGGER catalogue_count_delete_trigger AFTER DELETE ON catalogue_record
       REFERENCING OLD TABLE AS old_rows
       FOR EACH STATEMENT EXECUTE FUNCTION catalogue_count_segment_add()""",
    "SELECT catalogue_count_index_rebuild()",
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS catalogue_count_delete_trigger ON catalogue_record",
    "DROP TRIGGER IF EXISTS catalogue_count_update_trigger ON catalogue_record",
    "DROP TRIGGER IF EXISTS catalogue_count_insert_trigger ON catalogue_record",
    "DROP TRIGGER IF EXISTS catalogue_record_num_renew_trigger ON catalogue_record",
    "DROP FUNCTION IF EXISTS catalogue_count_index_rebuild()",
    "DROP FUNCTION IF EXISTS catalogue_record_num_renew()",
    "DROP FUNCTION IF EXISTS catalogue_count_segment_add()",
    "DROP TABLE IF EXISTS catalogue_count_posting, catalogue_count_segment, catalogue_count_dead",
    "ALTER TABLE catalogue_record DROP COLUMN IF EXISTS num",
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
    dependencies = [
        ("catalogue", "0006_catalogue_page_cover_url_template"),
    ]

    operations = [migrations.RunPython(forward, backward)]
