from django.urls import path

from . import views

app_name = "program"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("contact/", views.contact, name="contact"),
    path("program/", views.program, name="program"),
    path("program/program.ics", views.program_ics, name="ics"),
    path("program/<slug:slug>/", views.item_detail, name="item"),
]
