"""Anonymous public pages, feeds and open data from a cache that is never stale (issue 16).

**The generation.** Every table of the portal's apps (:data:`WATCHED_APPS`, all but the
history event tables) has one statement-level trigger, ``portal_generation``, that gives a
row of ``partnership_generation`` a new random token in the same transaction as the write
(``INSERT``, ``UPDATE``, ``DELETE`` and ``TRUNCATE``; ORM saves, ``.update()``,
``bulk_create``, raw SQL and ``seed_scale`` alike). The function is in migration
``partnership/0008_generation``; it never waits for a lock (a transaction takes a row nobody
holds, ``SKIP LOCKED``, or adds one), so it cannot deadlock. :func:`current_generation`
reads a hash of all tokens in one query: any committed write changes it, for every worker,
on the next request. ``post_migrate`` (:func:`install_triggers`) puts the trigger on every
table of those apps that lacks it, so a table added by a later migration is watched without
anyone remembering to. :func:`generation` is what keys are made with — the pages here and
the kept figures (``initiatives.figures``): read once per request (the middleware opens the
request's scope), afresh after the request's own write and outside requests.

**The middleware** (:class:`PageCacheMiddleware`, after WhiteNoise and before the session)
serves a ``GET`` or ``HEAD`` that carries no session or messages cookie — an anonymous
visitor, nothing to show but the page — from the ``pages`` cache when it can. The key holds
the generation (read *before* the view runs, so that a page is never kept under a newer
generation than its data), the language (from the URL, as ``LocaleMiddleware`` decides it),
the scheme, host, path and query string, and the current minute in the portal's time zone
(pages change with the clock too: a session that has ended leaves "upcoming", "now" is a
filter). A hit costs that one query and never calls the view. A response is kept when it is
a complete 200 that sets no cookie, did not use the CSRF token (a page with a POST form is
the visitor's own), is not ``private``/``no-store`` and varies on nothing but the cookie and
``Accept-Language`` (neither of which changes an anonymous page: the language is in the
path).

**HTTP.** Such a response (hit or miss) says ``Cache-Control: public, no-cache`` — a proxy
or a calendar client may keep it, and asks again with ``If-None-Match`` each time — a strong
``ETag`` (a hash of the body), no ``Vary: Cookie``/``Accept-Language``, and ``X-Page-Cache:
hit`` or ``miss``. A matching ``If-None-Match`` answers 304 (Django's
``get_conditional_response``). No ``Last-Modified`` of our own: dates have a resolution of
one second, writes commit in another order than their timestamps and pages change with the
clock, so a date cannot tell reliably whether a copy is current; an ETag can (docs/caching.md).
"""

import hashlib
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import DatabaseError, connections
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import split_header_value

# The cache (CACHES) the pages are kept in: memory of each worker, or Redis (settings).
CACHE_ALIAS = "pages"
# The apps whose tables can change what a page shows: their writes change the generation.
WATCHED_APPS = (
    "partnership",
    "stakeholders",
    "initiatives",
    "residents",
    "problems",
    "observations",
    "dashboard",
    "meetings",
)
TRIGGER = "portal_generation"
# A larger body is served, not kept. The largest kept are the API's GeoJSON pages (10,000
# features, a few MB each at national scale: 10 requests/s uncached at 100,000 initiatives);
# with entries living two minutes, a worker holds at most a few of them.
MAX_BODY_BYTES = 16_000_000
# Vary headers that do not change an anonymous page (the language is in the path).
IGNORED_VARY = {"cookie", "accept-language"}
# Vary headers the key holds: GZipMiddleware, inside this one, compresses a page once when it
# is made, and the compressed copy is kept for clients that accept gzip (not once per hit).
KEYED_VARY = {"accept-encoding"}

TOKEN_SQL = (
    "SELECT md5(coalesce(string_agg(token::text, ',' ORDER BY id), '')) FROM partnership_generation"
)


# --- The generation -------------------------------------------------------------------------


def current_generation(using: str = "default") -> str:
    """A hash of every generation token: changes with each committed write (one query)."""
    with connections[using].cursor() as cursor:
        cursor.execute(TOKEN_SQL)
        return cursor.fetchone()[0]


# Statements that never write a table, by their first word: anything else (INSERT, UPDATE,
# DELETE, COPY, WITH …) but a write to a database cache's table counts as a write of the
# request (:func:`generation`).
READ_STATEMENTS = frozenset({"SELECT", "SET", "SHOW", "EXPLAIN", "SAVEPOINT", "RELEASE"})


@dataclass
class _RequestGeneration:
    """The generation as one request knows it (:func:`generation`)."""

    token: str | None = None
    # Once the request has written, every read is fresh: its own writes change the token,
    # and a rollback (which no wrapper sees) may change it back.
    wrote: bool = False

    def watch(self, execute, sql, params, many, context):
        if not isinstance(sql, str) or (
            _first_word(sql) not in READ_STATEMENTS and not _writes_a_cache_table(sql)
        ):
            self.wrote = True
            self.token = None
        return execute(sql, params, many, context)


_FIRST_WORD = re.compile(r"[\s(]*([A-Za-z]+)")
_WRITTEN_TABLE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)


def _writes_a_cache_table(sql: str) -> bool:
    """A write to a database cache's own table (the kept figures, rate limits): no
    generation trigger there, so it changes nothing a page shows."""
    match = _WRITTEN_TABLE.match(sql)
    return bool(match) and match.group(1) in _cache_tables()


def _cache_tables() -> set[str]:
    return {
        options["LOCATION"]
        for options in settings.CACHES.values()
        if options["BACKEND"].endswith(".DatabaseCache")
    }


def _first_word(sql: str) -> str:
    match = _FIRST_WORD.match(sql)
    return match.group(1).upper() if match else ""


_request_generation: ContextVar[_RequestGeneration | None] = ContextVar(
    "request_generation", default=None
)


@contextmanager
def request_scope():
    """Within it (one request: :class:`PageCacheMiddleware` opens it for every request),
    :func:`generation` reads the generation at most once — until the request writes."""
    state = _RequestGeneration()
    reset = _request_generation.set(state)
    try:
        with connections["default"].execute_wrapper(state.watch):
            yield state
    finally:
        _request_generation.reset(reset)


def generation() -> str:
    """The generation, for keys of anything kept (pages, ``initiatives.figures``).

    In a request, read once and shared: the page cache's read (before the view) serves the
    view's kept figures too. After the request's first write (any statement but a read on
    the default connection), every call reads afresh, so the request sees its own writes.
    Outside a request (the task worker, management commands, the shell) every call reads
    afresh. Reading the generation *before* the data it keys is what keeps it exact: a
    write committed in between leaves what is kept under the older token, which no later
    request reads."""
    state = _request_generation.get()
    if state is None or state.wrote:
        return current_generation()
    if state.token is None:
        state.token = current_generation()
    return state.token


def fragment_key(*parts: object, minute: bool = True) -> str:
    """The key of a kept part of a logged-in page (docs/caching.md, "Partner pages"): the
    generation (:func:`generation`, read once per request: exact, never stale), the
    language, the current minute in the portal's time zone (what is current, "happening
    now"; ``minute=False`` for a part that does not change with the clock) and ``parts`` —
    whatever else the part depends on (an audience, an address, memberships), never the
    user as such."""
    fields = [generation(), translation.get_language() or ""]
    if minute:
        fields.append(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    fields += map(str, parts)
    return hashlib.sha256("\n".join(fields).encode()).hexdigest()


def watched_tables() -> list[str]:
    """The tables of :data:`WATCHED_APPS` (many-to-many tables included), without the
    history event tables (written only together with a watched table) and the generation."""
    import pghistory.models
    from django.apps import apps

    tables = set()
    for label in WATCHED_APPS:
        if label not in apps.app_configs:
            continue
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed or issubclass(model, pghistory.models.Event):
                continue
            tables.add(meta.db_table)
    tables.discard("partnership_generation")
    return sorted(tables)


def tables_with_trigger(using: str = "default") -> set[str]:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND NOT t.tgisinternal",
            [TRIGGER],
        )
        return {name for (name,) in cursor.fetchall()}


def install_triggers(using: str = "default") -> list[str]:
    """Put the trigger on every watched table that exists and lacks it; the tables done.
    Idempotent: two catalogue queries when nothing is missing."""
    connection = connections[using]
    existing = set(connection.introspection.table_names()) - tables_with_trigger(using)
    missing = [table for table in watched_tables() if table in existing]
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure('portal_generation_bump()') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return []  # migrated back before partnership 0008
        for table in missing:
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER} "
                "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {connection.ops.quote_name(table)} "
                "FOR EACH STATEMENT EXECUTE FUNCTION portal_generation_bump()"
            )
    return missing


def install_triggers_after_migrate(sender, using="default", **kwargs):
    """``post_migrate`` (``migrate`` and ``flush``): new tables get the trigger."""
    install_triggers(using)


@receiver(setting_changed, dispatch_uid="page-cache-setting-changed")
def _forget_pages_on_setting_change(**kwargs):
    """A test that changes a setting (the portal's name …) sees pages rendered with it."""
    forget_pages()


def forget_pages() -> None:
    """Empty this worker's page cache (all of it, with Redis). Never needed for
    correctness after a write; tests use it between tests."""
    caches[CACHE_ALIAS].clear()


# --- The middleware -------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str


class PageCacheMiddleware:
    """Serve and keep anonymous ``GET``/``HEAD`` answers (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.private_cookies = {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name}

    def __call__(self, request):
        with request_scope():
            return self._respond(request)

    def _respond(self, request):
        if not self._anonymous_read(request):
            return self.get_response(request)
        try:
            token = generation()
        except DatabaseError:
            # The database does not answer: the view says so (its error page, /healthz 503).
            return self.get_response(request)
        cache = caches[CACHE_ALIAS]
        key = self._key(request, token)
        entry = cache.get(key)
        if entry is not None:
            response = HttpResponse(entry.content)
            for name, value in entry.headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            entry = self._entry(request, response)
            if entry is None:
                return response
            cache.set(key, entry)
            response["X-Page-Cache"] = "miss"
        self._public_headers(response, entry.etag)
        return get_conditional_response(request, etag=entry.etag, response=response)

    def _anonymous_read(self, request) -> bool:
        return (
            getattr(settings, "PAGE_CACHE_ENABLED", True)
            and request.method in ("GET", "HEAD")
            and not self.private_cookies.intersection(request.COOKIES)
        )

    @staticmethod
    def _key(request, token: str) -> str:
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        minute = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        gzip = "gzip" if re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")) else ""
        parts = f"{token}\n{language}\n{minute}\n{gzip}\n{url}"
        digest = hashlib.sha256(parts.encode()).hexdigest()
        return f"page:{digest}"

    def _entry(self, request, response) -> Entry | None:
        """What is kept of ``response``, or None when it must not be kept."""
        if response.status_code != 200 or response.streaming or response.cookies:
            return None
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return None  # the page holds this visitor's CSRF token
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        directives = {
            d.split("=")[0].strip().lower()
            for d in split_header_value(response.get("Cache-Control", ""))
        }
        if directives & {"private", "no-store", "no-cache"}:
            return None
        if self._vary(response) - IGNORED_VARY - KEYED_VARY:
            return None  # varies on a request header the key does not hold
        if len(response.content) > MAX_BODY_BYTES:
            return None
        self._drop_ignored_vary(response)
        headers = tuple(
            (name, value)
            for name, value in response.items()
            if name.lower() not in {"x-page-cache", "cache-control", "expires", "etag"}
        )
        etag = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
        return Entry(content=response.content, headers=headers, etag=etag)

    @staticmethod
    def _vary(response) -> set[str]:
        return {v.lower() for v in split_header_value(response.get("Vary", ""))}

    def _drop_ignored_vary(self, response) -> None:
        kept = [
            v for v in split_header_value(response.get("Vary", "")) if v.lower() not in IGNORED_VARY
        ]
        if kept:
            response["Vary"] = ", ".join(kept)
        else:
            response.headers.pop("Vary", None)

    @staticmethod
    def _public_headers(response, etag: str) -> None:
        response["Cache-Control"] = "public, no-cache"
        response.headers.pop("Expires", None)
        response["ETag"] = etag
