"""Queue BENCH_MAILS confirmation e-mails for seeded registrations with bookings, after dropping
whatever the sign-up run queued, so `db_worker --batch` drains exactly these.
`manage.py shell < bench/mails.py`."""

import os

from django.db import transaction
from django_tasks_db.models import DBTaskResult

from outbox.models import OutgoingMail
from outbox.services import mail_queue
from registration.models import Registration

COUNT = int(os.environ.get("BENCH_MAILS", "400"))

with transaction.atomic():
    DBTaskResult.objects.all().delete()
    OutgoingMail.objects.all().delete()
    people = Registration.objects.filter(bookings__isnull=False, email__startswith="seed").distinct()
    for registration in people.order_by("pk")[:COUNT]:
        mail_queue(registration=registration, kind=OutgoingMail.Kind.CONFIRMATION)
print(f"queued {OutgoingMail.objects.count()} mails")
