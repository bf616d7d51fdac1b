from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from partnership.filter_addresses import without_empty_parameters
from stakeholders import views

app_name = "stakeholders"
matrix = without_empty_parameters(views.organization_matrix)

urlpatterns = [
    # Directory
    # No JavaScript on these pages: empty filters are left out by a redirect.
    path("", without_empty_parameters(views.organization_list), name="list"),
    path(_("matrix/themes/"), matrix, {"dimension": "themes"}, "matrix_themes"),
    path(_("matrix/areas/"), matrix, {"dimension": "areas"}, "matrix_areas"),
    path("export.csv", views.organization_export_csv, name="export_csv"),
    path("export.xlsx", views.organization_export_xlsx, name="export_xlsx"),
    # Applications
    path(_("apply/"), views.organization_apply, name="apply"),
    path(_("apply/sent/"), views.organization_apply_done, name="apply_done"),
    path(
        _("apply/confirm/"),
        include([path("<str:token>/", views.application_verify, name="application_verify")]),
    ),
    # Organisation profile, members and invitations
    path(
        "<slug:slug>/",
        include(
            [
                path(_("profile/"), views.organization_profile_edit, name="profile"),
                path(_("members/"), views.organization_members, name="members"),
                path(_("members/invite/"), views.invitation_create, name="invite"),
                path(_("members/role/"), views.membership_role_change, name="member_role"),
                path(_("members/remove/"), views.membership_remove, name="member_remove"),
                path(_("members/leave/"), views.membership_leave, name="leave"),
                path(_("invitations/resend/"), views.invitation_resend, name="invitation_resend"),
                path(_("invitations/revoke/"), views.invitation_revoke, name="invitation_revoke"),
            ]
        ),
    ),
    path(
        _("invitations/"),
        include([path("<str:token>/", views.invitation_accept, name="invitation_accept")]),
    ),
    # (keep the catch-all slug pattern last)
    path("<slug:slug>/", views.organization_detail, name="detail"),
]
