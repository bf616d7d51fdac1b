from django.urls import path

from initiatives import views

app_name = "initiatives"

urlpatterns = [
    # Finding initiatives
    path("", views.initiative_list, name="list"),
    # Maintaining initiatives
    # (keep the catch-all slug pattern last)
    path("<slug:slug>/", views.initiative_detail, name="detail"),
]
