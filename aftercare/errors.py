"""The domain error of what comes after the conference: a certificate or a survey answer refused."""

from django.utils.translation import gettext_lazy as _

from registration.errors import DomainError


class AftercareError(DomainError):
    MESSAGES = {
        "not_over": _("The certificate of attendance and the survey open once the conference is over."),
        "not_checked_in": _(
            "Certificates of attendance and the survey are for people who were checked in at the "
            "conference. If you were there, write to the organisers."
        ),
        "cancelled": _("This registration has been cancelled."),
        "certificate_just_sent": _(
            "Your certificate was sent a moment ago: look in your inbox (and the spam folder). "
            "You can ask again in a few minutes."
        ),
        "already_answered": _("You have already answered the survey: thank you!"),
        "empty_answer": _("Rate at least one day or program item, or write a comment."),
        "bad_rating": _("A rating is a whole number from 1 to 5."),
        "not_attended": _("You can rate only the days and program items you attended."),
        "comment_too_long": _("The comment can be at most %(limit)s characters long."),
    }
