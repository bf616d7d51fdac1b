"""Template tags every app's pages share."""

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, param: str, number: int) -> str:
    """The current query string with one page parameter changed: the filters stay (the
    empty ones do not), and a page with several lists names each list's own parameter
    (``partials/pagination.html``).
    Django's ``{% querystring %}`` cannot take the parameter's name from a variable."""
    query = non_empty(context["request"].GET)
    query[param] = number
    return "?" + query.urlencode()


def non_empty(query: QueryDict) -> QueryDict:
    """A copy of ``query`` without its empty parameters: a filter form submitted without
    JavaScript (``static/js/filter_form.js`` leaves them out otherwise) sends every field,
    and "?q=&theme=1&area=" means no more than "?theme=1"."""
    kept = QueryDict(mutable=True)
    for key, values in query.lists():
        values = [value for value in values if value.strip()]
        if values:
            kept.setlist(key, values)
    return kept


@register.filter
def filters_applied(form) -> bool:
    """Whether a list's filter form (a FilterSet's form) narrows or reorders the list: some
    field has a value in the URL other than empty or its default. Decides whether "Clear
    filters" is offered. Not ``form.has_changed()``: that counts a field missing from the URL
    as changed when its default is not empty (the initiatives' sort order) and an unticked
    checkbox as changed (``BooleanFilter`` is a yes/no/unknown field)."""
    for name, field in form.fields.items():
        default = form.get_initial_for_field(field, name)
        for value in form.data.getlist(form.add_prefix(name)):
            if value.strip() and (default is None or value != str(default)):
                return True
    return False
