"""The back office's own domain errors: a rule of the organisers' tools said no."""

from django.utils.translation import gettext_lazy as _

from registration.errors import DomainError


class EditionError(DomainError):
    MESSAGES = {
        "number_taken": _("An edition number %(number)s exists already: choose another number."),
        "starts_in_the_past": _("The new edition cannot start in the past (%(date)s): choose a later date."),
    }
