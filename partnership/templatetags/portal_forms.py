"""The error summary every page shows above its content, and the "Fel: " of its title, for
whatever forms the page's context holds (``partnership.forms.error_summary``). Used once, in
``templates/base.html``: a form put in a page's context as an ordinary bound form gets both."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext as _

from partnership.forms import SummaryError, error_summary

register = template.Library()


def _errors(context) -> list[SummaryError]:
    """Worked out once per page: the title and the summary ask the same question."""
    cache = context.render_context
    if "portal_error_summary" not in cache:
        cache["portal_error_summary"] = error_summary(context)
    return cache["portal_error_summary"]


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """ "Fel: " / "Error: " before the page title when the page shows errors, so that a
    screen reader user hears at once that the submission failed (GOV.UK's pattern)."""
    return _("Error: ") if _errors(context) else ""


@register.inclusion_tag("partials/error_summary.html", takes_context=True)
def error_summary_box(context) -> dict:
    return {"errors": _errors(context)}


@register.simple_tag
def field_label(field, tag: str = "label") -> str:
    """A field's ``<label>`` (or ``<legend>``) without Django's colon, saying "(obligatoriskt)"
    when the field must be filled in: the marker is text inside the label, so a screen reader
    reads it as part of the field's name."""
    contents = conditional_escape(field.label)
    if field.field.required:
        contents = format_html(
            '{} <span class="required-marker">({})</span>', contents, _("required")
        )
    return field.label_tag(contents=contents, label_suffix="", tag=tag)
