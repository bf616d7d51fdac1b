from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models import fields
from django.utils.translation import gettext_lazy as _


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = _("Partnership")

    def ready(self):
        # Django 6.1's empty choice of a list, "- Select an option -", has no Swedish in
        # Django's own catalogue: every select of the portal says ours (Django reads this
        # constant whenever it builds a list; its documentation suggests setting it here).
        fields.BLANK_CHOICE_LABEL = _("Choose an option")


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin behind the account login and the second factor
    (``partnership/admin_site.py``)."""

    default = False  # not the "partnership" app's own configuration
    default_site = "partnership.admin_site.PortalAdminSite"
