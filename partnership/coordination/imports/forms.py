"""The upload forms of the imports (the GOV.UK error summary through ``PortalFormMixin``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partnership.coordination.imports.areas import CRS_CHOICES
from partnership.forms import PortalFormMixin
from stakeholders.models import Organization


class AreaUploadForm(PortalFormMixin, forms.Form):
    """The file and how to read it; what the file turns out to hold comes back as errors
    of these fields (:meth:`add_parse_errors`)."""

    file = forms.FileField(
        label=_("GeoJSON or GeoPackage file"),
        help_text=_("One area per feature (Polygon or MultiPolygon)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,.gpkg"}),
    )
    crs = forms.ChoiceField(
        label=_("Coordinate system"),
        choices=CRS_CHOICES,
        required=False,
        help_text=_(
            "Used when the file does not say. SCB's DeSO and RegSO use SWEREF 99 TM; many "
            "municipalities around Stockholm SWEREF 99 18 00."
        ),
    )
    name_property = forms.CharField(
        label=_("Property holding the name"),
        max_length=100,
        required=False,
        help_text=_("Empty: “name”, “namn”, “regsonamn”, “deso” … whichever the file has."),
    )
    parent_property = forms.CharField(
        label=_("Property holding the parent's name"),
        max_length=100,
        required=False,
        help_text=_(
            "Empty: each area's parent is the smallest area that contains it, in the file or "
            "already in the partnership."
        ),
    )

    def add_parse_errors(self, parsed) -> None:
        """A parse's errors (``areas.ParsedAreas``) next to the field they concern, with the
        count of areas in error on the file (the table lists each)."""
        for key, message in parsed.field_errors.items():
            self.add_error(key, message)
        for message in parsed.file_errors:
            self.add_error("file", message)
        if parsed.error_count:
            self.add_error(
                "file",
                _(
                    "%(count)s of %(total)s areas have errors and nothing was saved: "
                    "see the list below."
                )
                % {"count": parsed.error_count, "total": len(parsed.rows)},
            )


class DirectoryUploadForm(PortalFormMixin, forms.Form):
    """The two files (either may be left out) and how the organisations start."""

    organizations = forms.FileField(
        label=_("Organisations (CSV or XLSX)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    initiatives = forms.FileField(
        label=_("Initiatives (CSV or XLSX)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    status = forms.ChoiceField(
        label=_("Imported organisations start as"),
        choices=[
            (Organization.Status.APPROVED, _("Approved: their public initiatives are shown")),
            (Organization.Status.PENDING, _("Pending: a coordinator approves each one")),
        ],
        widget=forms.RadioSelect,
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("organizations") and not cleaned.get("initiatives"):
            self.add_error(
                "organizations", _("Upload a file of organisations, of initiatives or both.")
            )
        return cleaned

    def add_parse_errors(self, parsed) -> None:
        """A parse's errors (``directory.ParsedDirectory``): a file's next to its field, the
        count of rows in error for the whole form (the table lists each)."""
        for key, errors in parsed.file_errors.items():
            for message in errors:
                self.add_error(key, message)
        if parsed.error_count:
            self.add_error(
                None,
                _(
                    "%(count)s of %(total)s rows have errors and nothing was saved: see the list "
                    "below."
                )
                % {"count": parsed.error_count, "total": len(parsed.rows)},
            )
