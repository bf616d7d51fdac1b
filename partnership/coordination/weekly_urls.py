"""The weekly lägesbild (``lagesbild:``), mounted by the project's URLconf at /lagesbild/
(/en/situation/): partners read it, so it is not under the coordinator's area."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from partnership.coordination import weekly_views

app_name = "lagesbild"

urlpatterns = [
    path("", weekly_views.week_page, name="week"),
    path(_("email/"), weekly_views.email_settings, name="email"),
]
