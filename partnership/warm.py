"""A worker's first request made cheap: what Django does lazily, done when the worker starts.

A gunicorn worker imports the URLconf — and with it every view module — on its first
request, fills the URL resolvers' reverse maps (one per language) on its first
``reverse()``, reads the translation catalogues and compiles each template on first use.
(WeasyPrint, which loads fonts, is imported only when a PDF is drawn: ``partnership/pdf.py``.)
At 100,000 initiatives under load that made a fresh worker's first
answer take 3–4 s whatever the page (issue 16: the home page's p99 of 2.6 s in ``make
bench`` was mostly this). :func:`warm` does it while the worker starts, before it accepts a
connection (``partnership/wsgi.py``). Nothing here touches the database.
"""

import logging

from django.conf import settings
from django.template import TemplateDoesNotExist, loader
from django.urls import get_resolver, reverse
from django.utils import translation

logger = logging.getLogger(__name__)

# The templates of the pages anyone may ask for first: the public pages and their parts.
TEMPLATES = (
    "base.html",
    "partnership/home.html",
    "initiatives/initiative_list.html",
    "initiatives/initiative_detail.html",
    "stakeholders/organization_list.html",
    "stakeholders/organization_detail.html",
    "partnership/problem_public.html",
)


def warm() -> None:
    """Import the URLconf, fill the reverse maps and read the catalogues of every language,
    and compile the public pages' templates. A failure is logged, never raised: the worker
    then does it on its first request, as before."""
    try:
        resolver = get_resolver()
        resolver.url_patterns  # noqa: B018 (imports every view module)
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                reverse("home")  # the reverse map of this language, and its catalogue
        for name in TEMPLATES:
            try:
                loader.get_template(name)
            except TemplateDoesNotExist:
                logger.warning("warm: no template %s", name)
    except Exception:  # noqa: BLE001 (never stop a worker from starting)
        logger.exception("Warming the worker failed; its first request does it instead.")
