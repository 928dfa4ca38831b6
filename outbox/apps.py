from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outbox"
    verbose_name = _("Outgoing e-mail")

    def ready(self):
        from . import checks  # noqa: F401 (registers the mail's deployment check)
