"""What registration keeps cached about the program, dropped when the program changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from program.models import ProgramItem

from .selectors import forget_bookable_items


@receiver([post_save, post_delete], sender=ProgramItem)
def forget_cached_items(instance: ProgramItem, **kwargs):
    forget_bookable_items(instance.edition_id)
