"""Aanbevelingen ("Ook iets voor jou"): for every work of the catalogue, the works that share
its theme words, subjects, genres, series and authors, for the same audience.

Computed in batch for the whole catalogue (`recommendations_refresh`, nightly and after an
import) with numpy, stored as the top `STORED` per work in `catalogue_recommendation`, and read
on a record page with one indexed query (`recommendations_for`) that favours what the site's
library has on the shelf.

The batch, set-based:

1. one row per work (all records with the same `work_key`): the union of their features
   (`a:` author, `s:` series, `t:` theme word, `o:` subject, `g:` genre), their audience and
   language, and a representative record (the edition with the most copies, then the newest);
2. each feature weighs its kind (`KIND_WEIGHTS`: a shared series says more than a shared
   genre) times its rarity, log(1 + works / works with the feature);
3. candidates: a feature shared by thousands of works ("Romans") would make billions of
   pairs, so every feature's works are put in two orders that keep similar works together
   (same audience and language, then author and series, or then theme words and genres), and
   each work is paired with its `WINDOW` neighbours on either side in each order: at most
   4 x `WINDOW` candidates per feature of a work, all pairs when a feature is rarer than that;
4. every candidate pair is scored exactly (the sum of the weights of the features both
   works have), halved when the languages differ, a little more for works with many copies;
   works of another audience and works with the same normalised title (another edition or
   translation catalogued as a separate work) are never paired;
5. the best `STORED` per work are written in one go (COPY into a new table that replaces the
   old one on PostgreSQL, so record pages never wait for the batch).
"""

from __future__ import annotations

import io
import json
import logging
import math
import time
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.db.models import Count

from catalogue.models import Holding, Recommendation, Record

logger = logging.getLogger(__name__)

STORED = 12
WINDOW = 6
MAX_FEATURES = 10
KIND_WEIGHTS = {"s": 4.0, "a": 3.0, "t": 2.0, "o": 1.0, "g": 1.5}
CREATIVE_ROLES = {"", "auteur", "illustrator", "componist", "regisseur", "kunstenaar"}
OTHER_LANGUAGE = 0.5
AVAILABLE_HERE = 1.5
HELD_HERE = 1.2
CHUNK = 500_000


@dataclass
class BatchReport:
    records: int = 0
    works: int = 0
    candidates: int = 0
    stored: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    # CPU time of this process (numpy and Python; PostgreSQL's own work not included): on a
    # shared, loaded machine a steadier figure than the elapsed time.
    cpu_seconds: float = 0.0

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def _series_name(value: str) -> str:
    return value.split(";")[0].strip().rstrip(".").strip().lower()


def record_features(
    *, authors: list, series: list, theme_words: list, subjects: list, genres: list
) -> set[str]:
    """The features of one record, prefixed with their kind (see KIND_WEIGHTS)."""
    found: set[str] = set()
    for author in authors or ():
        name = (author or {}).get("name", "") if isinstance(author, dict) else str(author)
        role = (author or {}).get("role", "") if isinstance(author, dict) else ""
        if name and role in CREATIVE_ROLES:
            found.add("a:" + name.lower())
    found.update("s:" + name for name in map(_series_name, series or ()) if name)
    found.update("t:" + str(word).lower() for word in theme_words or () if word)
    themes = {str(word).lower() for word in theme_words or ()}
    found.update(
        "o:" + str(word).lower() for word in subjects or () if word and word.lower() not in themes
    )
    found.update("g:" + str(word).lower() for word in genres or () if word)
    return found


@dataclass
class _Works:
    # One entry per work *and audience* ("<work_key>:<audience>"): the rare work whose
    # editions are catalogued for different audiences gets one list per audience, so a
    # record page never shows a book for another audience.
    keys: list[str]
    work: np.ndarray
    representative: list[str]
    audience: np.ndarray
    language: np.ndarray
    title: np.ndarray
    copies: np.ndarray
    member_work: np.ndarray
    member_feature: np.ndarray
    feature_names: list[str]


def _load() -> tuple[_Works, int]:
    copies_by_record = dict(
        Holding.objects.values("record_id").annotate(n=Count("id")).values_list("record_id", "n")
    )
    index: dict[str, int] = {}
    keys: list[str] = []
    work_keys: list[str] = []
    best: list[tuple[int, int, str]] = []
    audience: list[str] = []
    language: list[str] = []
    title: list[str] = []
    features: list[set[str]] = []
    rows = Record.objects.values_list(
        "record_id",
        "work_key",
        "audience",
        "language",
        "title_norm",
        "year",
        "authors",
        "series",
        "theme_words",
        "subjects",
        "genres",
    ).order_by()
    records = 0
    for rid, wk, aud, lang, tnorm, year, authors, series, themes, subjects, genres in rows.iterator(
        chunk_size=10_000
    ):
        records += 1
        own = record_features(
            authors=authors, series=series, theme_words=themes, subjects=subjects, genres=genres
        )
        rank = (copies_by_record.get(rid, 0), year or 0, rid)
        key = f"{wk}:{aud}"
        w = index.get(key)
        if w is None:
            w = index[key] = len(keys)
            keys.append(key)
            work_keys.append(wk)
            best.append(rank)
            audience.append(aud)
            language.append(lang)
            title.append(tnorm)
            features.append(own)
            continue
        features[w] |= own
        if rank > best[w]:
            best[w] = rank
            language[w] = lang or language[w]
    feature_ids: dict[str, int] = {}
    member_work: list[int] = []
    member_feature: list[int] = []
    for w, own in enumerate(features):
        for name in own:
            member_work.append(w)
            member_feature.append(feature_ids.setdefault(name, len(feature_ids)))
    works = _Works(
        keys=keys,
        work=_codes(work_keys),
        representative=[rank[2] for rank in best],
        audience=_codes(audience),
        language=_codes(language),
        title=_codes(title),
        copies=np.fromiter((rank[0] for rank in best), dtype=np.float32, count=len(best)),
        member_work=np.asarray(member_work, dtype=np.int32),
        member_feature=np.asarray(member_feature, dtype=np.int32),
        feature_names=list(feature_ids),
    )
    return works, records


def _codes(values: list[str]) -> np.ndarray:
    codes: dict[str, int] = {}
    return np.fromiter(
        (codes.setdefault(v or "", len(codes)) for v in values), dtype=np.int32, count=len(values)
    )


def _weights(works: _Works) -> np.ndarray:
    n = max(len(works.keys), 1)
    df = np.bincount(works.member_feature, minlength=len(works.feature_names)).astype(np.float64)
    kind = np.array([KIND_WEIGHTS[name[0]] for name in works.feature_names], dtype=np.float64)
    return (kind * np.log1p(n / np.maximum(df, 1))).astype(np.float32)


def _orders(works: _Works, weights: np.ndarray) -> list[np.ndarray]:
    """Two sort keys per work that put similar works next to each other: audience, language,
    then the strongest author/series features, or then the theme words and genres."""
    n = len(works.keys)
    kinds = np.array([name[0] for name in works.feature_names])
    strongest = {}
    for group in (("a", "s"), ("t", "o", "g")):
        selected = np.isin(kinds[works.member_feature], group)
        mw, mf = works.member_work[selected], works.member_feature[selected]
        # The work's two heaviest features of the group, as feature ids (ties by id).
        order = np.lexsort((mf, -weights[mf], mw))
        mw, mf = mw[order], mf[order]
        first = np.full(n, -1, dtype=np.int64)
        second = np.full(n, -1, dtype=np.int64)
        starts = np.flatnonzero(np.r_[True, mw[1:] != mw[:-1]]) if len(mw) else np.array([], int)
        first[mw[starts]] = mf[starts]
        nexts = starts + 1
        ok = nexts < len(mw)
        ok[ok] &= mw[nexts[ok]] == mw[starts[ok]]
        second[mw[starts[ok]]] = mf[nexts[ok]]
        strongest[group] = (first, second)
    (a1, a2), (t1, t2) = strongest[("a", "s")], strongest[("t", "o", "g")]
    base = (works.audience, works.language)
    return [
        np.lexsort((t2, t1, a2, a1, *reversed(base))),
        np.lexsort((a1, t2, t1, *reversed(base))),
    ]


def _candidates(works: _Works, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(works.keys)
    df = np.bincount(works.member_feature, minlength=len(works.feature_names))
    shared = df[works.member_feature] > 1
    mw, mf = works.member_work[shared], works.member_feature[shared]
    keys: list[np.ndarray] = []
    for order in _orders(works, weights):
        position = np.empty(n, dtype=np.int64)
        position[order] = np.arange(n)
        sort = np.lexsort((position[mw], works.audience[mw], mf))
        w, f = mw[sort], mf[sort]
        aud = works.audience[w]
        for d in range(1, WINDOW + 1):
            same = (f[:-d] == f[d:]) & (aud[:-d] == aud[d:])
            i, j = w[:-d][same].astype(np.int64), w[d:][same].astype(np.int64)
            keys.append(i * n + j)
            keys.append(j * n + i)
    if not keys:
        empty = np.array([], dtype=np.int64)
        return empty, empty
    pairs = np.concatenate(keys)
    pairs.sort()
    # np.unique's hash table took 6 times as long as this sort.
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]
    return pairs // n, pairs % n


def _padded_features(works: _Works, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each work's heaviest MAX_FEATURES feature ids (-1 padding) and their weights."""
    n = len(works.keys)
    order = np.lexsort((-weights[works.member_feature], works.member_work))
    mw, mf = works.member_work[order], works.member_feature[order]
    starts = np.searchsorted(mw, np.arange(n))
    slot = np.arange(len(mw)) - starts[mw]
    keep = slot < MAX_FEATURES
    ids = np.full((n, MAX_FEATURES), -1, dtype=np.int32)
    ids[mw[keep], slot[keep]] = mf[keep]
    w = np.where(ids >= 0, weights[np.maximum(ids, 0)], 0).astype(np.float32)
    return ids, w


def _scores(works: _Works, weights: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    ids, w = _padded_features(works, weights)
    padded_right = np.where(ids >= 0, ids, -2)
    popularity = (0.05 * np.log1p(works.copies)).astype(np.float32)
    scores = np.empty(len(i), dtype=np.float32)
    for start in range(0, len(i), CHUNK):
        a, b = i[start : start + CHUNK], j[start : start + CHUNK]
        left, right = ids[a], padded_right[b]
        shared = (left[:, :, None] == right[:, None, :]).any(axis=2)
        score = (shared * w[a]).sum(axis=1)
        score = np.where(works.language[a] != works.language[b], score * OTHER_LANGUAGE, score)
        same = (works.title[a] == works.title[b]) | (works.work[a] == works.work[b])
        score = np.where(same, 0, score + popularity[b])
        scores[start : start + CHUNK] = score
    return scores


def recommendations_compute() -> tuple[_Works, np.ndarray, np.ndarray, np.ndarray, BatchReport]:
    """The top STORED recommended works per work: (works, work, recommended work, score)."""
    report = BatchReport()
    clock = time.perf_counter()
    works, report.records = _load()
    report.works = len(works.keys)
    report.seconds["lezen"] = time.perf_counter() - clock
    clock = time.perf_counter()
    weights = _weights(works)
    i, j = _candidates(works, weights)
    report.candidates = len(i)
    report.seconds["kandidaten"] = time.perf_counter() - clock
    clock = time.perf_counter()
    scores = _scores(works, weights, i, j)
    keep = scores > 0
    i, j, scores = i[keep], j[keep], scores[keep]
    order = np.lexsort((j, -scores, i))
    i, j, scores = i[order], j[order], scores[order]
    starts = np.searchsorted(i, i)
    rank = np.arange(len(i)) - starts
    top = rank < STORED
    report.seconds["scoren"] = time.perf_counter() - clock
    return works, i[top], j[top], scores[top], report


def recommendations_refresh() -> BatchReport:
    """Recompute and replace every stored recommendation."""
    cpu = time.process_time()
    works, i, j, scores, report = recommendations_compute()
    clock = time.perf_counter()
    starts = np.searchsorted(i, i)
    ranks = np.arange(len(i)) - starts
    rows = zip(i.tolist(), ranks.tolist(), j.tolist(), scores.tolist(), strict=True)
    if connection.vendor == "postgresql":
        _store_postgresql(works, rows)
    else:
        with transaction.atomic():
            Recommendation.objects.all().delete()
            Recommendation.objects.bulk_create(
                (
                    Recommendation(
                        work_key=works.keys[a],
                        rank=r,
                        record_id=works.representative[b],
                        recommended_work_key=works.keys[b],
                        score=round(s, 4),
                    )
                    for a, r, b, s in rows
                ),
                batch_size=2000,
            )
    report.stored = len(i)
    report.seconds["opslaan"] = time.perf_counter() - clock
    report.cpu_seconds = time.process_time() - cpu
    logger.info(
        "Aanbevelingen: %s records, %s werken, %s kandidaten, %s bewaard in %.1f s",
        report.records,
        report.works,
        report.candidates,
        report.stored,
        report.total_seconds,
    )
    return report


def _store_postgresql(works: _Works, rows) -> None:
    """COPY into a new table with the same shape and swap it in: readers keep the old rows
    until the swap (a few milliseconds under an exclusive lock). The table is created in the
    transaction of the COPY, so the rows are written frozen (`FREEZE`): the first readers after
    a batch do not have to look up and set the commit status of every row they read."""
    table = Recommendation._meta.db_table
    pk_name = f"{table}_pkey"
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute(f"DROP TABLE IF EXISTS {table}_new")
        cursor.execute(
            f"CREATE TABLE {table}_new (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        )
        buffer = io.StringIO()
        with cursor.copy(
            f"COPY {table}_new (work_key, rank, record_id, recommended_work_key, score) "
            "FROM STDIN WITH (FREEZE)"
        ) as copy:
            for count, (a, r, b, s) in enumerate(rows, 1):
                buffer.write(
                    f"{works.keys[a]}\t{r}\t{_copy_text(works.representative[b])}\t"
                    f"{works.keys[b]}\t{s:.4f}\n"
                )
                if count % 100_000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE {table}_new ADD CONSTRAINT {pk_name}_new PRIMARY KEY (work_key, rank)"
        )
        cursor.execute(f"ANALYZE {table}_new")
        with transaction.atomic():
            cursor.execute(f"DROP TABLE {table}")
            cursor.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
            cursor.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {pk_name}_new TO {pk_name}")


def _copy_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


@dataclass
class Recommended:
    record_id: str
    title: str
    author: str
    year: int | None
    material: str
    isbn: str
    cover_url: str
    available_here: bool
    held_here: bool
    score: float
    url: str = ""
    cover: object = None


SERVE_SQL = """
SELECT * FROM (
    SELECT c.record_id, c.title, c.authors, c.year, c.material, c.isbns, c.cover_url, r.score,
        r.rank,
        EXISTS (SELECT 1 FROM catalogue_holding h WHERE h.record_id = r.record_id
                AND h.profile = %(profile)s AND h.available) AS available_here,
        EXISTS (SELECT 1 FROM catalogue_holding h WHERE h.record_id = r.record_id
                AND h.profile = %(profile)s) AS held_here
    FROM catalogue_recommendation r
    JOIN catalogue_record c ON c.record_id = r.record_id
    WHERE r.work_key = (SELECT work_key || ':' || audience FROM catalogue_record
                        WHERE record_id = %(record_id)s)
) recommended
ORDER BY score * CASE WHEN available_here THEN %(available)s WHEN held_here THEN %(held)s
    ELSE 1.0 END DESC, rank
LIMIT %(limit)s
"""


def _json(value):
    return json.loads(value) if isinstance(value, str) else value or []


def recommendations_for(*, record_id: str, profile: str, limit: int = 6) -> list[Recommended]:
    """The best recommendations for the work of `record_id`, what the profile's library has
    available (then: has at all) first among near equals: one statement on the recommendation
    table's primary key (the record's work key is a subquery) with two EXISTS on the holdings
    index. Plain SQL: the ORM spent ten times as long building the query as PostgreSQL took to
    run it."""
    params = {
        "record_id": record_id,
        "profile": profile,
        "available": AVAILABLE_HERE,
        "held": HELD_HERE,
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(SERVE_SQL, params)
        rows = cursor.fetchall()
    result = []
    for (
        rid,
        title,
        authors,
        year,
        material,
        isbns,
        cover_url,
        score,
        _rank,
        available,
        held,
    ) in rows:
        authors, isbns = _json(authors), _json(isbns)
        result.append(
            Recommended(
                record_id=rid,
                title=title,
                author=authors[0]["name"] if authors else "",
                year=year,
                material=material,
                isbn=isbns[0] if isbns else "",
                cover_url=cover_url,
                available_here=bool(available),
                held_here=bool(held),
                score=score,
            )
        )
    return result


def describe(report: BatchReport) -> str:
    parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.seconds.items())
    rate = report.records / report.total_seconds if report.total_seconds else math.inf
    return (
        f"{report.records} records, {report.works} werken, {report.candidates} kandidaten, "
        f"{report.stored} aanbevelingen in {report.total_seconds:.1f} s ({parts}; "
        f"{rate:,.0f} records/s; {report.cpu_seconds:.1f} s CPU in dit proces)"
    )
