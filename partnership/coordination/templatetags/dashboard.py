"""Small helpers for the dashboard templates."""

from django import template

from partnership.models import Weekday

register = template.Library()


@register.filter
def weekday_name(number: int) -> str:
    return str(Weekday(number).label)


@register.simple_tag(takes_context=True)
def page_query(context, param: str, number: int) -> str:
    """The current query string with one page parameter changed (several lists per page)."""
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode()
