"""Exact counts on PostgreSQL from the count index (migration 0007, docs/catalogue.md).

The database keeps, per written batch of records (a segment), the sorted record numbers of
every lexeme (`w<lexeme>`) and every facet key (`f<key>`), and the numbers that updates and
deletes replaced. A search:

1. asks PostgreSQL for its tsquery (`websearch_to_tsquery('bibnet_dutch', ...)`, the same
   parse as the search itself) and the postings of its lexemes and filter keys;
2. evaluates the tsquery (`&`, `|`, `!`, parentheses) over boolean arrays indexed by record
   number, ANDs the facet filters (OR within a facet), and removes replaced numbers;
3. counts the works (distinct work key hashes) and the records per facet key of the match set
   from arrays this process keeps: work and facet keys per record number, loaded once and
   extended when segments appear.

A phrase (`<->`, from quotes or hyphenated words), a prefix or a weight in the tsquery is not
evaluated here: `count()` returns None and the search counts in SQL instead.

A process that has loaded the whole index for some seconds writes its arrays to a file cache
(`CATALOGUE_COUNT_INDEX_CACHE`, a directory; "" turns it off), and a new process maps the
newest file of its database instead of reading every segment: it then reads only the segments
and replaced numbers that came after it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

from catalogue.backends.base import FACET_LIMIT, FACETS

logger = logging.getLogger(__name__)

_EMPTY = np.zeros(0, dtype=np.int64)


def _ints(data, width: int = 4) -> np.ndarray:
    """The values of `array_send(int4[])` or `array_send(int8[])`: a header of 20 bytes
    (dimensions, flags, element type, length, lower bound) and per element its length (4
    bytes) and value, big-endian. An empty array has no dimension and 12 bytes."""
    if data is None or len(data) <= 12:
        return _EMPTY
    pairs = np.frombuffer(
        data, dtype=np.dtype([("length", ">i4"), ("value", f">i{width}")]), offset=20
    )
    return pairs["value"].astype(np.int64)


def _concatenated(lengths: np.ndarray, data) -> np.ndarray:
    """The values of several `array_send(int4[])` one after the other (`string_agg`), of
    `lengths` elements each: 20 bytes of header, then per value its length and the value, so
    every value is 4-aligned and one gather reads them all."""
    if not lengths.size:
        return _EMPTY
    words = np.frombuffer(data, dtype=">i4")
    row_words = 5 + 2 * lengths
    row_starts = np.cumsum(row_words) - row_words
    element = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return words[np.repeat(row_starts + 6, lengths) + 2 * element].astype(np.int64)


# Per term its segments, their lengths and their numbers, one row per term.
POSTINGS = (
    "SELECT term, array_send(array_agg(segment ORDER BY segment)), "
    "array_send(array_agg(cardinality(nums) ORDER BY segment)), "
    "string_agg(array_send(nums), ''::bytea ORDER BY segment) "
    "FROM catalogue_count_posting WHERE {where} GROUP BY term"
)


@dataclass
class Counted:
    records: int  # matching records
    nums: np.ndarray  # their numbers
    works: int  # their works
    counts: Counter  # records per facet key: the top values of every facet, ties included
    catalogue: int  # records in the catalogue


class _Unsupported(Exception):
    """A tsquery this module does not evaluate (phrase, prefix, weight)."""


_TOKEN = re.compile(r"\s*(?:'((?:[^']|'')*)'(:[*A-Da-d]+)?|(<->|<\d+>)|([&|!()]))")


def _tokens(tsquery: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    text = tsquery.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise _Unsupported(tsquery)
        lexeme, suffix, phrase, operator = match.groups()
        if suffix or phrase:
            raise _Unsupported(tsquery)
        if lexeme is not None:
            tokens.append(("lexeme", lexeme.replace("''", "'").replace("\\\\", "\\")))
        else:
            tokens.append(("op", operator))
        position = match.end()
    return tokens


class _Parser:
    """tsquery precedence: ! binds tightest, then &, then |."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise _Unsupported("unexpected end")
        self.position += 1
        return token

    def parse(self):
        tree = self.disjunction()
        if self.peek() is not None:
            raise _Unsupported("trailing tokens")
        return tree

    def disjunction(self):
        node = self.conjunction()
        while self.peek() == ("op", "|"):
            self.take()
            node = ("|", node, self.conjunction())
        return node

    def conjunction(self):
        node = self.unary()
        while self.peek() == ("op", "&"):
            self.take()
            node = ("&", node, self.unary())
        return node

    def unary(self):
        kind, value = self.take()
        if kind == "lexeme":
            return ("lexeme", value)
        if value == "!":
            return ("!", self.unary())
        if value == "(":
            node = self.disjunction()
            if self.take() != ("op", ")"):
                raise _Unsupported("unbalanced")
            return node
        raise _Unsupported(value)


def _lexemes(tree) -> set[str]:
    if tree[0] == "lexeme":
        return {tree[1]}
    return set().union(*(_lexemes(child) for child in tree[1:]))


class CountIndex:
    """The arrays of one process, refreshed when the database has segments or replaced
    numbers that the process has not loaded."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.fingerprint: tuple | None = None
        self.segments: set[int] = set()
        self.dead_rows: set[int] = set()
        self.size = 0
        self.live = np.zeros(0, dtype=bool)
        self.work_hash = np.zeros(0, dtype=np.int64)
        self.year = np.zeros(0, dtype=np.int32)
        self.work = np.zeros(0, dtype=np.int32)
        self.works_total = 0
        self.key_ids: dict[str, int] = {}
        self.keys: list[str] = []
        # Facet keys per record number (CSR: offsets by number into flat), and the pairs of
        # number and key while segments are being loaded.
        self.pair_nums: list[np.ndarray] = []
        self.pair_keys: list[np.ndarray] = []
        self.offsets = np.zeros(1, dtype=np.int64)
        self.flat = np.zeros(0, dtype=np.int32)
        self.prefix_keys: dict[str, np.ndarray] = {}
        self.catalogue = 0

    # -- keeping up with the database ------------------------------------------------------

    # What the process has loaded, in one cheap statement (with the tsquery of a search).
    FINGERPRINT = (
        "(SELECT count(*) FROM catalogue_count_segment), "
        "(SELECT max(id) FROM catalogue_count_segment), "
        "(SELECT count(*) FROM catalogue_count_dead), (SELECT max(id) FROM catalogue_count_dead)"
    )

    def refresh(self, cursor, fingerprint: tuple | None = None) -> None:
        if fingerprint is None:
            cursor.execute("SELECT " + self.FINGERPRINT)
            fingerprint = tuple(cursor.fetchone())
        if fingerprint == self.fingerprint:
            return
        with self.lock:
            if fingerprint == self.fingerprint:
                return
            started = time.monotonic()
            cursor.execute(
                "SELECT ARRAY(SELECT id FROM catalogue_count_segment), "
                "ARRAY(SELECT id FROM catalogue_count_dead)"
            )
            segment_ids, dead_ids = (set(column) for column in cursor.fetchone())
            if not (self.segments <= segment_ids and self.dead_rows <= dead_ids):
                # Compacted (catalogue_count_index_rebuild), or rows this process read were
                # rolled back: ids are never used twice, so what is left is still true.
                self.reset()
            if not self.segments:
                self._cache_load(cursor, segment_ids, dead_ids)
            new = sorted(segment_ids - self.segments)
            if new:
                self._segments_load(cursor, new)
            new_dead = sorted(dead_ids - self.dead_rows)
            if new_dead:
                cursor.execute(
                    "SELECT id, array_send(nums) FROM catalogue_count_dead WHERE id = ANY(%s)",
                    [new_dead],
                )
                for dead_id, data in cursor.fetchall():
                    nums = _ints(data)
                    nums = nums[nums < self.size]
                    self.live[nums] = False
                    self.dead_rows.add(dead_id)
            self.catalogue = int(np.count_nonzero(self.live))
            self.fingerprint = fingerprint
            if new and time.monotonic() - started >= cache_min_seconds():
                self.cache_save(cursor)

    # -- the file cache --------------------------------------------------------------------

    CACHE_FORMAT = 1
    CACHE_ARRAYS = ("live", "work_hash", "year", "work", "offsets", "flat")

    @staticmethod
    def _token(cursor) -> str:
        """This database's own token (migration 0010): a recreated database has another."""
        cursor.execute("SELECT token::text FROM catalogue_count_meta LIMIT 1")
        row = cursor.fetchone()
        return row[0] if row else ""

    def _cache_load(self, cursor, segment_ids: set[int], dead_ids: set[int]) -> None:
        """Map the newest cache of this database that holds nothing the database has not."""
        directory = cache_directory()
        if directory is None or not directory.is_dir():
            return
        token = self._token(cursor)
        if not token:
            return
        candidates = sorted(directory.glob(f"{token}-*"), key=_mtime, reverse=True)
        for path in candidates:
            try:
                meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
                if meta["format"] != self.CACHE_FORMAT:
                    continue
                segments, dead_rows = set(meta["segments"]), set(meta["dead_rows"])
                if not (segments <= segment_ids and dead_rows <= dead_ids):
                    continue
                # Copy on write: pages are shared between the processes of this machine
                # until one of them changes them (a replaced number).
                arrays = {
                    name: np.asarray(np.load(path / f"{name}.npy", mmap_mode="c"))
                    for name in self.CACHE_ARRAYS
                }
            except (OSError, ValueError, KeyError, TypeError):
                logger.warning("Count index cache %s unreadable", path, exc_info=True)
                continue
            for name, array in arrays.items():
                setattr(self, name, array)
            self.size = int(self.live.size)
            self.works_total = int(meta["works_total"])
            self.keys = list(meta["keys"])
            self.key_ids = {key: key_id for key_id, key in enumerate(self.keys)}
            self.segments, self.dead_rows = segments, dead_rows
            self._prefixes_build()
            return

    def cache_save(self, cursor) -> Path | None:
        """Write the arrays of this process for the next processes; never fails a search."""
        directory = cache_directory()
        if directory is None or not self.segments:
            return None
        try:
            token = self._token(cursor)
            name = (
                f"{token}-{max(self.segments)}-{len(self.segments)}-"
                f"{max(self.dead_rows, default=0)}-{len(self.dead_rows)}"
            )
            target = directory / name
            if target.exists():
                return target
            directory.mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(prefix=".tmp-", dir=directory))
            for array_name in self.CACHE_ARRAYS:
                np.save(scratch / f"{array_name}.npy", getattr(self, array_name))
            meta = {
                "format": self.CACHE_FORMAT,
                "segments": sorted(self.segments),
                "dead_rows": sorted(self.dead_rows),
                "works_total": self.works_total,
                "keys": self.keys,
            }
            (scratch / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            try:
                os.rename(scratch, target)
            except OSError:  # another process wrote the same state first
                shutil.rmtree(scratch, ignore_errors=True)
            _cache_prune(directory, token)
            return target
        except OSError:
            logger.warning("Count index cache not written to %s", directory, exc_info=True)
            return None

    def _grow(self, size: int) -> None:
        if size <= self.size:
            return
        extra = size - self.size
        self.live = np.concatenate([self.live, np.zeros(extra, dtype=bool)])
        self.work_hash = np.concatenate([self.work_hash, np.zeros(extra, dtype=np.int64)])
        self.year = np.concatenate([self.year, np.zeros(extra, dtype=np.int32)])
        self.size = size

    def _segments_load(self, cursor, ids: list[int]) -> None:
        cursor.execute(
            "SELECT array_send(nums), array_send(works), array_send(years) "
            "FROM catalogue_count_segment "
            "WHERE id = ANY(%s)",
            [ids],
        )
        self.segments.update(ids)
        for nums_data, works_data, years_data in cursor.fetchall():
            nums = _ints(nums_data)
            if not nums.size:
                continue
            self._grow(int(nums.max()) + 1)
            self.live[nums] = True
            self.work_hash[nums] = _ints(works_data, 8)
            self.year[nums] = _ints(years_data)
        # Dense work ids, for counting distinct works with a boolean array.
        present = np.flatnonzero(self.live)
        hashes, inverse = np.unique(self.work_hash[present], return_inverse=True)
        self.work = np.zeros(self.size, dtype=np.int32)
        self.work[present] = inverse
        self.works_total = hashes.size
        # The pairs already loaded come back out of the CSR arrays, with the new ones after.
        owners = np.arange(self.offsets.size - 1, dtype=np.int32)
        self.pair_nums = [np.repeat(owners, np.diff(self.offsets))]
        self.pair_keys = [self.flat]
        for start in range(0, len(ids), 32):
            self._facets_load(cursor, ids[start : start + 32])
        nums = np.concatenate(self.pair_nums)
        keys = np.concatenate(self.pair_keys)
        self.pair_nums, self.pair_keys = [], []
        order = np.argsort(nums, kind="stable")
        self.flat = keys[order]
        self.offsets = np.zeros(self.size + 1, dtype=np.int64)
        np.cumsum(np.bincount(nums, minlength=self.size), out=self.offsets[1:])
        self._prefixes_build()

    def _prefixes_build(self) -> None:
        prefixes: dict[str, list[int]] = {}
        for key_id, key in enumerate(self.keys):
            prefixes.setdefault(key.partition(":")[0], []).append(key_id)
        self.prefix_keys = {p: np.array(ids, dtype=np.int64) for p, ids in prefixes.items()}

    def _facets_load(self, cursor, ids: list[int]) -> None:
        """The facet postings of some segments, in one row: the terms (separated by 0x1F),
        their lengths, and their `array_send` values one after the other (20 bytes of header,
        then 8 bytes per number: its length and its value, so every value is 4-aligned)."""
        cursor.execute(
            "SELECT string_agg(term, E'\\x1f' ORDER BY term, segment), "
            "array_send(array_agg(cardinality(nums) ORDER BY term, segment)), "
            "string_agg(array_send(nums), ''::bytea ORDER BY term, segment) "
            "FROM catalogue_count_posting "
            "WHERE segment = ANY(%s) AND term >= 'f' AND term < 'g'",
            [ids],
        )
        terms_text, lengths_data, blob = cursor.fetchone()
        if not terms_text:
            return
        lengths = _ints(lengths_data)
        nums = _concatenated(lengths, blob).astype(np.int32)
        key_ids = []
        for term in terms_text.split("\x1f"):
            key = term[1:]
            key_id = self.key_ids.get(key)
            if key_id is None:
                key_id = self.key_ids[key] = len(self.keys)
                self.keys.append(key)
            key_ids.append(key_id)
        self.pair_nums.append(nums)
        self.pair_keys.append(np.repeat(np.array(key_ids, dtype=np.int32), lengths))

    # -- one search ------------------------------------------------------------------------

    def count(
        self, cursor, *, text: str, groups: list[list[str]], selected: set[str]
    ) -> Counted | None:
        """Exact counts of the records that match `text` (websearch syntax, parsed by
        PostgreSQL) and the facet filters `groups` (keys, OR within a group), or None when the
        tsquery holds what this index does not evaluate."""
        tree = None
        facet_terms = ["f" + key for group in groups for key in group]
        # One round trip: the tsquery, the fingerprint, and the postings of the lexemes that
        # PostgreSQL reads out of the tsquery and of the filter keys, in every segment. (An
        # array, so that the primary key is used: with `IN (SELECT ...)` the planner, not
        # knowing how many terms come, scans the table.)
        cursor.execute(
            f"""
            SELECT websearch_to_tsquery('bibnet_dutch', %(q)s)::text, {self.FINGERPRINT};
            WITH t AS (
                SELECT 'w' || replace(m[1], $q$''$q$, $q$'$q$) AS term
                FROM regexp_matches(websearch_to_tsquery('bibnet_dutch', %(q)s)::text,
                                    $re$'((?:[^']|'')*)'$re$, 'g') AS m
                UNION SELECT unnest(%(facets)s::text[])
            )
            {POSTINGS.format(where="term = ANY(ARRAY(SELECT term FROM t))")}
            """,
            {"q": text, "facets": facet_terms},
        )
        tsquery, *fingerprint = cursor.fetchone()
        cursor.nextset()
        rows = cursor.fetchall()
        if text:
            if not tsquery.strip():
                return Counted(
                    records=0, nums=_EMPTY, works=0, counts=Counter(), catalogue=self.catalogue
                )
            try:
                tree = _Parser(_tokens(tsquery)).parse()
            except _Unsupported:
                return None
        terms = ["w" + lexeme for lexeme in (_lexemes(tree) if tree else ())] + facet_terms
        if tuple(fingerprint) != self.fingerprint or "\\" in tsquery:
            # Segments this process has not loaded (or a lexeme with a backslash, which the
            # statement does not unescape): load them and read the postings once more.
            self.refresh(cursor, tuple(fingerprint))
            cursor.execute(
                POSTINGS.format(where="term = ANY(%s) AND segment = ANY(%s)"),
                [terms, list(self.segments)],
            )
            rows = cursor.fetchall()
        postings: dict[str, np.ndarray] = {}
        for term, segments_data, lengths_data, data in rows:
            lengths = _ints(lengths_data)
            nums = _concatenated(lengths, data)
            segments = _ints(segments_data, 8)
            if not self.segments.issuperset(segments.tolist()):
                # Committed between the two statements of the round trip: not loaded yet.
                known = np.isin(segments, np.fromiter(self.segments, dtype=np.int64))
                nums = nums[np.repeat(known, lengths)]
            postings[term] = nums

        def mask(term: str) -> np.ndarray:
            result = np.zeros(self.size, dtype=bool)
            result[postings.get(term, _EMPTY)] = True
            return result

        def evaluate(node) -> np.ndarray:
            if node[0] == "lexeme":
                return mask("w" + node[1])
            if node[0] == "!":
                return ~evaluate(node[1])
            left, right = evaluate(node[1]), evaluate(node[2])
            return left & right if node[0] == "&" else left | right

        matches = evaluate(tree) & self.live if tree else self.live.copy()
        for group in groups:
            either = np.zeros(self.size, dtype=bool)
            for key in group:
                either |= mask("f" + key)
            matches &= either
        return self._counted(np.flatnonzero(matches), selected)

    def _counted(self, nums: np.ndarray, selected: set[str]) -> Counted:
        seen = np.zeros(self.works_total, dtype=bool)
        seen[self.work[nums]] = True
        starts = self.offsets[nums]
        lengths = self.offsets[nums + 1] - starts
        total = int(lengths.sum())
        counts: Counter = Counter()
        if total:
            # The positions of every facet key of the matches in `flat`, without a loop.
            shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
            per_key = np.bincount(self.flat[shift + np.arange(total)], minlength=len(self.keys))
            for ids in self.prefix_keys.values():
                values = per_key[ids]
                present = np.flatnonzero(values)
                if present.size > FACET_LIMIT:
                    # Every value that ties with the last one shown, so that the facet list
                    # orders and cuts them as the exact statement does.
                    floor = np.partition(values[present], -FACET_LIMIT)[-FACET_LIMIT]
                    present = present[values[present] >= floor]
                for index in present:
                    counts[self.keys[ids[index]]] = int(values[index])
            for key in selected:
                key_id = self.key_ids.get(key)
                if key_id is not None and per_key[key_id]:
                    counts[key] = int(per_key[key_id])
        return Counted(
            records=int(nums.size),
            nums=nums,
            works=int(np.count_nonzero(seen)),
            counts=counts,
            catalogue=self.catalogue,
        )

    def newest_cutoff(self, counted: Counted, position: int) -> str | None:
        """The year that `position` matches are newer than or as new as (0 for no year)."""
        years = self.year[counted.nums]
        if years.size <= position:
            return None
        return str(int(np.partition(years, years.size - 1 - position)[years.size - 1 - position]))


INDEX = CountIndex()


def cache_directory() -> Path | None:
    """CATALOGUE_COUNT_INDEX_CACHE (a directory; "" for no cache), by default
    `bibnet-countindex` in the system's temporary directory."""
    value = getattr(settings, "CATALOGUE_COUNT_INDEX_CACHE", None)
    if value == "":
        return None
    return Path(value) if value else Path(tempfile.gettempdir()) / "bibnet-countindex"


def cache_min_seconds() -> float:
    """A load that took this long is written to the cache (CATALOGUE_COUNT_INDEX_CACHE_AFTER)."""
    return float(getattr(settings, "CATALOGUE_COUNT_INDEX_CACHE_AFTER", 1.0))


CACHE_KEEP = 2  # caches kept per database; older ones are removed
CACHE_FOREIGN_DAYS = 7  # caches of other databases are removed after a week


def _mtime(path: Path) -> float:
    """When `path` was written; 0 when another process removed it meanwhile."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _cache_prune(directory: Path, token: str) -> None:
    now = time.time()
    own = sorted(directory.glob(f"{token}-*"), key=_mtime, reverse=True)
    stale = own[CACHE_KEEP:]
    for path in directory.iterdir():
        if not path.name.startswith(token) and now - _mtime(path) > CACHE_FOREIGN_DAYS * 86400:
            stale.append(path)
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)


def facet_keys_selected(query) -> set[str]:
    return {
        f"{FACETS[name][0]}:{value}"
        for name, values in query.facets.items()
        if name in FACETS
        for value in values
    }
