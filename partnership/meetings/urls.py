"""The partnership meetings under /samordning/moten/ (``meetings:``)."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from partnership.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path(_("new/"), views.meeting_create, name="create"),
    path(_("history/"), views.meeting_history, name="history"),
    path(_("decisions/<int:decision_id>/done/"), views.decision_done, name="decision_done"),
    path(
        "<uuid:public_id>/",
        include(
            [
                path("", views.meeting_detail, name="detail"),
                path(_("edit/"), views.meeting_edit, name="edit"),
                path(_("agenda/"), views.agenda_item_add, name="item_add"),
                path(_("agenda/refresh/"), views.agenda_refresh, name="agenda_refresh"),
                path(
                    _("agenda/<int:item_id>/decide/<str:kind>/"),
                    views.decision_create,
                    name="decide",
                ),
                path(
                    _("agenda/<int:item_id>/<str:action>/"),
                    views.agenda_item_change,
                    name="item_change",
                ),
                path(_("minutes/"), views.minutes_edit, name="minutes"),
                path(_("approve/"), views.minutes_approve, name="approve"),
                path(_("minutes.pdf"), views.minutes_pdf, name="pdf"),
                path("invitation.ics", views.meeting_ics, name="ics"),
            ]
        ),
    ),
]
