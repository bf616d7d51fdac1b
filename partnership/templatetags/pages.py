"""Template tags every app's pages share."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, param: str, number: int) -> str:
    """The current query string with one page parameter changed: the filters stay, and a
    page with several lists names each list's own parameter (``partials/pagination.html``).
    Django's ``{% querystring %}`` cannot take the parameter's name from a variable."""
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode()
