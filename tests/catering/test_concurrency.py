import threading

import pytest
from django.db import connection

from catering.models import CateringOffer, CateringOrder, FreeTicketClaim

from .conftest import free, load_edition, register, set_limits

THREADS = 50
QUOTA = 10


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_claims_never_exceed_the_quota():
    edition = load_edition()
    offer = set_limits(CateringOffer.objects.get(edition=edition), free_ticket_quota=QUOTA)
    barrier = threading.Barrier(THREADS)
    errors = []

    def claim(number: int) -> None:
        try:
            barrier.wait()
            register(edition, free(), email=f"rush{number}@example.com")
        except Exception as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    offer.refresh_from_db()
    assert (offer.free_taken, offer.free_waitlist_length) == (QUOTA, THREADS - QUOTA)
    assert FreeTicketClaim.objects.filter(status="pending").count() == QUOTA
    positions = sorted(
        FreeTicketClaim.objects.filter(status="waitlisted").values_list("waitlist_position", flat=True)
    )
    assert positions == list(range(1, THREADS - QUOTA + 1))
    assert CateringOrder.objects.filter(status="free").count() == QUOTA
    assert CateringOrder.objects.filter(status="waiting").count() == THREADS - QUOTA
