from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "program"
    verbose_name = _("Program")

    def ready(self):
        from . import signals  # noqa: F401
