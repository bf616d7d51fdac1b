"""Small helpers for the dashboard templates."""

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from partnership.coordination.forms import filter_params
from partnership.models import Weekday

register = template.Library()


@register.filter
def weekday_name(number: int) -> str:
    return str(Weekday(number).label)


@register.simple_tag(takes_context=True)
def filters_query(context) -> str:
    """``?`` and the page's filters (``forms.filter_params``), or nothing: a download's
    address carries what the table was filtered by, not the page's numbers or view."""
    query = filter_params(context["request"].GET).urlencode()
    return f"?{query}" if query else ""


@register.simple_tag
def number_cells(numbers, empty: str = "–"):
    """``<td class="num">`` cells for a row of counts (zero shows as ``empty``), as the
    template would write them (``localize``), in one string: the report's observation matrix
    has a cell per area and category, thousands that a template loop renders several times
    slower."""
    empty = conditional_escape(empty)
    if settings.USE_THOUSAND_SEPARATOR:
        text = [conditional_escape(localize(int(n))) if n else empty for n in numbers]
    else:  # an integer's localized form is its digits: nothing to escape
        text = [str(int(n)) if n else empty for n in numbers]
    cells = "".join(f'<td class="num">{t}</td>' for t in text)
    return mark_safe(cells)  # noqa: S308 (digits, or escaped)
