from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("registration/", include("registration.urls")),
    path("", include("program.urls")),
]

handler404 = "miejsca_otwarte.views.page_not_found"
handler500 = "miejsca_otwarte.views.server_error"
