"""Who changed what and when, for the records organisers act on.

The history tables live in this app (not beside the models) so that the apps that own the models
keep their migrations to themselves. `HistoryRequestMiddleware` puts the signed-in user on every
entry written during a request, including the entries written by services an admin action calls.

What is recorded: every `.save()`, `.create()` and `.delete()` (queryset deletes too: they send
the signals). What is not: queryset `.update()`, `bulk_create` and `bulk_update`, which the
services use for derived data — seat counters on program items, shifting waiting-list positions,
the day rows and the answers created at sign-up. Promotions from the waiting list are saved one by
one, so each is recorded. Admin actions also write Django's admin log with the user.

The organisers' questions on the form and their choices are recorded with each text per language;
a person's answers from their first change on (the sign-up's answers are the registration's own
first version, as its days are).

Outgoing mail has no history: its row is its own log (state, attempts, last error, sent at), and
a history row per queued and per sent mail doubled the writes of the two busiest paths, sign-up
and the mail worker. The organisers' messages are recorded when sent (the texts, the group, the
user); their recipient rows are not (written once with the message, never changed). The feedback
survey's requests are recorded (invited, answered); its answers are not: they are anonymous
(aftercare.models), and certificates sent are outgoing mail.

Anonymising a registration (RODO) blanks the personal columns of its history rows, and the
values of its answers' history rows (audit.receivers, on
registration.signals.registration_anonymised); its mails and its answers are deleted. A
message's row for the person stays, pointing at the blanked registration, without its mail.
"""

import functools

import simple_history
from django.db import connections, router
from django.utils import timezone
from modeltranslation.translator import translator
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

from aftercare.models import FeedbackRequest
from common.prepared import prepared_cursor
from messaging.models import Message
from program.models import Edition, ProgramItem
from registration.models import Answer, Booking, DayAttendance, Question, QuestionChoice, Registration


class OnceBuiltHistoryManager(HistoryManager):
    """simple-history builds its manager class anew each time `instance.history` is read
    (`from_queryset()` inspects every queryset method), and it reads it for every history row it
    writes (docs/performance.md has its cost). The class depends only on the queryset class: built once."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class CopiedCreations(HistoricalRecords):
    """simple-history's trail, with a creation's entry copied from the new row by the database:
    one `INSERT … SELECT` with five values, instead of a historical model instance saved through
    the ORM with every column a value (docs/performance.md: on a sign-up it cost more than the
    registration's own insert). The entry is the same: the row was written from the instance a
    moment ago, every column of it. Changes and deletions are recorded as simple-history records
    them (after an update the instance may hold values the row does not). A creation sends no
    pre/post_create_historical_record signal: nothing here listens to them."""

    def create_historical_record(self, instance, history_type, using=None):
        if history_type != "+":
            super().create_historical_record(instance, history_type, using=using)
            return
        user = self.get_history_user(instance)
        history_date = getattr(instance, "_history_date", None) or timezone.now()
        alias, sql = self._copy
        connection = connections[alias]
        with prepared_cursor(connection) as cursor:
            cursor.execute(
                sql,
                [
                    connection.ops.adapt_datetimefield_value(history_date),
                    history_type,
                    None if user is None else user.pk,
                    self.get_change_reason_for_object(instance, history_type, using),
                    instance.pk,
                ],
            )

    @functools.cached_property
    def _copy(self) -> tuple[str, str]:
        """The database the entries go to, and the statement that copies a row into them."""
        model = self.cls
        history_model = getattr(model, self.manager_name).model
        alias = router.db_for_write(history_model)
        connection = connections[alias]
        quote = connection.ops.quote_name
        history_columns = {field.attname: field.column for field in history_model._meta.fields}
        copied = self.fields_included(model)
        targets = [history_columns[field.attname] for field in copied]
        targets += [history_columns[name] for name in ENTRY_COLUMNS]
        values = ["%s"] * len(ENTRY_COLUMNS)
        if connection.vendor == "postgresql":
            # Bound on the server (common.prepared), a value in a SELECT list is typed as text,
            # a missing user too: each is cast to its column's type.
            entry_fields = [history_model._meta.get_field(name) for name in ENTRY_COLUMNS]
            values = [f"CAST(%s AS {field.cast_db_type(connection)})" for field in entry_fields]
        # Names and types from the models' metadata, quoted; the values are parameters.
        sql = (
            f"INSERT INTO {quote(history_model._meta.db_table)} ({', '.join(map(quote, targets))}) "  # noqa: S608
            f"SELECT {', '.join(quote(field.column) for field in copied)}, {', '.join(values)} "
            f"FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} = %s"
        )
        return alias, sql


# What an entry adds to the copied row, in the order of the statement's values.
ENTRY_COLUMNS = ("history_date", "history_type", "history_user_id", "history_change_reason")


def register(model, **options) -> None:
    simple_history.register(
        model, app="audit", history_manager=OnceBuiltHistoryManager, records_class=CopiedCreations, **options
    )


# A translated field's plain name (`title`) reads in the language active when the row is saved, so
# a save in the other language looked like a change of text: the history keeps `title_pl` and
# `title_en`, the texts themselves.
register(Edition, excluded_fields=translator.get_options_for_model(Edition).get_field_names())
register(ProgramItem, excluded_fields=translator.get_options_for_model(ProgramItem).get_field_names())
# The management token is a password: it stays out of the history.
register(Registration, excluded_fields=["manage_token"])
register(Booking)
register(DayAttendance)
register(Message, excluded_fields=translator.get_options_for_model(Message).get_field_names())
register(Question, excluded_fields=translator.get_options_for_model(Question).get_field_names())
register(QuestionChoice, excluded_fields=translator.get_options_for_model(QuestionChoice).get_field_names())
register(Answer)
# Who was invited to the survey and when they answered; never the answers, which name nobody.
register(FeedbackRequest)
