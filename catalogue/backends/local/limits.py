"""The bounds of the local backend's search strategies, in one module so that tests and the
benchmark can lower or raise them (`monkeypatch.setattr(limits, "CANDIDATES", 20)`): the other
modules read them as `limits.NAME` at run time."""

SQLITE_CANDIDATES = 5000
EDITIONS_LIMIT = 50
# Searches with up to this many matching records (counted by the count index) are ranked,
# grouped, sorted and counted in one statement over all their matches. Broader ones take their
# exact counts from the count index and rank a sample for relevance.
CANDIDATES = 2000
TITLE_CANDIDATES = 100
# Every record has a sample_key in 0..SAMPLE_BUCKETS-1 from a hash of its work key. The sample of a
# broad search is its matches in the first n buckets, n one of SAMPLE_LEVELS (1/128 to 1/16 of
# the catalogue, each with a partial text index, so a sample reads only its own rows): the
# smallest level that the exact number of matches says holds SAMPLE_SIZE / 2 of them.
SAMPLE_BUCKETS = 1024
SAMPLE_LEVELS = (8, 16, 32, 64)
SAMPLE_SIZE = 1000
# Newest and title order of a broad search: walk the year or title index when at least this
# share of the catalogue matches (so a page is found a few hundred records deep), else sort
# all the matches.
WALK_DENSITY = 0.05
WALK_LIMIT = 50_000
# Broad searches in newest or title order take the order from the position of every record
# number, which each process reads once; records written after that are sorted in SQL with
# the first ones of the page until more than this many came, then the positions are read again.
ORDER_FRESH = 5000
# Facet values that a tenth or more of the catalogue carries (see _PostgresSearch).
BROAD_FACET_KEYS = {
    "m:boek",
    "t:dut",
    "t:eng",
    "d:volwassenen",
    "d:kinderen",
    "d:jongeren",
    "f:fictie",
    "f:non-fictie",
}
