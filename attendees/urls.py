from django.urls import path

from . import views

# The namespace names the URL space /registration/, which links in sent e-mails point into.
app_name = "registration"

MANAGE = "<uuid:public_id>/<str:token>/"

urlpatterns = [
    path("", views.register, name="register"),
    path("seats.json", views.seats, name="seats"),
    path("link/", views.resend_link, name="resend_link"),
    path("privacy/", views.privacy, name="privacy"),
    path(f"thanks/{MANAGE}", views.thanks, name="thanks"),
    path(f"manage/{MANAGE}", views.manage, name="manage"),
    path(f"manage/{MANAGE}items/", views.manage_items, name="manage_items"),
    path(f"manage/{MANAGE}details/", views.manage_details, name="manage_details"),
    path(f"manage/{MANAGE}catering/", views.manage_catering, name="manage_catering"),
    path(f"manage/{MANAGE}cancel/", views.cancel, name="cancel"),
    path(f"manage/{MANAGE}delete/", views.delete_data, name="delete"),
    path(f"manage/{MANAGE}ticket/", views.ticket, name="ticket"),
    path(f"manage/{MANAGE}ticket.pdf", views.ticket_pdf, name="ticket_pdf"),
    path(f"manage/{MANAGE}calendar.ics", views.my_calendar, name="calendar"),
    path(f"manage/{MANAGE}data.json", views.my_data, name="data"),
    path(f"manage/{MANAGE}certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path(f"manage/{MANAGE}certificate/send/", views.certificate_send, name="certificate_send"),
    path(f"manage/{MANAGE}feedback/", views.feedback, name="feedback"),
]
