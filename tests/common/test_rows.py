"""common.rows: the statements written once write what the ORM would."""

import pytest
from django.db import transaction
from django.utils import timezone

from common import rows
from outbox.models import OutgoingMail
from program.models import ProgramItem
from registration.models import Consent, Registration
from tests.factories import sign_up


@pytest.mark.django_db
def test_insert_gives_keys_and_fills_auto_now_add(edition):
    person = sign_up(edition)
    consents = [Consent(registration=person, kind=kind, granted=True, text_version="v") for kind in "ab"]
    before = timezone.now()
    rows.insert(consents)
    stored = {c.pk: (c.kind, c.recorded_at) for c in Consent.objects.filter(pk__in=[c.pk for c in consents])}
    assert stored == {c.pk: (c.kind, c.recorded_at) for c in consents}
    assert all(before <= c.recorded_at for c in consents)
    assert not consents[0]._state.adding


@pytest.mark.django_db
def test_insert_refuses_an_unsaved_related_object(edition):
    with pytest.raises(ValueError):
        unsaved = Registration(edition=edition)
        rows.insert([OutgoingMail(registration=unsaved, kind="confirmation", to="a@b.pl")])


@pytest.mark.django_db
def test_create_sends_the_signals_save_sends(edition):
    person = sign_up(edition, email="first@example.com")
    copy = Registration(edition=edition, email="second@example.com", first_name="A", last_name="B", town="K")
    rows.create(copy)
    assert [entry.history_type for entry in copy.history.all()] == ["+"]
    assert person.pk != copy.pk


@pytest.mark.django_db
def test_update_and_locked_values(visit):
    rows.update(ProgramItem, visit.pk, seats_taken=3, waitlist_length=2)
    with transaction.atomic():
        assert rows.locked_values(ProgramItem, [visit.pk], ["pk", "seats_taken", "waitlist_length"]) == [
            (visit.pk, 3, 2)
        ]
    visit.refresh_from_db()
    assert (visit.seats_taken, visit.waitlist_length) == (3, 2)
