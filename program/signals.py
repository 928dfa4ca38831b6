from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Edition
from .selectors import CURRENT_EDITION_CACHE_KEY


@receiver([post_save, post_delete], sender=Edition)
def forget_current_edition(**kwargs):
    cache.delete(CURRENT_EDITION_CACHE_KEY)
