from django.urls import path

from . import views as staff_views

app_name = "staff"

urlpatterns = [
    path("checkin/", staff_views.checkin_page, name="checkin"),
    path("checkin/<int:registration_id>/<int:day_id>/", staff_views.checkin_action, name="checkin_action"),
    path("checkin/code/<int:day_id>/", staff_views.checkin_code, name="checkin_code"),
    path("checkin/counts.json", staff_views.checkin_counts, name="checkin_counts"),
    path("checkin/walk-in/<int:day_id>/", staff_views.checkin_walk_in, name="checkin_walk_in"),
    path("exports/item/<int:item_id>.<str:file_format>", staff_views.item_export, name="item_export"),
    path("exports/funders.xlsx", staff_views.funder_report, name="funder_report"),
    path("exports/catering.<str:file_format>", staff_views.catering_export, name="catering_export"),
    path("exports/catering-invoices.<str:file_format>", staff_views.invoice_export, name="invoice_export"),
    path("exports/sign-in/day/<int:day_id>.pdf", staff_views.sign_in_sheet_day, name="sign_in_day"),
    path("exports/sign-in/item/<int:item_id>.pdf", staff_views.sign_in_sheet_item, name="sign_in_item"),
    path("exports/badges.pdf", staff_views.badges, name="badges"),
    path("exports/certificates.pdf", staff_views.certificates, name="certificates"),
    path("exports/feedback.xlsx", staff_views.feedback_export, name="feedback_export"),
    path("exports/feedback-<str:part>.csv", staff_views.feedback_csv, name="feedback_csv"),
]
