from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CateringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catering"
    verbose_name = _("Catering and free tickets")

    def ready(self):
        from . import receivers  # noqa: F401 (connects the receivers)
