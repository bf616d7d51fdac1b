"""PDFs of the portal's printable documents (the minutes, the partnership report), drawn
with WeasyPrint from a template: A4, the partnership's name and the document's date or
period at the top of every page, "Page X of Y" at the bottom, ``static/css/pdf.css``.

A document's template may put a section on a landscape page (``class="pdf-landscape"``),
for tables too wide for portrait. The HTML is rendered here and never served, and WeasyPrint
fetches nothing but the portal's own stylesheet: no URL in a user's text reaches the network.
"""

import functools
import logging

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# WeasyPrint logs each rendering step at INFO (its own style sheets on import, too): not news
# in the server's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
# fontTools, which WeasyPrint subsets the fonts with, logs every glyph list at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

STYLESHEET = "css/pdf.css"


def _css_string(text: str) -> str:
    """A CSS string literal."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def _page_css(subtitle: str) -> str:
    """The margin boxes: the partnership's name and the subtitle on top, the page number
    in the portal's language at the bottom ("Sida 2 av 5")."""
    before, _sep, rest = _("Page {page} of {pages}").partition("{page}")
    middle, _sep, after = rest.partition("{pages}")
    number = " ".join(
        part
        for part in (
            _css_string(before) if before else "",
            "counter(page)",
            _css_string(middle) if middle else "",
            "counter(pages)",
            _css_string(after) if after else "",
        )
        if part
    )
    return f"""
    @page {{
        @top-left {{ content: {_css_string(settings.PORTAL_NAME)}; }}
        @top-right {{ content: {_css_string(subtitle)}; }}
        @bottom-right {{ content: {number}; }}
    }}"""


@functools.cache
def _weasyprint():
    """WeasyPrint, imported when the first PDF is drawn: importing it loads Pango and the
    fonts (about 2.5 s and tens of MB), which a web worker that never draws a PDF should not
    pay at start-up (``partnership/warm.py`` imports every view module)."""
    import weasyprint

    # Nothing from the network or the disk: only inline data (``data:`` URLs).
    return weasyprint, weasyprint.URLFetcher(allowed_protocols=["data"])


def render_pdf(template: str, context: dict, *, subtitle: str, request=None) -> bytes:
    """The template rendered as a PDF (bytes)."""
    html = render_to_string(template, {"pdf_subtitle": subtitle, **context}, request=request)
    weasyprint, fetcher = _weasyprint()
    stylesheets = [
        weasyprint.CSS(filename=finders.find(STYLESHEET)),
        weasyprint.CSS(string=_page_css(subtitle)),
    ]
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=stylesheets)


def pdf_response(request, template: str, context: dict, *, subtitle: str, filename: str):
    """The template as a PDF download named ``filename``."""
    pdf = render_pdf(template, context, subtitle=subtitle, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
