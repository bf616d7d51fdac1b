"""The coordinator's area under /samordning/ (``coordinator:``): the dashboard
(``coordinator:dashboard:``, whose overview is the first page a coordinator sees), the
organisations awaiting a decision and the users who hold the coordinator role."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from partnership.coordination import import_views, plan_views, report_views, views
from partnership.coordination.publication_urls import coordinator_patterns as publication_patterns

app_name = "coordinator"

dashboard_patterns = (
    [
        path("", views.overview, name="overview"),
        path(_("overlaps/"), views.overlaps, name="overlaps"),
        path(_("overlaps/decide/"), views.overlap_decide, name="overlap_decide"),
        path(
            _("overlaps/decide-cluster/"),
            views.overlap_cluster_decide,
            name="overlap_cluster_decide",
        ),
        path(_("overlaps/compute/"), views.overlaps_refresh, name="overlaps_refresh"),
        path(_("gaps/"), views.gaps, name="gaps"),
        path(_("coverage/"), views.coverage, name="coverage"),
        path(_("attention/"), views.attention, name="attention"),
        path(_("report/"), report_views.report, name="report"),
        path(_("report/report.pdf"), report_views.report_pdf, name="report_pdf"),
        # The åtgärdsplan (plan_views): partners read it, coordinators download it.
        path(_("action-plan/"), plan_views.action_plan, name="plan"),
        path(_("action-plan/action-plan.csv"), plan_views.action_plan_csv, name="plan_csv"),
        path(_("action-plan/action-plan.pdf"), plan_views.action_plan_pdf, name="plan_pdf"),
        path(_("export/<slug:table>.csv"), views.export_csv, name="export"),
        path(_("export/<slug:table>.xlsx"), views.export_xlsx, name="export_xlsx"),
        # What the report publishes to residents (publication_views).
        *publication_patterns,
    ],
    "dashboard",
)

# Onboarding a partnership: areas, organisations and initiatives from files (import_views).
import_patterns = (
    [
        path("", import_views.imports, name="index"),
        path(_("areas/"), import_views.area_import, name="areas"),
        path(_("areas/<uuid:public_id>/"), import_views.area_preview, name="area_preview"),
        path(_("areas/<uuid:public_id>/confirm/"), import_views.area_confirm, name="area_confirm"),
        path(_("organisations/"), import_views.directory_import, name="directory"),
        path(
            _("organisations/<uuid:public_id>/"),
            import_views.directory_preview,
            name="directory_preview",
        ),
        path(
            _("organisations/<uuid:public_id>/confirm/"),
            import_views.directory_confirm,
            name="directory_confirm",
        ),
        path(
            _("template-<slug:sheet>.csv"),
            import_views.directory_template_csv,
            name="template_csv",
        ),
        path(
            _("template-<slug:sheet>.xlsx"),
            import_views.directory_template_xlsx,
            name="template_xlsx",
        ),
    ],
    "imports",
)

urlpatterns = [
    path("", include(dashboard_patterns)),
    path(_("import/"), include(import_patterns)),
    path(
        _("users/"),
        include(
            [
                path("", views.coordinator_users, name="users"),
                path("<str:action>/", views.coordinator_role, name="role"),
            ]
        ),
    ),
    path(
        _("organisations/"),
        include(
            [
                path("", views.coordinator_organizations, name="organizations"),
                path("<slug:slug>/", views.coordinator_organization, name="organization"),
                path(
                    "<slug:slug>/<str:decision>/",
                    views.coordinator_organization_decide,
                    name="decide",
                ),
            ]
        ),
    ),
]
