from django.urls import path

from stakeholders import views

app_name = "stakeholders"

urlpatterns = [
    # Directory
    path("", views.organization_list, name="list"),
    # Applications
    # Organisation profile, members and invitations
    # (keep the catch-all slug pattern last)
    path("<slug:slug>/", views.organization_detail, name="detail"),
]
