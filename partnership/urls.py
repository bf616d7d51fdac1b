"""URLs: pages under i18n prefixes (Swedish unprefixed, /en/ for English); machine
endpoints (/healthz, later /api/) without."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from initiatives import views as initiatives_views
from initiatives.api import api
from initiatives.api import not_found as api_not_found
from initiatives.hsds import hsds_api
from initiatives.sitemaps import SITEMAPS as INITIATIVE_SITEMAPS
from initiatives.sitemaps import index as sitemap_index
from initiatives.sitemaps import sitemap as sitemap_section
from partnership import views
from partnership.coordination import publication_urls
from partnership.coordination.publication_sitemaps import PublishedSituationSitemap
from partnership.problems import urls as problem_urls
from partnership.problems.sitemaps import ProblemSitemap
from stakeholders import mfa as stakeholders_mfa
from stakeholders import views as stakeholders_views

SITEMAPS = {
    **INITIATIVE_SITEMAPS,
    "problems": ProblemSitemap,
    "situation": PublishedSituationSitemap,
}

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page declares.
    path("favicon.ico", views.favicon),
    path("i18n/setlang/", views.set_language, name="set_language"),
    # --- Public map and open data: the read API, sitemap and robots.txt ---
    path("api/v1/", api.urls),
    path("api/hsds/", hsds_api.urls),  # Open Referral HSDS 3.1 (initiatives/hsds.py)
    re_path(r"^api/", api_not_found),  # any other address under /api/: a JSON 404
    # Open311 GeoReport v2, the read side: public problems as service requests.
    path("open311/v2/", include((problem_urls.open311_urlpatterns, "open311"))),
    path("robots.txt", initiatives_views.robots_txt, name="robots_txt"),
    # Pages of ids, written without the template at national scale (initiatives/sitemaps.py).
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_section,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path(_("accessibility/"), views.accessibility, name="accessibility"),
    path(_("privacy/"), views.privacy, name="privacy"),
    path(_("open-data/"), initiatives_views.open_data, name="open_data"),
    path(_("initiatives/"), include("initiatives.urls")),
    path(_("who-does-what/"), include("stakeholders.urls")),
    path(_("my-pages/"), stakeholders_views.my_pages, name="my_pages"),
    path(_("my-pages/profile/"), stakeholders_views.my_profile, name="my_profile"),
    path(_("my-pages/my-data/"), stakeholders_views.my_data, name="my_data"),
    path(
        _("my-pages/delete-account/"),
        stakeholders_views.my_account_delete,
        name="my_account_delete",
    ),
    path(_("coordinator/meetings/"), include("partnership.meetings.urls")),
    path(_("coordinator/"), include("partnership.coordination.urls")),
    # --- Problems: the partners' register and the public "you said, we did" page ---
    path(_("problems/"), include("partnership.problems.urls")),
    path(_("you-said-we-did/"), include(problem_urls.public_urlpatterns)),
    # --- Observations (händelser) and the weekly lägesbild: partners only ---
    path(_("observations/"), include("partnership.observations.urls")),
    path(_("situation/"), include("partnership.coordination.weekly_urls")),  # the lägesbild
    # --- The lägesbild's aggregates a coordinator published: public ---
    path(_("situation-reports/"), include(publication_urls.public_urlpatterns)),
    # --- Residents: "Säg till om en plats", its counts, the partners' list ---
    path(_("tell-us/"), include("partnership.residents.urls")),
    # allauth's set-up of an authenticator app, made one flow (stakeholders/mfa.py).
    path("accounts/2fa/totp/activate/", stakeholders_mfa.activate_totp, name="mfa_activate_totp"),
    path("accounts/", include("allauth.urls")),
    *([path("admin/", admin.site.urls)] if settings.ADMIN_ENABLED else []),
    prefix_default_language=False,
)

handler400 = "partnership.views.bad_request"
handler403 = "partnership.views.permission_denied"
handler404 = "partnership.views.page_not_found"
handler500 = "partnership.views.server_error"

admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME
