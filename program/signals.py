from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import selectors
from .models import ConferenceDay, Edition, EditionLink, EditionRole, Organisation, ProgramItem


@receiver([post_save, post_delete], sender=Edition)
@receiver([post_save, post_delete], sender=ConferenceDay)
def forget_current_edition(**kwargs):
    selectors.forget_current_edition()


@receiver([post_save, post_delete], sender=Edition)
@receiver([post_save, post_delete], sender=ConferenceDay)
@receiver([post_save, post_delete], sender=EditionLink)
@receiver([post_save, post_delete], sender=EditionRole)
@receiver([post_save, post_delete], sender=Organisation)
@receiver([post_save, post_delete], sender=ProgramItem)
@receiver(m2m_changed, sender=ProgramItem.hosts.through)
def forget_cached_program(**kwargs):
    selectors.bump_program_version()
