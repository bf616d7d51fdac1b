from django.urls import path

from bench import views

urlpatterns = [path("", views.reference, name="reference")]
