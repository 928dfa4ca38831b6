from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        # Here and not in a models.py: modeltranslation adds the title_pl/title_en columns in its
        # own ready(), which runs before this one, and the history should keep them too.
        from . import history, receivers  # noqa: F401
