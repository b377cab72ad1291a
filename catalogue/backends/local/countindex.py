"""Exact counts on PostgreSQL from the count index (migration 0007, docs/catalogue.md).

The database keeps, per written batch of records (a segment), the sorted record numbers of
every lexeme (`w<lexeme>`) and every facet key (`f<key>`), and the numbers that updates and
deletes replaced. A search:

1. asks PostgreSQL, in one round trip, for its tsquery (`websearch_to_tsquery('bibnet_dutch',
   ...)`, the same parse as the search itself), the postings of its lexemes that this process
   does not keep already, and the record numbers of the title matches the search adds;
2. evaluates the tsquery (`&`, `|`, `!`, parentheses) over boolean arrays indexed by record
   number, ANDs the facet filters (OR within a facet; masks built from the facet keys per
   record this process holds), removes replaced numbers and adds the title matches;
3. counts the works (distinct work key hashes) and the records per facet key of the match set
   from arrays this process keeps: work and facet keys per record number, loaded once and
   extended when segments appear.

The hits of the search are then chosen among the matches here: a sample of whole works for
relevance (`sample`), or the exact page in newest or title order from the position of every
record number in those orders (`ordered_page`), and read by number.

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
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from django.conf import settings

from catalogue.backends.base import FACET_LIMIT, FACETS
from catalogue.backends.local import limits

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
    # the title matches that the search adds (among nums)
    added: np.ndarray = field(default_factory=lambda: _EMPTY)


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
        self._derived_clear()
        self._ranks_clear()

    def _derived_clear(self) -> None:
        """Forget what was derived from the arrays (they changed): the record masks of facet
        keys, the postings of lexemes read for earlier searches, the records per key of the
        whole catalogue and the sample bucket of every number."""
        self.key_masks: dict[str, np.ndarray] = {}
        self.lexemes: dict[str, np.ndarray] = {}
        self.key_totals: np.ndarray | None = None
        self._buckets: np.ndarray | None = None
        self.rollups: dict[tuple, Counted] = {}

    def _ranks_clear(self) -> None:
        self.ranks: dict[str, np.ndarray] = {}
        # Per broad lexeme: (records, works, records per facet key id) of its live matches,
        # for exactly the loaded state (see lexeme_rollups_load).
        self.lexeme_rollups: dict[str, tuple[int, int, np.ndarray]] = {}

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
            self._derived_clear()
            self.lexeme_rollups = self._lexeme_rollups_cached(cursor)
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
            self._derived_clear()
            return

    def cache_save(self, cursor) -> Path | None:
        """Write the arrays of this process for the next processes; never fails a search."""
        directory = cache_directory()
        if directory is None or not self.segments:
            return None
        try:
            token = self._token(cursor)
            target = directory / self._state_name(token)
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

    # Postings of broad lexemes (at least LEXEME_KEPT_FROM records) kept per process for the
    # loaded index, so that a broad word is read once, not by every search: at most
    # LEXEMES_KEPT of them (their terms go with every search, to be left out) and
    # LEXEME_NUMBERS_KEPT record numbers (4 bytes each) in all; the least recently used go
    # first. Narrow lexemes cost little to read again.
    LEXEME_KEPT_FROM = 2000
    LEXEMES_KEPT = 256
    LEXEME_NUMBERS_KEPT = 4_000_000
    # Facet keys whose record masks are kept (one byte per record number each).
    KEY_MASKS_KEPT = 16
    # Rollups: the counts (works, records per facet key) of a broad match set (at least
    # ROLLUP_FROM records) kept for the loaded index, keyed by the tsquery and the facet
    # filters, so that a broad word is counted once per process and index state, not by every
    # search; at most ROLLUPS_KEPT of them and ROLLUP_NUMBERS_KEPT record numbers in all, the
    # least recently used go first. They are forgotten with everything derived from the arrays
    # when segments or replaced numbers are loaded, so they stay exact.
    ROLLUP_FROM = 5000
    ROLLUPS_KEPT = 128
    ROLLUP_NUMBERS_KEPT = 4_000_000

    def count(
        self,
        cursor,
        *,
        text: str,
        groups: list[list[str]],
        selected: set[str],
        title: tuple[str, dict] | None = None,
        settings: str = "",
    ) -> Counted | None:
        """Exact counts of the records that match `text` (websearch syntax, parsed by
        PostgreSQL) and the facet filters `groups` (keys, OR within a group), or None when the
        tsquery holds what this index does not evaluate. `title` is a statement (and its
        parameters) giving `array_send` of more record numbers that the search adds, its
        exact and prefix title matches (already filtered on the facets); it is sent in the
        same round trip, and so are `settings` (a select list of `set_config(..., true)`
        calls: they hold for the rest of the transaction, these statements included)."""
        tree = None
        # One round trip: the tsquery, the fingerprint, and the postings of the lexemes that
        # PostgreSQL reads out of the tsquery, in every segment, except the lexemes this
        # process already holds for its loaded index. (An array, so that the primary key is
        # used: with `IN (SELECT ...)` the planner, not knowing how many terms come, scans the
        # table.) Facet filters are evaluated from the facet keys per record this process
        # holds, never read again.
        known = list(self.lexemes)
        unknown = "term = ANY(ARRAY(SELECT term FROM t WHERE term <> ALL(%(known)s::text[])))"
        cursor.execute(
            f"""
            SELECT {settings + "," if settings else ""}
                   websearch_to_tsquery('bibnet_dutch', %(q)s)::text, {self.FINGERPRINT};
            WITH t AS (
                SELECT 'w' || replace(m[1], $q$''$q$, $q$'$q$) AS term
                FROM regexp_matches(websearch_to_tsquery('bibnet_dutch', %(q)s)::text,
                                    $re$'((?:[^']|'')*)'$re$, 'g') AS m
            )
            {POSTINGS.format(where=unknown)};
            {title[0] if title else "SELECT NULL"}
            """,
            {"q": text, "known": known, **(title[1] if title else {})},
        )
        first = cursor.fetchone()
        tsquery, *fingerprint = first[len(first) - 5 :]
        cursor.nextset()
        rows = cursor.fetchall()
        cursor.nextset()
        added = _ints(cursor.fetchone()[0])
        if text:
            if not tsquery.strip():
                # Only stop words: no text match, but maybe title matches.
                if tuple(fingerprint) != self.fingerprint:
                    self.refresh(cursor, tuple(fingerprint))
                added = self._added(added)
                return replace(self.counted(added, selected), added=added)
            try:
                tree = _Parser(_tokens(tsquery)).parse()
            except _Unsupported:
                return None
        terms = ["w" + lexeme for lexeme in (_lexemes(tree) if tree else ())]
        rollup_key = (
            repr(tree),
            tuple(tuple(sorted(group)) for group in groups),
            tuple(sorted(selected)),
        )
        if tuple(fingerprint) == self.fingerprint:
            rolled = self._rollup(rollup_key, added)
            if rolled is not None:
                return rolled
        if tuple(fingerprint) != self.fingerprint or "\\" in tsquery:
            # Segments this process has not loaded (or a lexeme with a backslash, which the
            # statement does not unescape): load them and read the postings once more.
            self.refresh(cursor, tuple(fingerprint))
            cursor.execute(
                POSTINGS.format(where="term = ANY(%s) AND segment = ANY(%s)"),
                [terms, list(self.segments)],
            )
            rows = cursor.fetchall()
            self.lexemes = {}
        postings = self._postings_read(rows)
        for term in terms:
            if term not in postings:
                postings[term] = self.lexemes.get(term, _EMPTY)
        self._lexemes_keep(postings)

        def evaluate(node) -> np.ndarray:
            if node[0] == "lexeme":
                result = np.zeros(self.size, dtype=bool)
                result[postings["w" + node[1]]] = True
                return result
            if node[0] == "!":
                return ~evaluate(node[1])
            left, right = evaluate(node[1]), evaluate(node[2])
            return left & right if node[0] == "&" else left | right

        matches = evaluate(tree) & self.live if tree else self.live.copy()
        rolled = self.lexeme_rollups.get(tree[1]) if tree and tree[0] == "lexeme" else None
        if rolled is not None and not groups:
            nums = np.flatnonzero(matches)
            added = self._added(added)
            if nums.size == rolled[0] and not (added.size and not matches[added].all()):
                return Counted(
                    records=rolled[0],
                    nums=nums,
                    works=rolled[1],
                    counts=self._counts(rolled[2], selected),
                    catalogue=self.catalogue,
                    added=added,
                )
        for group in groups:
            either = self.key_mask(group[0])
            for key in group[1:]:
                either = either | self.key_mask(key)
            matches &= either
        added = self._added(added)
        if added.size and not matches[added].all():
            matches[added] = True
            return replace(self.counted(np.flatnonzero(matches), selected, matches), added=added)
        counted = self.counted(np.flatnonzero(matches), selected, matches)
        self._rollup_keep(rollup_key, counted)
        return replace(counted, added=added)

    def _rollup(self, key: tuple, added: np.ndarray) -> Counted | None:
        """The kept counts of the match set `key`, when the title matches `added` are all in
        it (they change nothing then); None otherwise."""
        counted = self.rollups.pop(key, None)
        if counted is None:
            return None
        self.rollups[key] = counted
        added = self._added(added)
        if added.size:
            positions = np.searchsorted(counted.nums, added)
            inside = positions < counted.nums.size
            if not (inside.all() and (counted.nums[positions] == added).all()):
                return None
        return replace(counted, counts=Counter(counted.counts), added=added)

    def _rollup_keep(self, key: tuple, counted: Counted) -> None:
        if counted.nums.size < self.ROLLUP_FROM:
            return
        self.rollups.pop(key, None)
        self.rollups[key] = counted
        kept = sum(rolled.nums.size for rolled in self.rollups.values())
        while self.rollups and (
            kept > self.ROLLUP_NUMBERS_KEPT or len(self.rollups) > self.ROLLUPS_KEPT
        ):
            kept -= self.rollups.pop(next(iter(self.rollups))).nums.size

    def _added(self, nums: np.ndarray) -> np.ndarray:
        """The records of `nums` that this process has loaded and that are live, sorted."""
        nums = np.unique(nums[nums < self.size])
        return nums[self.live[nums]]

    def _postings_read(self, rows) -> dict[str, np.ndarray]:
        postings: dict[str, np.ndarray] = {}
        for term, segments_data, lengths_data, data in rows:
            lengths = _ints(lengths_data)
            nums = _concatenated(lengths, data)
            segments = _ints(segments_data, 8)
            if not self.segments.issuperset(segments.tolist()):
                # Committed between the two statements of the round trip: not loaded yet.
                known = np.isin(segments, np.fromiter(self.segments, dtype=np.int64))
                nums = nums[np.repeat(known, lengths)]
            postings[term] = nums.astype(np.int32)
        return postings

    def _lexemes_keep(self, postings: dict[str, np.ndarray]) -> None:
        """Keep the postings read for this index; the least recently used go first."""
        for term, nums in postings.items():
            if nums.size >= self.LEXEME_KEPT_FROM:
                self.lexemes.pop(term, None)
                self.lexemes[term] = nums
        kept = sum(nums.size for nums in self.lexemes.values())
        while self.lexemes and (
            kept > self.LEXEME_NUMBERS_KEPT or len(self.lexemes) > self.LEXEMES_KEPT
        ):
            kept -= self.lexemes.pop(next(iter(self.lexemes))).size

    def key_mask(self, key: str) -> np.ndarray:
        """The record numbers that carry a facet key, as a mask, from the facet keys per
        record this process holds (no statement; kept for the most used keys)."""
        mask = self.key_masks.pop(key, None)
        if mask is None:
            mask = np.zeros(self.size, dtype=bool)
            key_id = self.key_ids.get(key)
            if key_id is not None:
                positions = np.flatnonzero(self.flat == key_id)
                mask[np.searchsorted(self.offsets, positions, side="right") - 1] = True
        self.key_masks[key] = mask
        while len(self.key_masks) > self.KEY_MASKS_KEPT:
            self.key_masks.pop(next(iter(self.key_masks)))
        return mask

    def _per_key(self, nums: np.ndarray) -> np.ndarray:
        """Records per facet key id among `nums`."""
        starts = self.offsets[nums]
        lengths = self.offsets[nums + 1] - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(len(self.keys), dtype=np.int64)
        # The positions of every facet key of the records in `flat`, without a loop.
        shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        return np.bincount(self.flat[shift + np.arange(total)], minlength=len(self.keys))

    def counted(
        self, nums: np.ndarray, selected: set[str], matches: np.ndarray | None = None
    ) -> Counted:
        """The counts of the records `nums` (sorted, live); `matches` is their mask, when the
        caller has it."""
        seen = np.zeros(self.works_total, dtype=bool)
        seen[self.work[nums]] = True
        if matches is not None and 2 * nums.size > self.catalogue:
            # Most of the catalogue matches: count the records that do not and subtract them
            # from the counts of the whole catalogue (kept), which reads fewer facet keys.
            if self.key_totals is None:
                self.key_totals = self._per_key(np.flatnonzero(self.live))
            per_key = self.key_totals - self._per_key(np.flatnonzero(self.live & ~matches))
        else:
            per_key = self._per_key(nums)
        return Counted(
            records=int(nums.size),
            nums=nums,
            works=int(np.count_nonzero(seen)),
            counts=self._counts(per_key, selected) if nums.size else Counter(),
            catalogue=self.catalogue,
        )

    def _counts(self, per_key: np.ndarray, selected: set[str]) -> Counter:
        """The facet counts shown (and those of the selected values) from records per key."""
        counts: Counter = Counter()
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
        return counts

    # -- the hits of a broad search, chosen in this process --------------------------------

    def sample(self, counted: Counted, size: int) -> np.ndarray:
        """The matches in the first n of SAMPLE_BUCKETS buckets of works (a hash of the work
        key: uniform, whole works), n the smallest that holds `size` of them: the records a
        broad search ranks for relevance, read by their numbers."""
        if self._buckets is None:
            self._buckets = (self.work_hash & (limits.SAMPLE_BUCKETS - 1)).astype(np.int16)
        buckets = self._buckets[counted.nums]
        per_bucket = np.cumsum(np.bincount(buckets, minlength=limits.SAMPLE_BUCKETS))
        last = int(np.searchsorted(per_bucket, min(size, counted.nums.size)))
        return counted.nums[buckets <= last]

    # The statements that give every record number its position in an order (the byte order
    # of the database's C collation): newest first, and by title.
    ORDERS = {
        "newest": 'COALESCE(year, 0) DESC, record_id COLLATE "C"',
        "title": 'title_norm COLLATE "C", record_id COLLATE "C"',
    }

    def _ranks(self, cursor, order: str) -> np.ndarray:
        """Position of every record number in `order` (-1: written after the positions were
        read). A number never changes what it stands for, so positions stay true; they are
        read again only when many records came after them."""
        ranks = self.ranks.get(order)
        if ranks is not None and self._fresh(ranks) <= limits.ORDER_FRESH:
            return ranks
        ranks = self._ranks_cached(cursor, order)
        if ranks is None:
            cursor.execute(
                "SELECT array_send(array_agg(num ORDER BY "
                + self.ORDERS[order]
                + ")) FROM catalogue_record /* catalogue_record_order */"
            )
            nums = _ints(cursor.fetchone()[0])
            size = max(self.size, int(nums.max()) + 1 if nums.size else 0)
            ranks = np.full(size, -1, np.int32)
            ranks[nums] = np.arange(nums.size, dtype=np.int32)
            self._ranks_save(cursor, order, ranks)
        self.ranks[order] = ranks
        return ranks

    def orders_load(self, cursor) -> None:
        """Read the position of every record in each order, and count the broad lexemes
        (lexeme_rollups_load), and write them to the file cache: the nightly task does it once,
        so that the web processes map them."""
        for order in self.ORDERS:
            self.ranks.pop(order, None)
            self._ranks(cursor, order)
        self.lexeme_rollups_load(cursor)

    # Lexemes with at least this many records are counted ahead (lexeme_rollups_load).
    LEXEME_ROLLUP_FROM = 20_000

    def _state_name(self, token: str) -> str:
        return (
            f"{token}-{max(self.segments)}-{len(self.segments)}-"
            f"{max(self.dead_rows, default=0)}-{len(self.dead_rows)}"
        )

    def lexeme_rollups_load(self, cursor) -> None:
        """Count the live matches of every lexeme with at least LEXEME_ROLLUP_FROM records
        (works, records per facet key) for the loaded state, keep them and write them to the
        file cache of this state, so that a search for one such word without facet filters
        takes its counts from there instead of counting the facet keys of its records. A
        process uses them only while its loaded state is exactly the one they were counted
        for (the same segments and replaced numbers); otherwise it counts."""
        if not self.segments:
            return
        cursor.execute(
            POSTINGS.format(
                where="term IN (SELECT term FROM catalogue_count_posting "
                "WHERE term >= 'w' AND term < 'x' AND segment = ANY(%(segments)s) "
                "GROUP BY term HAVING sum(cardinality(nums)) >= %(least)s) "
                "AND segment = ANY(%(segments)s)"
            ),
            {"segments": sorted(self.segments), "least": self.LEXEME_ROLLUP_FROM},
        )
        rollups: dict[str, tuple[int, int, np.ndarray]] = {}
        for term, nums in self._postings_read(cursor.fetchall()).items():
            nums = np.unique(nums[nums < self.size])
            nums = nums[self.live[nums]]
            seen = np.zeros(self.works_total, dtype=bool)
            seen[self.work[nums]] = True
            rollups[term[1:]] = (int(nums.size), int(np.count_nonzero(seen)), self._per_key(nums))
        self.lexeme_rollups = rollups
        target = self.cache_save(cursor)
        if target is None or not rollups:
            return
        try:
            lexemes = sorted(rollups)
            scratch = target / f".rollups.{os.getpid()}.npz"
            with scratch.open("wb") as handle:
                np.savez(
                    handle,
                    lexemes=np.array(lexemes, dtype=str),
                    records=np.array([rollups[x][0] for x in lexemes], dtype=np.int64),
                    works=np.array([rollups[x][1] for x in lexemes], dtype=np.int64),
                    per_key=np.stack([rollups[x][2] for x in lexemes]),
                )
            os.replace(scratch, target / "rollups.npz")
        except OSError:
            logger.warning("Count index rollups not written to %s", target, exc_info=True)

    def _lexeme_rollups_cached(self, cursor) -> dict[str, tuple[int, int, np.ndarray]]:
        """The rollups of the loaded state from the file cache ({} when there are none)."""
        directory = cache_directory()
        if directory is None or not self.segments or not directory.is_dir():
            return {}
        token = self._token(cursor)
        if not token:
            return {}
        try:
            with np.load(directory / self._state_name(token) / "rollups.npz") as data:
                per_key = data["per_key"]
                if per_key.shape[1] != len(self.keys):
                    return {}
                return {
                    str(lexeme): (int(records), int(works), per_key[row])
                    for row, (lexeme, records, works) in enumerate(
                        zip(data["lexemes"], data["records"], data["works"], strict=True)
                    )
                }
        except (OSError, ValueError, KeyError):
            return {}

    def _ranks_cached(self, cursor, order: str) -> np.ndarray | None:
        """The newest positions of `order` in the file cache of this database that are still
        fresh enough (they stay true: a record number never changes what it stands for)."""
        directory = cache_directory()
        token = self._token(cursor) if directory is not None and directory.is_dir() else ""
        if not token:
            return None
        for path in sorted(directory.glob(f"{token}-*"), key=_mtime, reverse=True):
            try:
                ranks = np.load(path / f"rank_{order}.npy", mmap_mode="r")
            except (OSError, ValueError):
                continue
            return ranks if self._fresh(ranks) <= limits.ORDER_FRESH else None
        return None

    def _fresh(self, ranks: np.ndarray) -> int:
        """Live records written after the positions `ranks` were read."""
        known = min(ranks.size, self.size)
        fresh = int(np.count_nonzero(self.live[:known] & (ranks[:known] < 0)))
        return fresh + int(np.count_nonzero(self.live[known:]))

    def _ranks_save(self, cursor, order: str, ranks: np.ndarray) -> None:
        """Add the positions to this state's file cache; never fails a search."""
        target = self.cache_save(cursor)
        if target is None:
            return
        try:
            scratch = target / f".rank_{order}.{os.getpid()}.npy"
            np.save(scratch, ranks)
            os.replace(scratch, target / f"rank_{order}.npy")
        except OSError:
            logger.warning("Count index order not written to %s", target, exc_info=True)

    def ordered_page(
        self, cursor, counted: Counted, *, order: str, offset: int, limit: int
    ) -> list[tuple[int, int]]:
        """(record number, editions) of the works `offset` to `offset + limit` of a broad
        search in `order`, exactly: each work is shown by its first matching record in the
        order, with the number of its matching records. The order comes from the positions
        this process holds; matches written after those positions are sorted with the first
        ones in SQL."""
        ranks = self._ranks(cursor, order)
        nums = counted.nums
        positions = np.full(nums.size, -1, dtype=np.int64)
        inside = nums < ranks.size
        positions[inside] = ranks[nums[inside]]
        fresh = nums[positions < 0]
        ranked = nums[positions >= 0]
        positions = positions[positions >= 0]
        wanted = offset + limit
        depth = wanted * 3 // 2 + 10
        while True:
            if depth < positions.size:
                first = np.argpartition(positions, depth)[:depth]
                first = first[np.argsort(positions[first], kind="stable")]
            else:
                first = np.argsort(positions, kind="stable")
            ordered = ranked[first]
            if fresh.size:
                cursor.execute(
                    "SELECT array_send(array_agg(num ORDER BY "
                    + self.ORDERS[order]
                    + ")) FROM catalogue_record WHERE num = ANY(%s)",
                    [np.concatenate([ordered, fresh]).tolist()],
                )
                merged = _ints(cursor.fetchone()[0])
                if ordered.size < positions.size and ordered.size:
                    # Beyond the last ranked record taken, ranked records not taken may come
                    # before the fresh ones: the order is known up to it.
                    merged = merged[: int(np.flatnonzero(merged == ordered[-1])[0]) + 1]
                ordered = merged
            works = self.work[ordered]
            _values, firsts = np.unique(works, return_index=True)
            firsts.sort()
            if firsts.size >= wanted or depth >= positions.size:
                break
            depth *= 4
        page = ordered[firsts[offset:wanted]]
        editions = np.bincount(self.work[nums], minlength=self.works_total)
        return [(int(num), int(editions[self.work[num]])) for num in page]


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
