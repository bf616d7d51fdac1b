"""What the apps add to the pages every partner shares: the figures on the home page, the
account data a user downloads and the sections of Mina sidor.

The core imports no app (docs/architecture.md), yet these pages show every app's data. So
each app registers its part in its ``AppConfig.ready()``, and the page asks for all parts:

    site.home_stats.register(selectors.home_stats)      # in initiatives/apps.py
    stats = site.home_stats.collect()                    # in the home view
"""

from collections.abc import Callable


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
# "Download my data": {"initiatives_created": [...], …}; called with user=.
account_data = Contributions("account_data")
# Mina sidor's context: {"join_requests": [...], …}; called with user=.
my_pages = Contributions("my_pages")
# The coordinator's overview: {"last_meeting_on": date | None, "upcoming_meetings": [...]};
# called with user=. The meetings app registers a provider; without one the overview counts
# "new" from a fixed number of days back (``coordination.selectors.overview_since``).
coordinator_overview = Contributions("coordinator_overview")
