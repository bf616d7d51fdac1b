"""What the apps add to the pages every partner shares: the figures on the home page, the
account data a user downloads and the sections of Mina sidor ("what needs me").

The core imports no app (docs/architecture.md), yet these pages show every app's data. So
each app registers its part in its ``AppConfig.ready()``, and the page asks for all parts:

    site.home_stats.register(selectors.home_stats)      # in initiatives/apps.py
    stats = site.home_stats.collect()                    # in the home view
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import caches

from partnership import page_cache


class Contributions:
    """Callables that each return a dict; ``collect`` merges what they return, in the order
    the apps registered them (``INSTALLED_APPS`` order)."""

    def __init__(self, name: str):
        self.name = name
        self._providers: dict[str, Callable[..., dict]] = {}

    def register(self, provider: Callable[..., dict]) -> Callable[..., dict]:
        # Keyed by name: registering again (a second ready()) replaces, never doubles.
        self._providers[f"{provider.__module__}.{provider.__qualname__}"] = provider
        return provider

    def collect(self, **kwargs) -> dict:
        merged: dict = {}
        for provider in self._providers.values():
            merged.update(provider(**kwargs))
        return merged


# The home page's numbers: {"organizations": 27, "initiatives": 43, …}; no arguments.
home_stats = Contributions("home_stats")
# The home page's sections for residents: {"week": [...], "results": [...]}; called with
# now= (an aware datetime).
home_sections = Contributions("home_sections")
# "Download my data": {"initiatives_created": [...], …}; called with user=.
account_data = Contributions("account_data")
# The coordinator's overview: {"last_meeting_on": date | None, "upcoming_meetings": [...]};
# called with user=. The meetings app registers a provider; without one the overview counts
# "new" from a fixed number of days back (``coordination.selectors.overview_since``).
coordinator_overview = Contributions("coordinator_overview")


# --- Mina sidor: the workplace -------------------------------------------------------------------
#
# Mina sidor opens with "what needs me": one section per kind of work waiting for the user,
# each contributed by the app that owns the work, rendered by one partial
# (templates/partials/workplace_section.html). An app registers a section in its ready():
#
#     site.workplace.register(
#         "join_requests", workplace.join_requests,
#         title=_("Requests to join our initiatives"),
#         empty_text=_("No organisation is waiting for an answer."),
#         order=20,
#     )
#
# Kept (issue 16): a provider whose items depend on the user only through their memberships
# (which organisations, which role, whether approved) and on whether they are a coordinator
# says so with ``@site.by_memberships``. Its items are then kept in the "pages" cache under
# the database's generation (partnership/page_cache.py: every committed write changes it),
# the language, the minute and those memberships — exact, never stale, and shared by
# colleagues with the same memberships. Any other provider (the observations section counts
# what the user logged) runs on every request.
#
# The provider is called as ``provider(user=, today=, limit=)`` and returns the items (a
# list of :class:`WorkItem`, at most ``limit``, most urgent first, in a fixed number of
# queries), or ``None`` when the section does not concern the user (join requests for a
# member who administers nothing): the section is then left out, while an empty list shows
# the section with its empty text. The page asks for one more than it shows, to say "more".
#
# Sections registered today (key, order, app):
#   sessions_to_confirm   10  initiatives (the delivery log: initiatives.delivery.
#                             workplace_sessions over sessions_to_confirm(user, today))
#   observations          15  observations (log one for each organisation one reports for)
#   join_requests         20  initiatives
#   responsibilities      30  problems (overdue first)
#   stale_initiatives     40  initiatives (no update for 90 days)
#   meetings              50  meetings
#   endorsed_changed      60  problems (changed in the last 30 days)


@dataclass(frozen=True)
class WorkItem:
    """One thing waiting for the user, one click from its action: ``title`` (linked to
    ``url`` when given) with ``detail`` in words, and the action itself (``action_url``,
    ``action_label``). ``overdue`` marks it in words and style, not colour alone."""

    title: str
    action_url: str
    action_label: str
    url: str = ""
    detail: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class WorkSection:
    """A section as the page shows it: the items (at most the page's limit), whether there
    are more, and where to see them all."""

    key: str
    title: str
    empty_text: str
    items: list[WorkItem] = field(default_factory=list)
    more: bool = False
    more_url: str = ""
    more_label: str = ""
    # The key its rendering may be kept under (``by_memberships`` sections), else "".
    kept: str = ""


@dataclass(frozen=True)
class _SectionEntry:
    key: str
    provider: Callable[..., list[WorkItem] | None]
    title: str
    empty_text: str
    order: int
    more_url: Callable[[], str] | None
    more_label: str


class Workplace:
    """The sections of Mina sidor's "what needs me", in ``order``; registering a key again
    replaces it (a second ready() never doubles a section)."""

    def __init__(self):
        self._entries: dict[str, _SectionEntry] = {}

    def register(
        self,
        key: str,
        provider: Callable[..., list[WorkItem] | None],
        *,
        title: str,
        empty_text: str,
        order: int,
        more_url: Callable[[], str] | None = None,
        more_label: str = "",
    ) -> None:
        self._entries[key] = _SectionEntry(
            key, provider, title, empty_text, order, more_url, more_label
        )

    def keys(self) -> list[str]:
        return [entry.key for entry in sorted(self._entries.values(), key=lambda e: e.order)]

    def sections(
        self, *, user, today, limit: int, memberships=None, keep: bool = False
    ) -> list[WorkSection]:
        """Every section that concerns ``user``, in order, each with at most ``limit``
        items. With ``keep`` and the user's ``memberships`` (with ``organization``, fresh
        from the database), the ``by_memberships`` sections are kept under them and the
        generation (``page_cache.fragment_key``), and their ``kept`` key lets the page keep
        their rendering."""
        key = None
        if keep and memberships is not None:
            key = _kept_key(user, today, limit, memberships)
        sections = []
        for entry in sorted(self._entries.values(), key=lambda e: e.order):
            kept = ""
            if key is not None and getattr(entry.provider, BY_MEMBERSHIPS, False):
                kept = f"workplace:{entry.key}:{key}"
                items = _kept_items(entry, user, today, limit, kept)
            else:
                items = entry.provider(user=user, today=today, limit=limit + 1)
            if items is None:
                continue
            sections.append(
                WorkSection(
                    key=entry.key,
                    title=entry.title,
                    empty_text=entry.empty_text,
                    items=list(items[:limit]),
                    more=len(items) > limit,
                    more_url=entry.more_url() if entry.more_url else "",
                    more_label=entry.more_label,
                    kept=kept,
                )
            )
        return sections


workplace = Workplace()

BY_MEMBERSHIPS = "workplace_by_memberships"
# Stands for None (the section does not concern the user) in the cache, which has no None.
_NOT_CONCERNED = "-"


def by_memberships(provider: Callable[..., list[WorkItem] | None]):
    """Mark a Mina sidor provider whose items depend on the user only through their
    memberships (organisation, role, the organisation's approval) and coordinator status,
    and on the data: its items may be kept and shared (``Workplace.sections``)."""
    setattr(provider, BY_MEMBERSHIPS, True)
    return provider


def _kept_key(user, today, limit: int, memberships) -> str:
    # Not at the top: permissions reads models, and apps import this module while loading.
    from partnership.permissions import is_coordinator

    who = sorted(f"{m.organization_id}:{m.role}:{m.organization.status}" for m in memberships)
    return page_cache.fragment_key(
        today.isoformat(), limit, "coordinator" if is_coordinator(user) else "", ",".join(who)
    )


def _kept_items(entry: _SectionEntry, user, today, limit: int, name: str):
    cache = caches[page_cache.CACHE_ALIAS]
    items = cache.get(name)
    if items is None:
        items = entry.provider(user=user, today=today, limit=limit + 1)
        cache.set(name, _NOT_CONCERNED if items is None else list(items))
    return None if items == _NOT_CONCERNED else items
