from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import ConferenceDay, Edition, Organisation, ProgramItem
from .selectors import CURRENT_EDITION_CACHE_KEY, bump_program_version


@receiver([post_save, post_delete], sender=Edition)
@receiver([post_save, post_delete], sender=ConferenceDay)
def forget_current_edition(**kwargs):
    cache.delete(CURRENT_EDITION_CACHE_KEY)


@receiver([post_save, post_delete], sender=Edition)
@receiver([post_save, post_delete], sender=ConferenceDay)
@receiver([post_save, post_delete], sender=Organisation)
@receiver([post_save, post_delete], sender=ProgramItem)
@receiver(m2m_changed, sender=ProgramItem.hosts.through)
def forget_cached_program(**kwargs):
    bump_program_version()
