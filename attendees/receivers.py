"""What the sign-up form keeps cached about the program and the questions, dropped when they change."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catering.models import CateringOffer
from program.models import ConferenceDay, ProgramItem
from registration.models import Question, QuestionChoice

from .selectors import forget_sign_up_choices


def _forget(edition_id: int) -> None:
    # Now, and again at commit: a request in between would cache the rows as they were.
    forget_sign_up_choices(edition_id)
    transaction.on_commit(lambda: forget_sign_up_choices(edition_id))


# Counters change through update(), which sends no signal: only what organisers edit drops the copy.
@receiver([post_save, post_delete], sender=ProgramItem)
@receiver([post_save, post_delete], sender=CateringOffer)
@receiver([post_save, post_delete], sender=ConferenceDay)
@receiver([post_save, post_delete], sender=Question)
def forget_cached_choices(instance, **kwargs):
    _forget(instance.edition_id)


@receiver([post_save, post_delete], sender=QuestionChoice)
def forget_cached_choices_of_question(instance, **kwargs):
    _forget(instance.question.edition_id)
