"""What registration tells the apps above it, inside the transaction of the change.

Sent after the person's seats are handled and before the commit, so a receiver's locks come after
the items' (registration.locking): the catering takes the edition's offer there. A receiver may
refuse by raising its own `DomainError`; the whole change is then rolled back.
"""

from django.dispatch import Signal

# registration, now: the person cancelled (or was cancelled); release what you hold for them.
registration_cancelled = Signal()
# registration, erased: the personal data is being erased (RODO); erase yours. `erased` holds the
# texts that were the person's (name, e-mail), for copies kept as free text.
registration_anonymised = Signal()
# registration, days: the person's days are about to become `days`; raise to refuse.
registration_days_changing = Signal()
