"""The messaging's domain error: a message the organisers cannot send as written."""

from django.utils.translation import gettext_lazy as _

from registration.errors import DomainError


class MessagingError(DomainError):
    MESSAGES = {
        "text_missing": _(
            "Write the subject and the message in both Polish and English: each person gets the "
            "version in the language they registered in."
        ),
        "day_required": _("Choose the day."),
        "item_required": _("Choose the program item."),
        "nobody": _("Nobody is in the chosen group: there is no one to send the message to."),
        "group_changed": _(
            "The group has changed since the preview (now: %(count)s). Check the new preview and send again."
        ),
    }
