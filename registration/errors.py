"""The domain errors of registration: a rule said no, with a message for the person.

Each area has one error type with its messages (catering has its own in `catering.errors`); all
share `DomainError`, which is what views and the admin turn into a message on the page.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule said no. `message` is for the person, in their language."""

    MESSAGES: dict = {}

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.code]) % self.params


class LockBusy(DomainError):
    """A row lock was not granted within `lock_timeout` (registration.locking)."""

    MESSAGES = {"busy": _("Many people are signing up right now. Please try again in a moment.")}

    def __init__(self):
        super().__init__("busy")


class RegistrationError(DomainError):
    MESSAGES = {
        "closed": _("Registration is closed."),
        "duplicate_email": _(
            "This e-mail address is already registered for this edition. "
            "Use “Send me my link again” to change your registration."
        ),
        "clash": _("“%(first)s” and “%(second)s” take place at the same time: choose one of them."),
        "unknown_item": _("One of the chosen program items is not available."),
        "no_day": _("Choose at least one day you will attend."),
        "consent_required": _("You have to accept the participation terms and the privacy information."),
        "cancelled": _("This registration has been cancelled."),
        "changes_closed": _("Changes are closed for this edition: write to the organisers (%(contact)s)."),
        "changes_closed_no_contact": _(
            "Changes are closed for this edition: write to the organisers (see the contact page)."
        ),
        "capacity_below_taken": _(
            "The capacity cannot be lower than the %(taken)s seats already taken. "
            "Ask people to move to another item first."
        ),
        "no_free_seat": _("There is no free seat on “%(item)s”: raise its capacity first."),
        "waitlist_empty": _("Nobody is waiting for “%(item)s”."),
        "not_limited": _("“%(item)s” has no capacity limit."),
        "already_on_item": _("%(name)s already has a seat or a waiting place on “%(item)s”."),
        "booking_gone": _("This place has changed in the meantime: reload the page and try again."),
        "not_awaiting_approval": _("The registration of %(name)s is not awaiting approval."),
        "item_cancelled": _("“%(item)s” has been cancelled."),
        "item_ends_before_start": _("An item has to end after it starts."),
        "item_change_clash": _(
            "At the new time these people would have two items at once: %(names)s. "
            "Nothing was changed: confirm the change to make it anyway."
        ),
        "submission_reused": _(
            "This form has already been sent with another e-mail address. Nothing has been "
            "registered now: check your details below and send the form again."
        ),
    }


class ItemChangeClash(RegistrationError):
    """A change of an item's time would give people two items at the same time. `clashes` holds
    them (`registration.selectors.Clash`); the organiser may confirm the change anyway."""

    def __init__(self, clashes):
        self.clashes = clashes
        names = ", ".join(sorted({str(clash.registration) for clash in clashes}))
        super().__init__("item_change_clash", names=names)


class CheckInError(DomainError):
    MESSAGES = {
        "not_attending": _("%(name)s did not register for %(day)s."),
        "cancelled": _("The registration of %(name)s has been cancelled."),
        "awaiting_approval": _(
            "The registration of %(name)s still awaits the organisers' approval: no entry yet."
        ),
    }


class QuestionError(DomainError):
    """An organiser's question that cannot be asked as written, or an answer that does not fit its
    question. `field` names the question's field at fault, for the admin's form (None: the whole)."""

    MESSAGES = {
        "text_missing": _(
            "Write the question in both Polish and English: each person reads it in the language "
            "of their form."
        ),
        "day_and_item": _("Choose a day or a program item, not both."),
        "condition_elsewhere": _("Choose a day or a program item of the question's edition."),
        "item_not_limited": _(
            "Choose a program item people sign up for (one with a capacity): only those are on the form."
        ),
        "kind_answered": _(
            "People have answered this question already: its kind of answer cannot change. "
            "Untick “asked” and add a new question instead."
        ),
        "choices_missing": _("A choice question needs at least two choices."),
        "choice_text_missing": _("Write every choice in both Polish and English."),
        "choices_unused": _(
            "Only a choice question has choices: remove them, or choose “One choice” or “Several choices”."
        ),
        "choice_answered": _(
            "“%(choice)s” has been chosen by people already: it cannot be removed. Change its "
            "wording instead, or untick “asked” and add a new question."
        ),
        "question_answered": _(
            "People have answered “%(question)s”: it cannot be deleted. Untick “asked” to stop asking it."
        ),
        "answer_required": _("Answer the question “%(question)s”."),
        "answer_invalid": _("The answer to “%(question)s” is not one it allows: check it and send again."),
        "question_changed": _(
            "The questions on the form have changed in the meantime: check your answers and send again."
        ),
    }

    def __init__(self, code: str, *, field: str | None = None, **params):
        self.field = field
        super().__init__(code, **params)
