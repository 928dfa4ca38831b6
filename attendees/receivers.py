"""What the sign-up form keeps cached about the program and the questions, dropped when they change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catering.models import CateringOffer
from program.models import ConferenceDay, ProgramItem
from registration.models import Question, QuestionChoice

from .selectors import forget_sign_up_choices


# Counters change through update(), which sends no signal: only what organisers edit drops the copy.
@receiver([post_save, post_delete], sender=ProgramItem)
@receiver([post_save, post_delete], sender=CateringOffer)
@receiver([post_save, post_delete], sender=ConferenceDay)
@receiver([post_save, post_delete], sender=Question)
def forget_cached_choices(instance, **kwargs):
    forget_sign_up_choices(instance.edition_id)


@receiver([post_save, post_delete], sender=QuestionChoice)
def forget_cached_choices_of_question(instance, **kwargs):
    forget_sign_up_choices(instance.question.edition_id)
