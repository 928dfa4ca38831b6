from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from backoffice.views import dashboard

from . import views

admin.site.site_header = _("Miejsca Otwarte — organisers' back office")
admin.site.site_title = _("Miejsca Otwarte back office")
admin.site.index_title = _("Editions, program and registrations")
# The lists need the width: the home page and the breadcrumbs lead everywhere the sidebar did.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("language/<str:language>/", views.switch_language, name="switch_language"),
    path(f"{settings.ADMIN_URL}dashboard/", admin.site.admin_view(dashboard), name="admin_dashboard"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("staff/", include("backoffice.urls")),
    path("registration/", include("attendees.urls")),
    path("", include("program.urls")),
]

handler400 = "miejsca_otwarte.views.bad_request"
handler404 = "miejsca_otwarte.views.page_not_found"
handler500 = "miejsca_otwarte.views.server_error"
