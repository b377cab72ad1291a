"""The bounds of the local backend's search strategies, in one module so that tests and the
benchmark can lower or raise them (`monkeypatch.setattr(limits, "CANDIDATES", 20)`): the other
modules read them as `limits.NAME` at run time."""

SQLITE_CANDIDATES = 5000
EDITIONS_LIMIT = 50
# In relevance order, searches with fewer matching records than this (counted by the count
# index) rank all of them; broader ones rank a sample. Counts are exact either way (the count
# index), and so are the newest and title orders (see countindex.CountIndex.ordered_page).
CANDIDATES = 1000
TITLE_CANDIDATES = 100
# The relevance of a broad search ranks a sample: its matches in the first n of SAMPLE_BUCKETS
# buckets of works (a hash of the work key, so whole works), n the smallest that holds
# SAMPLE_SIZE / 2 of them, chosen by the count index and read by record number.
SAMPLE_BUCKETS = 1024
SAMPLE_SIZE = 1000
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
