"""How every form of the portal shows itself and its errors, the GOV.UK way.

Three parts, none of them written per form:

- ``PortalFormRenderer`` (``FORM_RENDERER``) renders every field of every form — the
  portal's, allauth's, Django's — through ``templates/partials/form_field.html``: the label
  says "(obligatoriskt)" on a required field, the error stands next to the field.
- ``error_summary(context)`` finds every bound form, formset and filter form with errors in
  a template's context; ``templates/base.html`` shows them at the top of the page
  (``templates/partials/error_summary.html``, focused, a link to each field) and prefixes
  the page title with "Fel: " (``partnership/templatetags/portal_forms.py``).
- ``PortalFormMixin`` is what a form class says once: no browser validation before ours (it
  would pre-empt the summary), and CSS classes on required and failing fields.
"""

from dataclasses import dataclass
from pathlib import Path

import django.forms
from django.conf import settings
from django.forms import BaseForm, BaseFormSet
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property
from django_filters import FilterSet


class PortalFormRenderer(DjangoTemplates):
    """Django's form templates, with the portal's field template and the portal's templates
    folder searched first (so ``partials/`` is found)."""

    field_template_name = "partials/form_field.html"

    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    Path(settings.BASE_DIR) / "templates",
                    Path(django.forms.__file__).parent / "templates",
                ],
                "NAME": "portalforms",
                "OPTIONS": {},
            }
        )


class PortalFormMixin:
    """Every form class of the portal starts with this mixin (``tests/partnership/
    test_error_summary.py`` walks the pages and checks it).

    ``use_required_attribute`` is off: a browser's own "fill in this field" bubble would
    stop the submission before the portal's error summary could list every problem at once
    (GOV.UK turns it off too). Required fields say so in their label instead."""

    use_required_attribute = False
    required_css_class = "field--required"
    error_css_class = "field--error"


@dataclass(frozen=True)
class SummaryError:
    """One line of the error summary: the message, with the field's label when there is a
    field, and the id of the input it links to (empty for an error of the whole form)."""

    message: str
    label: str = ""
    anchor: str = ""

    @property
    def text(self) -> str:
        """ "Titel: Detta fält måste fyllas i." — the label tells identical messages apart."""
        if not self.label:
            return self.message
        separator = " " if self.label[-1] in ":?.!" else ": "
        return f"{self.label}{separator}{self.message}"


def field_anchor(bound_field) -> str:
    """The id of the element a summary link moves focus to: the input itself, or for a group
    of radio buttons or checkboxes (and split inputs) the first one."""
    widget = bound_field.field.widget
    own_id = widget.attrs.get("id") or bound_field.auto_id
    if not own_id:
        return ""
    if isinstance(widget, django.forms.RadioSelect):  # and CheckboxSelectMultiple
        return widget.id_for_label(own_id, "0")
    return bound_field.id_for_label or f"{own_id}_0"  # a MultiWidget's first input


def form_errors(form: BaseForm, *, whole_form_anchor: str = "") -> list[SummaryError]:
    """A validated form's errors in the order of its fields, errors of the whole form (and
    of hidden fields, which nobody can correct by hand) first, linked to
    ``whole_form_anchor`` if given."""
    if not form.is_bound or not form.errors:
        return []
    errors = [
        SummaryError(message=str(m), anchor=whole_form_anchor) for m in form.non_field_errors()
    ]
    for bound_field in form:
        for message in bound_field.errors:
            if bound_field.is_hidden:
                errors.append(SummaryError(message=str(message)))
            else:
                errors.append(
                    SummaryError(
                        message=str(message),
                        label=str(bound_field.label or bound_field.name),
                        anchor=field_anchor(bound_field),
                    )
                )
    return errors


def _formset_errors(formset: BaseFormSet) -> list[SummaryError]:
    if not formset.is_bound or formset.total_error_count() == 0:
        return []
    errors = [SummaryError(message=str(m)) for m in formset.non_form_errors()]
    for form in formset.forms:
        # A row's own error ("ends before it starts") links to the row's first field.
        visible = form.visible_fields()
        errors += form_errors(form, whole_form_anchor=field_anchor(visible[0]) if visible else "")
    return errors


def error_summary(context) -> list[SummaryError]:
    """Every error of every bound form, formset or filter form in a template context, each
    once. A bound form the view left unvalidated (the register view stops at the first invalid
    of its form and formset) is validated here, as rendering its fields would do anyway."""
    errors: list[SummaryError] = []
    seen: set[int] = set()
    for value in context.flatten().values():
        # type(), not isinstance(): isinstance() would evaluate lazy values such as
        # ``csrf_token``, and a page without a form must not set the CSRF cookie.
        kind = type(value)
        if issubclass(kind, FilterSet):
            value, kind = value.form, type(value.form)
        if id(value) in seen:
            continue
        seen.add(id(value))
        if issubclass(kind, BaseFormSet):
            errors += _formset_errors(value)
        elif issubclass(kind, BaseForm):
            errors += form_errors(value)
    return errors
