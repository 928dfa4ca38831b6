from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendeesConfig(AppConfig):
    name = "attendees"
    verbose_name = _("Attendees' pages")

    def ready(self):
        from . import receivers  # noqa: F401 (connects the receivers)
