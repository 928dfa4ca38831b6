from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from registration.staff_views import dashboard

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(f"{settings.ADMIN_URL}dashboard/", admin.site.admin_view(dashboard), name="admin_dashboard"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("staff/", include("registration.staff_urls")),
    path("registration/", include("registration.urls")),
    path("", include("program.urls")),
]

handler404 = "miejsca_otwarte.views.page_not_found"
handler500 = "miejsca_otwarte.views.server_error"
