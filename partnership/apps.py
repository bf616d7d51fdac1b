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

        # The page cache's generation trigger on every table of the portal's apps, those
        # a later migration adds included (partnership/page_cache.py).
        from django.db.models.signals import post_migrate

        from partnership import page_cache

        post_migrate.connect(
            page_cache.install_triggers_after_migrate,
            sender=self,
            dispatch_uid="page-cache-install-triggers",
        )


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin behind the account login and the second factor
    (``partnership/admin_site.py``)."""

    default = False  # not the "partnership" app's own configuration
    default_site = "partnership.admin_site.PortalAdminSite"
