"""Creating many published pages in a few queries.

`Page.add_child()` followed by `save_revision().publish()` costs about 90 queries per page: each
save runs validation queries, sends `post_save` (search index and reference index updates, each
a task), and treebeard looks up the last child for every insert. Provisioning 471 sites of ten
pages each, or a first UiTdatabank import of thousands of events, cannot afford that.

`page_tree_bulk_create` computes the materialised paths once, inserts every concrete model
level of the multi-table inheritance with one INSERT per batch, creates one published
`Revision` per page in one INSERT, points the pages at them in one UPDATE, writes the "created"
and "published" log entries, fills the reference index in one INSERT and the search index in one
INSERT per page model. The number of queries does not grow with the number of pages (until a
batch of `BATCH_SIZE` is full).

On PostgreSQL the page ids are reserved from the page table's sequence first, so that every
level of the pages and their log entries go in with COPY instead of a compiled INSERT; the
search index entries of Wagtail's PostgreSQL database backend are written here in one INSERT
per batch that reads each search field once (`_postgres_entries_add`: the same rows as the
backend's `add_items`, which reads every field five times and compiles a Django expression per
text). Other databases and search backends keep the plain INSERTs and the backend's own
`add_bulk`.

What is the same as the normal way: `path`, `depth`, `numchild`, `url_path`, `draft_title`,
`locale` (the parent's), `translation_key`, `content_type`, `owner`, `live`,
`first_published_at`, `last_published_at`, `latest_revision_created_at`, `latest_revision`,
`live_revision`, the revision content (`serializable_data()`), child relations given in memory
(modelcluster `ParentalKey` inlines, e.g. an event's dates), the page log entries
`wagtail.create` and `wagtail.publish`, and `page_published`, which is sent for every page
inside the transaction exactly as `Revision.publish()` sends it (with the page marked
`CREATED_IN_BULK` meanwhile, so that receivers can skip queries a brand-new page does not need).

What differs, on purpose:
- `pre_save`/`post_save` are not sent for the pages and revisions (`bulk` inserts never send
  them). Their receivers in this project and in Wagtail are the search index and the reference
  index, which this module updates itself in batches, and `home.signals`/`sitegen` receivers
  for other models. A receiver added later for page saves must also be taught about this module.
- Validation runs `clean_fields()` (lengths, choices, StreamField blocks) and checks slugs
  against the siblings in one query; model `clean()` methods are not called, because they run
  queries per page (Wagtail's slug check, `BasePage.clean`'s site-reference check). Callers pass
  content from code (blueprints) or an import that validates its own input.
- Scheduled publishing (`go_live_at` in the future) is refused: every page is published now.
- Index updates: the reference index and a search index kept in the database (Wagtail's
  database backends) are written inside the caller's transaction, so a rollback removes them
  with the pages; an external search engine (Elasticsearch/OpenSearch) is updated after the
  transaction commits (`transaction.on_commit`), so it never receives pages that were rolled
  back. Commands that create pages for many sites, one transaction each, wrap the run in
  `search_indexing_deferred()`: the search index then gets all committed pages in one batch.
"""

import datetime as dt
import functools
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F
from django.db.models.functions import Left, Length
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLInsertCompiler
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from modelcluster.models import get_all_child_m2m_relations, get_all_child_relations
from modelsearch import index as search_index
from modelsearch.backends import get_search_backends_with_name
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision, Site
from wagtail.signals import page_published

logger = logging.getLogger(__name__)

# Rows per INSERT/UPDATE; Django lowers it further where the database limits parameters.
BATCH_SIZE = 500
# Validating these runs a query each (foreign keys) or they are computed here (tree fields).
_UNCHECKED_FIELDS = ("path", "depth", "numchild", "url_path", "draft_title", "translation_key")
# Set (True) on a page while `page_published` is sent for it here: the page did not exist
# before this call, so nothing refers to it yet (no registrations, no former revisions). A
# receiver reads it with `getattr(instance, CREATED_IN_BULK, False)` to skip per-page queries.
CREATED_IN_BULK = "_created_in_bulk"


def pages_bulk_create(
    *, parent: Page, pages: Sequence[Page], user: Any = None, announced_by_caller: bool = False
) -> list[Page]:
    """Create `pages` (unsaved instances of specific page models) as published children of
    `parent`, in the given order, after its existing children. Returns them, saved."""
    return page_tree_bulk_create(
        placements=[(parent, page) for page in pages],
        user=user,
        announced_by_caller=announced_by_caller,
    )


def page_tree_bulk_create(
    *,
    placements: Sequence[tuple[Page, Page]],
    user: Any = None,
    announced_by_caller: bool = False,
) -> list[Page]:
    """Create pages as published pages, each under its parent: `placements` is a list of
    (parent, page) pairs where the parent is an existing page or a page placed earlier in the
    same list (so a whole subtree goes in one call). Must run inside a transaction.

    `page_published` is sent for every page, unless `announced_by_caller`: the caller then
    names the pages in one `home.signals.pages_changed` once its transaction commits (the
    UiTdatabank import does, for every page of its run), whose receivers do in one go what
    the per-page receivers would do for a new page (see the module docstring).

    Raises ValidationError (the message names the page) when a page is invalid or its slug is
    taken under its parent; nothing is written then.
    """
    if not placements:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("page_tree_bulk_create must run inside transaction.atomic()")
    now = timezone.now()
    pages = [page for _parent, page in placements]
    _placements_check(placements)

    tree = _TreeState.load(placements=placements)
    for parent, page in placements:
        _page_prepare(page=page, parent=parent, tree=tree, now=now, user=user)
    tree.numchild_save()

    child_items = _child_relations_detach(pages)
    _pages_insert(pages)
    _child_relations_insert(pages, child_items)
    revisions = _revisions_create(pages=pages, user=user, now=now)
    _revisions_point(pages, revisions)
    _log_entries_create(pages=pages, revisions=revisions, user=user, now=now)
    _references_index(pages)
    _child_relations_release(pages)
    if not announced_by_caller:
        _published_send(pages, revisions)
    _search_index(pages)
    logger.info("Created %d pages in bulk", len(pages))
    return pages


def _published_send(pages: list[Page], revisions: list[Revision]) -> None:
    """`page_published` for each page, as `Revision.publish()` sends it."""
    # Receivers ask for the pages' URLs (purges, menus): the sites' root paths, which Wagtail
    # reads from the cache for every page that has no copy of its own, are read once here.
    root_paths = Site.get_site_root_paths()
    for page, revision in zip(pages, revisions, strict=True):
        page._wagtail_cached_site_root_paths = root_paths
        # Receivers may skip work that only existing pages need (see CREATED_IN_BULK).
        setattr(page, CREATED_IN_BULK, True)
        try:
            page_published.send(sender=type(page), instance=page, revision=revision)
        finally:
            delattr(page, CREATED_IN_BULK)


def _placements_check(placements: Sequence[tuple[Page, Page]]) -> None:
    placed: set[int] = set()
    for parent, page in placements:
        if page.pk is not None or id(page) in placed:
            raise ValueError(f"{page!r} is already saved or placed twice")
        if not isinstance(page, Page) or type(page) is Page:
            raise ValueError(f"{page!r} is not an instance of a specific page model")
        if parent.pk is None and id(parent) not in placed:
            raise ValueError(f"The parent of {page!r} is neither saved nor placed before it")
        if page.go_live_at and page.go_live_at > timezone.now():
            raise ValueError(f"{page!r} has a go_live_at in the future")
        placed.add(id(page))


class _TreeState:
    """Paths, child counts and sibling slugs of the parents, read once and kept in memory."""

    def __init__(self) -> None:
        self.last_step: dict[str, int] = {}  # parent path -> step of its last child
        self.slugs: dict[str, set[str]] = defaultdict(set)  # parent path -> child slugs
        self.added: dict[int, int] = defaultdict(int)  # existing parent pk -> children added
        self.fresh: dict[int, tuple[str, int, str, int]] = {}  # pk -> path, depth, url, locale

    @classmethod
    def load(cls, *, placements: Sequence[tuple[Page, Page]]) -> "_TreeState":
        """Read the existing parents: their last child's step (one grouped query) and the
        sibling slugs that can collide. A page with a slug of its own collides only with a
        sibling of that very slug, so only those are read: a parent with thousands of children
        (an agenda) is not read whole for every batch. A page without a slug gets one derived
        from its title, which needs every sibling slug of its parent."""
        state = cls()
        pks = {parent.pk for parent, _page in placements if parent.pk is not None}
        if not pks:
            return state
        # Lock the parents: a concurrent insert under the same parent would pick the same path.
        rows = (
            Page.objects.select_for_update()
            .filter(pk__in=pks)
            .values_list("pk", "path", "depth", "url_path", "locale_id")
        )
        children = models.Q()
        for pk, path, depth, url_path, locale_id in rows:
            state.fresh[pk] = (path, depth, url_path, locale_id)
            children |= models.Q(path__startswith=path, depth=depth + 1)
        if set(state.fresh) != pks:
            raise ValueError("A parent page does not exist (any more)")
        steplen = Page.steplen
        parent_path = Left("path", Length("path") - steplen)
        last_children = (
            Page.objects.filter(children)
            .annotate(parent_path=parent_path)
            .values("parent_path")
            .annotate(last=models.Max("path"))
            .values_list("parent_path", "last")
        )
        for path, last in last_children:
            state.last_step[path] = Page._str2int(last[-steplen:])
        given_slugs = {page.slug for parent, page in placements if parent.pk is not None}
        whole = models.Q()
        for parent, page in placements:
            if parent.pk is not None and not page.slug:
                path, depth = state.fresh[parent.pk][:2]
                whole |= models.Q(path__startswith=path, depth=depth + 1)
        given_slugs.discard("")
        colliding = models.Q(slug__in=given_slugs) if given_slugs else models.Q(pk__in=[])
        siblings = Page.objects.filter(children).filter(colliding | whole)
        for path, slug in siblings.values_list("path", "slug"):
            state.slugs[path[:-steplen]].add(slug)
        return state

    def place(self, parent: Page) -> tuple[str, int, str, int | None]:
        """The next child's path and depth, and the parent's url_path and locale."""
        if parent.pk is not None:
            path, depth, url_path, locale_id = self.fresh[parent.pk]
            self.added[parent.pk] += 1
        else:
            path, depth, url_path, locale_id = (
                parent.path,
                parent.depth,
                parent.url_path,
                parent.locale_id,
            )
            parent.numchild += 1
        step = self.last_step.get(path, 0) + 1
        self.last_step[path] = step
        return Page._get_path(path, depth + 1, step), depth + 1, url_path, locale_id

    def numchild_save(self) -> None:
        for pk, added in self.added.items():
            Page.objects.filter(pk=pk).update(numchild=F("numchild") + added)


def _page_prepare(*, page: Page, parent: Page, tree: _TreeState, now, user: Any) -> None:
    path, depth, parent_url_path, locale_id = tree.place(parent)
    parent_path = path[: -Page.steplen]
    siblings = tree.slugs[parent_path]
    if not page.slug:
        unicode = getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True)
        base = slugify(page.title, allow_unicode=unicode)
        page.slug, suffix = base, 1
        while page.slug in siblings:
            suffix += 1
            page.slug = f"{base}-{suffix}"
    elif page.slug in siblings:
        raise ValidationError(
            {
                "slug": _("De slug \u201c%(slug)s\u201d is al in gebruik onder %(parent)s.")
                % {"slug": page.slug, "parent": parent_url_path}
            }
        )
    siblings.add(page.slug)
    page.path, page.depth, page.numchild = path, depth, 0
    page.url_path = f"{parent_url_path}{page.slug}/"
    page.draft_title = page.title
    if page.locale_id is None:
        page.locale_id = locale_id
    if page.owner_id is None and user is not None:
        page.owner = user
    page.live = True
    page.expired = False
    page.has_unpublished_changes = False
    page.first_published_at = page.first_published_at or now
    page.last_published_at = now
    page.latest_revision_created_at = now
    foreign_keys = [
        field.name for field in page._meta.concrete_fields if isinstance(field, models.ForeignKey)
    ]
    try:
        page.clean_fields(exclude=[*foreign_keys, *_UNCHECKED_FIELDS])
    except ValidationError as error:
        raise ValidationError(
            _("Pagina \u201c%(title)s\u201d: %(errors)s")
            % {"title": page.title, "errors": "; ".join(error.messages)}
        ) from error


def _concrete_levels(model: type[Page]) -> list[type[models.Model]]:
    """The concrete models of a page's inheritance chain, Page first."""
    parents = [m for m in reversed(model._meta.get_parent_list()) if not m._meta.proxy]
    return [*parents, model]


def _insert(
    model: type[models.Model], objs: list, fields: list, returning: bool, values: bool = False
) -> list:
    """One INSERT per batch through the manager's `_insert`, the call Model.save() makes:
    `bulk_create` refuses models with multi-table inheritance, so each level is written here."""
    batch = max(1, min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, objs)))
    rows: list = []
    returning_fields = model._meta.db_returning_fields if returning else None
    for start in range(0, len(objs), batch):
        chunk = objs[start : start + batch]
        if returning and not connection.features.can_return_rows_from_bulk_insert:
            for obj in chunk:  # old databases: one row at a time
                rows.extend(_insert_query(model, [obj], fields, returning_fields, values))
            continue
        result = _insert_query(model, chunk, fields, returning_fields, values)
        if returning:
            rows.extend(result)
    return rows


def _insert_query(
    model: type[models.Model], objs: list, fields: list, returning_fields, values: bool
):
    """What `manager._insert` does; with `values`, as INSERT ... VALUES on PostgreSQL too.

    On PostgreSQL Django sends each column as one array (UNNEST), which psycopg's client-side
    binding quotes element by element in Python: for the JSON content of revisions that costs
    three times the CPU of VALUES. For rows of many short columns (pages) UNNEST is cheaper
    (VALUES spends more on one placeholder per value), so only revisions use VALUES."""
    query = InsertQuery(model)
    query.insert_values(fields, objs, raw=False)
    if values and connection.vendor == "postgresql":
        compiler = SQLInsertCompiler(query, connection, connection.alias)
    else:
        compiler = query.get_compiler(connection=connection)
    return compiler.execute_sql(returning_fields)


def _pages_insert(pages: list[Page]) -> None:
    if connection.vendor == "postgresql":
        # The revisions' ids too, in the same query: the page rows are written pointing at
        # their revision (the foreign keys are checked at the commit), which _revisions_create
        # writes with that id, so no UPDATE of the pages follows.
        pks, revision_pks = _ids_reserve_many([Page, Revision], len(pages))
        for page, revision_pk in zip(pages, revision_pks, strict=True):
            page._bulk_revision_pk = revision_pk
            page.latest_revision_id = page.live_revision_id = revision_pk
    else:
        base_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
        pks = [row[0] for row in _insert(Page, pages, base_fields, returning=True)]
    for page, pk in zip(pages, pks, strict=True):
        for level in _concrete_levels(type(page)):
            setattr(page, level._meta.pk.attname, pk)
    by_level: dict[type[models.Model], list[Page]] = defaultdict(list)
    for page in pages:
        levels = _concrete_levels(type(page))
        for level in levels if connection.vendor == "postgresql" else levels[1:]:
            by_level[level].append(page)
    for level, level_pages in by_level.items():  # Page first: the levels refer to it
        if connection.vendor == "postgresql":
            _rows_copy(level, level_pages, list(level._meta.local_concrete_fields))
        else:
            _insert(level, level_pages, list(level._meta.local_concrete_fields), returning=False)
    for page in pages:
        page._state.adding = False
        page._state.db = connection.alias
        # Until its revision exists (the revision's content has none, as Wagtail's has).
        page.latest_revision_id = page.live_revision_id = None


def _ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """Ids for `count` new rows from the model table's sequence (PostgreSQL), so that the rows
    can be written with COPY, which returns nothing."""
    return _ids_reserve_many([model], count)[0]


def _ids_reserve_many(models_: list[type[models.Model]], count: int) -> list[list[int]]:
    """`count` ids from each model table's sequence, in one query."""
    columns = ", ".join(["nextval(pg_get_serial_sequence(%s, %s))"] * len(models_))
    params = [value for model in models_ for value in (model._meta.db_table, model._meta.pk.column)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM generate_series(1, %s)", [*params, count])
        rows = cursor.fetchall()
    return [[row[index] for row in rows] for index in range(len(models_))]


def _rows_copy(model: type[models.Model], objs: list, fields: list) -> None:
    """Insert the objects' rows with COPY (PostgreSQL), each value prepared as an INSERT
    prepares it (`pre_save`, then `get_db_prep_save`). Django's INSERT of the page rows spent
    more time compiling the statement and quoting its arrays than preparing the values."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    plan = _copy_plan(fields)
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row(_copy_row(obj, plan))


def _copy_plan(fields: list) -> list[tuple]:
    return [(field, field.attname, *_copy_passthrough(field)) for field in fields]


def _copy_row(obj: models.Model, plan: list[tuple]) -> list:
    """The object's values for COPY: the attribute itself where `_copy_passthrough` says
    preparing it gives the same, else prepared."""
    values = obj.__dict__
    row = []
    for field, attname, types, aware in plan:
        value = values.get(attname, _MISSING)
        if type(value) not in types or (aware and value is not None and not value.tzinfo):
            value = field.get_db_prep_save(field.pre_save(obj, True), connection)
        row.append(value)
    return row


_MISSING = object()
_NONE = type(None)
# Fields (exact classes) whose value, when it has one of these exact Python types, is what
# `pre_save` and `get_db_prep_save` give on PostgreSQL (the attribute itself): copied as it
# is, every other value prepared. A subclass may prepare differently, so it is not listed.
_COPY_TYPES: dict[type[models.Field], frozenset[type]] = {
    **dict.fromkeys(
        (models.CharField, models.TextField, models.SlugField, models.URLField, models.EmailField),
        frozenset((str, _NONE)),
    ),
    models.BooleanField: frozenset((bool, _NONE)),
    **dict.fromkeys(
        (
            models.AutoField,
            models.BigAutoField,
            models.IntegerField,
            models.PositiveIntegerField,
            models.PositiveSmallIntegerField,
            models.SmallIntegerField,
            models.BigIntegerField,
        ),
        frozenset((int, _NONE)),
    ),
    models.DateTimeField: frozenset((dt.datetime, _NONE)),  # aware ones only (below)
    models.DateField: frozenset((dt.date, _NONE)),
    models.TimeField: frozenset((dt.time, _NONE)),
    models.UUIDField: frozenset((uuid.UUID, _NONE)),
}


def _copy_passthrough(field: models.Field) -> tuple[frozenset[type], bool]:
    """The value types `_rows_copy` copies as they are for the field, and whether a datetime
    must be aware (a naive one is made aware by the field, with a warning)."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return frozenset(), False  # pre_save sets the value
    if isinstance(field, models.ForeignKey):
        # ForeignKey, OneToOneField, modelcluster's ParentalKey: the id as its target (through
        # parent links: a page's primary key is its page_ptr) prepares it.
        target = field.target_field
        while isinstance(target, models.ForeignKey):
            target = target.target_field
        if type(target) in (models.AutoField, models.BigAutoField):
            return frozenset((int, _NONE)), False
        return frozenset(), False
    types = _COPY_TYPES.get(type(field), frozenset())
    return types, type(field) is models.DateTimeField


# Fields whose value, when it already has this exact Python type, is what modelcluster's
# `get_field_value` (`pre_save`, then `value_to_string`) gives: read directly (revisions).
_PLAIN_FIELD_TYPES: dict[type[models.Field], type] = {
    models.CharField: str,
    models.TextField: str,
    models.SlugField: str,
    models.BooleanField: bool,
    models.IntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
}


def _child_relations_detach(pages: list[Page]) -> dict[int, dict[str, list]]:
    """Take the in-memory child objects (inline panels) of the unsaved pages, and give every
    relation an in-memory list so that serialising the pages runs no queries."""
    items: dict[int, dict[str, list]] = {}
    for page in pages:
        pending = getattr(page, "_cluster_related_objects", {})
        page_items = {}
        for relation in _child_relations(type(page)):
            name = relation.get_accessor_name()
            page_items[name] = list(pending.get(name, []))
        items[id(page)] = page_items
    return items


def _child_relations_insert(pages: list[Page], items: dict[int, dict[str, list]]) -> None:
    by_model: dict[type[models.Model], list] = defaultdict(list)
    for page in pages:
        for relation in _child_relations(type(page)):
            name = relation.get_accessor_name()
            children = items[id(page)][name]
            for child in children:
                setattr(child, relation.field.attname, page.pk)
                by_model[relation.related_model].append(child)
            # In memory until the revisions are serialised and the references extracted.
            page._cluster_related_objects = getattr(page, "_cluster_related_objects", {})
            page._cluster_related_objects[name] = children
    for model, children in by_model.items():
        _children_insert(model, children)
    for page in pages:
        for field in _child_m2m_relations(type(page)):
            if field.name in getattr(page, "_cluster_related_objects", {}):
                getattr(page, field.name).commit()  # rare (e.g. machines of a course)


def _children_insert(model: type[models.Model], children: list) -> None:
    """What `bulk_create` writes for the new child objects (their ids set on them); on
    PostgreSQL with ids from the sequence and COPY, for a plain model with a serial key."""
    pk = model._meta.pk
    if (
        connection.vendor != "postgresql"
        or model._meta.get_parent_list()
        or type(pk) not in (models.AutoField, models.BigAutoField)
        or any(child.pk is not None for child in children)
    ):
        model._base_manager.bulk_create(children, batch_size=BATCH_SIZE)
        return
    for child, child_pk in zip(children, _ids_reserve(model, len(children)), strict=True):
        setattr(child, pk.attname, child_pk)
    _rows_copy(model, children, list(model._meta.local_concrete_fields))
    for child in children:
        child._state.adding = False
        child._state.db = connection.alias


def _child_relations_release(pages: list[Page]) -> None:
    """Back to live SQL for the relations, as after a normal save."""
    for page in pages:
        for relation in _child_relations(type(page)):
            page._cluster_related_objects.pop(relation.get_accessor_name(), None)


def _revisions_create(*, pages: list[Page], user: Any, now) -> list[Revision]:
    base_content_type = ContentType.objects.get_for_model(Page)
    revisions = [
        Revision(
            content_type_id=page.content_type_id,
            base_content_type=base_content_type,
            object_id=str(page.pk),
            created_at=now,
            user=user,
            content=_serializable_data(page),
            object_str=str(page),
        )
        for page in pages
    ]
    if connection.vendor == "postgresql":
        # Ids from the sequence, rows by COPY: an INSERT of a batch's JSON contents cost
        # psycopg more to parse and bind than the database to store.
        for page, revision in zip(pages, revisions, strict=True):
            revision.pk = page.__dict__.pop("_bulk_revision_pk")
        _rows_copy(Revision, revisions, list(Revision._meta.concrete_fields))
    else:
        fields = [field for field in Revision._meta.concrete_fields if not field.primary_key]
        rows = _insert(Revision, revisions, fields, returning=True, values=True)
        for revision, row in zip(revisions, rows, strict=True):
            revision.pk = row[0]
    for revision in revisions:
        revision._state.adding = False
        revision._state.db = connection.alias
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision = revision
        page.live_revision = revision
    return revisions


def _serializable_data(page: Page) -> dict:
    """`page.serializable_data()`, the revision content, with each plain value (text,
    numbers, booleans, dates, UTC datetimes, JSON lists and dicts, foreign key ids) copied as
    it is (`_fields_data`), also for the child rows: modelcluster's `get_field_value`
    (`pre_save`, then `value_to_string`) gives the same value for them, at a cost that was
    most of the revisions' Python time. Every other value goes through modelcluster as
    before; a page model with a `serializable_data` of its own is left to it."""
    from modelcluster.models import ClusterableModel

    if type(page).serializable_data is not Page.serializable_data or not isinstance(
        page, ClusterableModel
    ):
        return page.serializable_data()
    data = _fields_data(page)
    # The rest as ClusterableModel.serializable_data writes it: child and m2m relations.
    for relation in _child_relations(type(page)):
        name = relation.get_accessor_name()
        children = getattr(page, name).all()
        if hasattr(relation.related_model, "serializable_data"):
            data[name] = [child.serializable_data() for child in children]
        else:
            data[name] = [_fields_data(child) for child in children]
    for field in _child_m2m_relations(type(page)):
        if field.serialize:
            data[field.name] = [child.pk for child in getattr(page, field.name).all()]
    return data


def _fields_data(obj: models.Model) -> dict:
    """modelcluster's `get_serializable_data_for_fields(obj)`: the primary key, then every
    serialised field (`_serial_plan`)."""
    from modelcluster.models import get_field_value

    values = obj.__dict__
    data = {}
    for name, attname, field, remote, types in _serial_plan(type(obj)):
        value = values.get(attname, _MISSING)
        if remote:
            if value is _MISSING:
                value = get_field_value(field, obj)
        elif type(value) not in types or (
            type(value) is dt.datetime and value.tzinfo is not dt.UTC
        ):
            value = get_field_value(field, obj)
        data[name] = value
    return data


@functools.cache
def _serial_plan(model: type[models.Model]) -> list[tuple[str, str, models.Field, bool, frozenset]]:
    """Per serialised field of the model (the primary key first, under "pk", as
    modelcluster writes it): its name, attribute, whether it is a relation (modelcluster
    writes the attribute) and the value types `get_field_value` returns unchanged for it:
    `pre_save` returns the attribute (no auto_now), and the value is a "protected type"
    (None, numbers, dates; a datetime only when already in UTC, which it converts to) or is
    what `value_to_string` returns for the field's exact class (text, JSON)."""
    pk_field = model._meta.pk
    while pk_field.remote_field and pk_field.remote_field.parent_link:
        pk_field = pk_field.remote_field.model._meta.pk
    plan = []
    for name, field in [("pk", pk_field)] + [
        (field.name, field) for field in model._meta.fields if field.serialize
    ]:
        if field.remote_field is not None:
            plan.append((name, field.attname, field, True, frozenset()))
            continue
        types = _SERIAL_TYPES.get(type(field), frozenset())
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            types = frozenset()
        plan.append((name, field.attname, field, False, types))
    return plan


_SERIAL_TYPES: dict[type[models.Field], frozenset[type]] = {
    **_COPY_TYPES,
    models.UUIDField: frozenset((_NONE,)),  # value_to_string gives str(uuid)
    models.JSONField: frozenset((list, dict, _NONE)),  # value_to_string gives the value
}


@functools.cache
def _child_relations(model: type[Page]) -> list:
    """modelcluster's `get_all_child_relations`, read once per model (it walks every field
    of the model, and a bulk creation asks several times per page)."""
    return get_all_child_relations(model)


@functools.cache
def _child_m2m_relations(model: type[Page]) -> list:
    return get_all_child_m2m_relations(model)


def _revisions_point(pages: list[Page], revisions: list[Revision]) -> None:
    """Point the pages' rows at their revision where they were not written so: on PostgreSQL
    they were (`_pages_insert`)."""
    if connection.vendor == "postgresql":
        return
    Page.objects.bulk_update(pages, ["latest_revision", "live_revision"], batch_size=BATCH_SIZE)


def _log_entries_create(*, pages: list[Page], revisions: list[Revision], user: Any, now) -> None:
    """The "created" and "published" log entries of each page, sharing one uuid, the second
    naming the revision."""
    actions = (("wagtail.create", False), ("wagtail.publish", True))
    if connection.vendor == "postgresql":
        # Their ids are not needed: COPY of the rows, built here as values (two a page),
        # without a model instance each; the values every row shares are prepared once.
        fields = [field for field in PageLogEntry._meta.concrete_fields if not field.primary_key]
        shared = PageLogEntry(timestamp=now, data={}, content_changed=True)
        base = {
            field.attname: field.get_db_prep_save(field.pre_save(shared, True), connection)
            for field in fields
        }
        rows = []
        for page, revision in zip(pages, revisions, strict=True):
            values = {
                **base,
                "content_type_id": _content_type_id(type(page)),
                "label": page.get_admin_display_title(),
                "page_id": page.pk,
                "user_id": user.pk if user is not None else page.owner_id,
                "uuid": uuid.uuid4(),
            }
            for action, with_revision in actions:
                values["action"] = action
                values["revision_id"] = revision.pk if with_revision else None
                rows.append([values[field.attname] for field in fields])
        _values_copy(PageLogEntry, fields, rows)
        return
    entries = []
    for page, revision in zip(pages, revisions, strict=True):
        content_type = ContentType.objects.get_for_model(page, for_concrete_model=False)
        action_id = uuid.uuid4()
        for action, with_revision in actions:
            entries.append(
                PageLogEntry(
                    content_type=content_type,
                    label=page.get_admin_display_title(),
                    action=action,
                    timestamp=now,
                    data={},
                    page_id=page.pk,
                    user=user if user is not None else page.owner,
                    uuid=action_id,
                    revision=revision if with_revision else None,
                    content_changed=True,
                )
            )
    PageLogEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)


def _content_type_id(model: type[models.Model]) -> int:
    return ContentType.objects.get_for_model(model, for_concrete_model=False).pk


def _values_copy(model: type[models.Model], fields: list, rows: list[list]) -> None:
    """COPY rows of values already prepared for the database, in `fields` order."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _references_index(pages: list[Page]) -> None:
    """What ReferenceIndex.create_or_update_for_object does for each object, for new pages
    (nothing to compare or delete) in one INSERT."""
    rows = []
    for page in pages:
        if not ReferenceIndex.is_indexed(type(page)):
            continue
        content_type = ContentType.objects.get_for_model(page, for_concrete_model=False)
        base_content_type = ContentType.objects.get_for_model(Page)
        for to_ct, to_id, model_path, content_path in set(
            ReferenceIndex._extract_references_from_object(page)
        ):
            rows.append(
                ReferenceIndex(
                    content_type=content_type,
                    base_content_type=base_content_type,
                    object_id=page.pk,
                    to_content_type_id=to_ct,
                    to_object_id=to_id,
                    model_path=model_path,
                    content_path=content_path,
                    content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
                )
            )
    ReferenceIndex.objects.bulk_create(
        rows,
        batch_size=BATCH_SIZE,
        ignore_conflicts=connection.features.supports_ignore_conflicts,
    )


def _search_index(pages: list[Page]) -> None:
    batched = _batched_search.get()
    if batched is not None:
        batched.extend(pages)  # search_indexing_batched(): indexed when its block ends
        return
    deferred = _deferred_search.get()
    if deferred is not None:
        # Inside search_indexing_deferred(): only pages whose transaction commits are kept.
        transaction.on_commit(lambda: deferred.extend(pages))
        return
    _search_index_now(pages, committed=False)


def _search_index_now(pages: list[Page], *, committed: bool) -> None:
    by_model: dict[type[Page], list[Page]] = defaultdict(list)
    for page in pages:
        model = type(page)
        if search_index.class_is_indexed(model) and getattr(model, "search_auto_update", True):
            by_model[model].append(page)
    for name, backend in get_search_backends_with_name(with_auto_update=True):
        in_database = type(backend).__module__.startswith("modelsearch.backends.database")
        # Entries written here (PostgreSQL database backend) get their title statistics once,
        # after the last chunk: the backend's own add recomputes the average title length over
        # the whole index after every chunk, a scan of the index each time.
        norms_due = None
        for model, model_pages in by_model.items():
            for start in range(0, len(model_pages), BATCH_SIZE):
                chunk = model_pages[start : start + BATCH_SIZE]
                if in_database or committed:
                    due = _search_add(backend, name, model, chunk)
                    if due is not None:
                        norms_due = due
                else:
                    transaction.on_commit(
                        lambda b=backend, m=model, p=chunk, n=name: _search_add(
                            b, n, m, p, refresh=True
                        )
                    )
        if norms_due is not None:
            norms_due._refresh_title_norms()


def _search_add(
    backend, name: str, model: type[Page], pages: list[Page], *, refresh: bool = False
) -> Any:
    """Add the pages to the backend; returns the index whose title statistics are still to
    be refreshed (entries written by `_postgres_entries_add` without `refresh`), else None."""
    try:
        index = _postgres_entries_add(backend, model, pages, refresh=refresh)
        if index is False:
            backend.add_bulk(model, pages)
            return None
        return None if refresh or index is True else index
    except Exception:
        if type(backend).__module__.startswith("modelsearch.backends.database"):
            raise  # in the database: the transaction must fail with it
        # An external engine: the pages are committed; `update_index` repairs the index.
        logger.exception("Adding %d %s pages to search backend %s failed", len(pages), model, name)
        return None


_deferred_search: ContextVar[list[Page] | None] = ContextVar("page_bulk_deferred", default=None)


@contextmanager
def search_indexing_deferred() -> Iterator[None]:
    """Index the pages of every bulk creation inside the block together, when the block ends.

    For commands that create pages for many sites, each site in its own transaction
    (`sitegen bulk`, `sitegen sync`): the search backends refresh their statistics once per
    batch instead of once per page model and site. Pages of a transaction that was rolled back
    are not indexed. Between a site's commit and the end of the block its pages are not yet
    searchable; if the process dies there, `manage.py update_index` repairs the index.
    """
    if _deferred_search.get() is not None:
        yield  # nested: the outer block indexes
        return
    collected: list[Page] = []
    token = _deferred_search.set(collected)
    try:
        yield
    finally:
        _deferred_search.reset(token)
        if collected:
            with transaction.atomic():
                _search_index_now(collected, committed=True)


_batched_search: ContextVar[list[Page] | None] = ContextVar("page_bulk_batched", default=None)


@contextmanager
def search_indexing_batched() -> Iterator[None]:
    """Index the pages of every bulk creation inside the block together when the block ends,
    in the caller's transaction (a search index in the database is written there, an external
    engine after the commit), in batches of `BATCH_SIZE`.

    For a run of many small bulk creations in one process, each in a savepoint or short
    transaction (an import's batches of a hundred): Wagtail's database search backend
    recomputes its title statistics over the whole index after every batch it adds, which
    cost an import of 10,000 events more than the search entries themselves. Unlike
    `search_indexing_deferred()` this does not wait for a commit, so it also works inside an
    outer transaction; pages whose creation was rolled back meanwhile are left out.
    """
    if _batched_search.get() is not None or _deferred_search.get() is not None:
        yield  # nested: the outer block indexes
        return
    collected: list[Page] = []
    token = _batched_search.set(collected)
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        _batched_search.reset(token)
        if collected:
            try:
                _search_index_kept(collected)
            except Exception:
                if not failed:
                    raise
                # Already failing (the database may be gone): `update_index` repairs it.
                logger.exception("Indexing %d pages created in bulk failed", len(collected))


def _search_index_kept(pages: list[Page]) -> None:
    existing: set[int] = set()
    ids = [page.pk for page in pages]
    for start in range(0, len(ids), 10_000):
        chunk = ids[start : start + 10_000]
        existing.update(Page.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    kept = [page for page in pages if page.pk in existing]
    if kept:
        with transaction.atomic():
            _search_index_now(kept, committed=False)


# Stands for a page's text while the SQL of a search vector is compiled (never sent).
_TEXT_MARKER = "\ufffftext\uffff"


def _postgres_entries_add(
    backend, model: type[Page], pages: list[Page], *, refresh: bool = True
) -> Any:
    """The index entries of new pages for the PostgreSQL database search backend, as its
    `add_items` writes them (same INSERT, same vectors, same title statistics refresh unless
    not `refresh`: the index is then returned, to be refreshed by the caller; True when there
    was nothing to write); False for any other backend, which then indexes the pages itself.

    `add_items` reads every search field of a page five times (once for each of the title,
    body and autocomplete vectors and the two plain texts) and builds and compiles a Django
    expression per text of every page: for an import of thousands of events that was about
    a quarter of its Python time. Here each field is read once and the SQL of a vector part
    is compiled once per weight and configuration, then reused with the page's text.
    """
    try:
        from modelsearch.backends.database.postgres.postgres import (
            EMPTY_VECTOR,
            IndexEntry,
            ObjectIndexer,
            PostgresIndex,
        )
    except ImportError:  # pragma: no cover - another version of modelsearch
        return False
    index = backend.get_index_for_model(model)
    if type(index) is not PostgresIndex or not pages:
        return False
    if not model.get_search_fields():
        return True
    from django.contrib.postgres.search import SearchVector
    from django.db.models import TextField, Value
    from modelsearch.index import AutocompleteField, SearchField
    from modelsearch.utils import get_content_type_pk

    write_connection = index.write_connection
    compiler = InsertQuery(IndexEntry).get_compiler(connection=write_connection)
    vector_field = IndexEntry._meta.get_field("title")
    parts: dict[tuple[str, Any], tuple[str, list, int]] = {}

    def part(weight: str, config: Any) -> tuple[str, list, int]:
        """The SQL of one weighted text of a vector, compiled by Django once, and where the
        text goes among its parameters."""
        key = (weight, config)
        if key not in parts:
            expression = SearchVector(
                Value(_TEXT_MARKER, output_field=TextField()), weight=weight, config=config
            )
            sql, params = compiler.prepare_value(vector_field, expression).as_sql(
                compiler, write_connection
            )
            params = list(params)
            parts[key] = (sql, params, params.index(_TEXT_MARKER))
        return parts[key]

    empty_sql, empty_params = compiler.prepare_value(vector_field, EMPTY_VECTOR).as_sql(
        compiler, write_connection
    )

    def vector(texts: list[tuple[str, str]], config: Any, params: list) -> str:
        texts = [(text.strip(), weight) for text, weight in texts]
        texts = [(text, weight) for text, weight in texts if text]
        if not texts:
            params.extend(empty_params)
            return empty_sql
        pieces = []
        for text, weight in texts:
            sql, part_params, at = part(weight, config)
            values = list(part_params)
            values[at] = text
            params.extend(values)
            pieces.append(sql)
        return pieces[0] if len(pieces) == 1 else "(" + " || ".join(pieces) + ")"

    content_type_pk = get_content_type_pk(model)
    rows: list[tuple[str, list]] = []
    for page in pages:
        indexer = ObjectIndexer(page, index.backend)
        title, body, autocomplete = [], [], []
        for search_field in indexer.search_fields:
            for field, weight, value in indexer.prepare_field(page, search_field):
                if isinstance(field, SearchField):
                    (title if field.field_name == "title" else body).append((value, weight))
                elif isinstance(field, AutocompleteField):
                    autocomplete.append((value, weight))
        params = [content_type_pk, indexer.id]
        title_sql = vector(title, indexer.config, params)
        autocomplete_sql = vector(autocomplete, indexer.autocomplete_config, params)
        body_sql = vector(body, indexer.config, params)
        params.append(" ".join(text for text in (v.strip() for v, _w in title) if text))
        params.append(" ".join(text for text in (v.strip() for v, _w in body) if text))
        rows.append((f"(%s, %s, {title_sql}, {autocomplete_sql}, {body_sql}, 1.0, %s, %s)", params))
    table = IndexEntry._meta.db_table
    with write_connection.cursor() as cursor:
        for statement_rows in _rows_per_statement(rows):
            _execute_server_bound(
                cursor,
                f"INSERT INTO {table} (content_type_id, object_id, title, autocomplete, body, "
                f"title_norm, title_text, body_text) "
                f"(VALUES {', '.join(sql for sql, _params in statement_rows)}) "
                "ON CONFLICT (content_type_id, object_id) DO UPDATE SET title = EXCLUDED.title, "
                "title_norm = 1.0, autocomplete = EXCLUDED.autocomplete, body = EXCLUDED.body, "
                "title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text",
                [value for _sql, params in statement_rows for value in params],
            )
    if refresh:
        index._refresh_title_norms()
        return True
    return index


# Parameters per statement bound by the server (PostgreSQL allows 65,535).
MAX_BOUND_PARAMETERS = 30_000


def _rows_per_statement(rows: list[tuple[str, list]]) -> Iterator[list[tuple[str, list]]]:
    """The rows (SQL and parameters each) in groups of at most MAX_BOUND_PARAMETERS."""
    group: list[tuple[str, list]] = []
    count = 0
    for row in rows:
        if group and count + len(row[1]) > MAX_BOUND_PARAMETERS:
            yield group
            group, count = [], 0
        group.append(row)
        count += len(row[1])
    if group:
        yield group


def _execute_server_bound(cursor, sql: str, params: list) -> None:
    """Run a statement with `%s` placeholders with its parameters bound by the server (psycopg's
    RawCursor, `$n` placeholders), in the cursor's connection and transaction.

    Django's psycopg cursors bind on the client: psycopg parses the statement and quotes every
    value in Python, which for the thousands of texts of a batch's index entries cost about a
    third of writing them. A statement bound by the server is not seen by Django's query log
    or execute wrappers; one whose placeholders cannot be numbered plainly goes through the
    cursor as usual."""
    pieces = sql.split("%s")
    raw = getattr(cursor, "cursor", None)
    connection_ = getattr(raw, "connection", None)
    if len(pieces) - 1 != len(params) or "%%" in sql or connection_ is None:
        cursor.execute(sql, params)
        return
    import psycopg

    numbered = "".join(f"{piece}${number}" for number, piece in enumerate(pieces[:-1], 1))
    with psycopg.RawCursor(connection_) as bound:
        bound.execute(numbered + pieces[-1], params)
