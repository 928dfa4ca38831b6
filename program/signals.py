from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import selectors
from .models import ConferenceDay, Edition, EditionLink, EditionRole, Organisation, ProgramItem


@receiver([post_save, post_delete], sender=Edition)
@receiver([post_save, post_delete], sender=ConferenceDay)
def forget_current_edition(**kwargs):
    # Again at commit: a request in between would cache the rows as they were (as below).
    selectors.forget_current_edition()
    transaction.on_commit(selectors.forget_current_edition)


@receiver([post_save, post_delete], sender=Edition)
@receiver([post_save, post_delete], sender=ConferenceDay)
@receiver([post_save, post_delete], sender=EditionLink)
@receiver([post_save, post_delete], sender=EditionRole)
@receiver([post_save, post_delete], sender=Organisation)
@receiver([post_save, post_delete], sender=ProgramItem)
@receiver(m2m_changed, sender=ProgramItem.hosts.through)
def forget_cached_program(**kwargs):
    # Now, for what this transaction renders next, and at commit: a page another request rendered
    # in between from the rows as they were would otherwise stay current under the new version.
    selectors.bump_program_version()
    transaction.on_commit(selectors.bump_program_version)
