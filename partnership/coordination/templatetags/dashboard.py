"""Small helpers for the dashboard templates."""

from django import template

from partnership.models import Weekday

register = template.Library()


@register.filter
def weekday_name(number: int) -> str:
    return str(Weekday(number).label)
