"""The free-ticket quota under churn, run for real: every thread its own PostgreSQL connection.

Claims are cancelled (through `registration_cancel`, whose signal releases the catering), rejected
and dropped while newcomers claim and an organiser raises the quota. Afterwards (`problems`): the
counters equal the claims and orders, the waiting positions run 1..n in the order people claimed,
nobody waits while a free ticket is left, every promoted claim got its "claim_promoted" mail, and a
new claim still works. The control runs the same churn with the row locks switched off and shows
the checks then fail (see tests/registration/test_locking.py).
"""

import functools
import itertools
from collections import Counter

import pytest
from django.db.models.signals import post_save

from catering import services as catering
from catering.models import CateringOffer, CateringOrder, FreeTicketClaim
from outbox.models import OutgoingMail
from registration import locking, services
from registration.models import Registration
from tests.registration.test_locking import run_parallel, unlocked

from .conftest import NOW, free, paid, register, set_limits

ClaimStatus, OrderStatus = FreeTicketClaim.Status, CateringOrder.Status
QUOTA = 5
_probes = itertools.count(1)


@pytest.fixture
def claims_born():
    """The status each claim had when it was made (a promoted claim leaves no other trace)."""
    born: dict[int, str] = {}

    def record(sender, instance, created, **kwargs):
        if created:
            born[instance.pk] = instance.status

    post_save.connect(record, sender=FreeTicketClaim, weak=False, dispatch_uid="claims_born")
    yield born
    post_save.disconnect(sender=FreeTicketClaim, dispatch_uid="claims_born")


# --- the checks --------------------------------------------------------------------------------


def problems(offer: CateringOffer, born: dict[int, str]) -> list[str]:
    """Everything wrong with the offer's counters, claims, orders and promotion mails."""
    offer.refresh_from_db()
    found = []
    claims = FreeTicketClaim.objects.filter(offer=offer)
    holding = claims.filter(status__in=FreeTicketClaim.HOLDS_PLACE)
    waiting = list(
        claims.filter(status=ClaimStatus.WAITLISTED)
        .order_by("waitlist_position", "pk")
        .values_list("pk", "waitlist_position", "created_at")
    )
    if offer.free_taken != holding.count():
        found.append(f"free_taken {offer.free_taken} but {holding.count()} pending or approved claims")
    if offer.free_taken > offer.free_ticket_quota:
        found.append(f"free_taken {offer.free_taken} over the quota {offer.free_ticket_quota}")
    if offer.free_waitlist_length != len(waiting):
        found.append(f"free_waitlist_length {offer.free_waitlist_length} but {len(waiting)} waiting")
    positions = [position for _, position, _ in waiting]
    if positions != list(range(1, len(waiting) + 1)):
        found.append(f"claim positions not 1..n: {positions}")
    pks = [pk for pk, _, _ in waiting]
    if pks != sorted(pks) or [c for *_, c in waiting] != sorted(c for *_, c in waiting):
        found.append("the claims' waiting list is not in the order people claimed")
    if waiting and offer.free_left > 0:
        found.append(f"{offer.free_left} free tickets left while {len(waiting)} people wait")

    orders = CateringOrder.objects.filter(offer=offer)
    paid_meals = orders.filter(status__in=CateringOrder.PAID_MEAL).count()
    if offer.paid_taken != paid_meals:
        found.append(f"paid_taken {offer.paid_taken} but {paid_meals} paid meals")
    if offer.paid_taken > offer.capacity - offer.free_ticket_quota:
        found.append("paid meals over the caterer's capacity")
    live_orders = {o.registration_id: o for o in orders.filter(status__in=CateringOrder.LIVE)}
    for claim in claims.filter(status__in=[*FreeTicketClaim.HOLDS_PLACE, ClaimStatus.WAITLISTED]):
        order = live_orders.get(claim.registration_id)
        if claim.holds_place:
            expected = {OrderStatus.FREE}
        elif claim.fallback_paid:
            expected = set(CateringOrder.PAID_MEAL)
        else:
            expected = {OrderStatus.WAITING}
        if order is None or order.status not in expected:
            found.append(f"{claim.status} claim {claim.pk} has order {order and order.status}")
    if orders.filter(status=OrderStatus.FREE).count() != holding.count():
        found.append("free meals differ from the claims holding a place")
    stale = Registration.objects.filter(status=Registration.Status.CANCELLED)
    if orders.filter(registration__in=stale, status__in=CateringOrder.LIVE).exists():
        found.append("a cancelled registration still holds a meal")

    # Promotions: each claim that was made waiting and holds a place now was promoted, and its
    # person was told, once; nobody else was told they were promoted.
    mailed = Counter(
        OutgoingMail.objects.filter(kind=OutgoingMail.Kind.CLAIM_PROMOTED).values_list(
            "registration_id", flat=True
        )
    )
    born_waiting = {pk for pk, status in born.items() if status == ClaimStatus.WAITLISTED}
    promoted = holding.filter(pk__in=born_waiting)
    for registration_id in promoted.values_list("registration_id", flat=True):
        if mailed[registration_id] != 1:
            found.append(f"registration {registration_id} was promoted with {mailed[registration_id]} mails")
    told = claims.filter(registration__in=list(mailed))
    if told.exclude(pk__in=born_waiting).exists() or any(count > 1 for count in mailed.values()):
        found.append(f"promotion mails to people who were not promoted once: {dict(mailed)}")
    if pks and told.exists() and max(told.values_list("pk", flat=True)) > min(pks):
        found.append("a claim was promoted ahead of one made earlier")
    return found


def claim_problems(edition, offer: CateringOffer, born: dict[int, str]) -> list[str]:
    """A newcomer claims a free ticket: one left, or the next waiting place."""
    offer.refresh_from_db()
    free_left, waiting = offer.free_left, offer.free_waitlist_length
    try:
        registration = register(edition, free(), email=f"claim-probe{next(_probes)}@example.com")
    except Exception as error:
        return [f"a new claim failed: {error!r}"]
    claim = registration.ticket_claims.get()
    expected = (ClaimStatus.PENDING, None) if free_left else (ClaimStatus.WAITLISTED, waiting + 1)
    if (claim.status, claim.waitlist_position) != expected:
        return [f"a new claim got {claim.status} {claim.waitlist_position}, expected {expected}"]
    return problems(offer, born)


def assert_offer_consistent(edition, offer: CateringOffer, born: dict[int, str]) -> None:
    assert problems(offer, born) == []
    assert claim_problems(edition, offer, born) == []


# --- 5. the free-ticket quota under churn ------------------------------------------------------


def quota_churn(edition, offer: CateringOffer) -> list[BaseException]:
    """Five free tickets given, fifteen people waiting (every third buying the meal meanwhile).
    At once: two holders and five waiting people cancel, a claim is rejected, an organiser raises
    the quota twice, six newcomers claim and two order a paid meal."""
    holders = [register(edition, free()) for _ in range(QUOTA)]
    waiting = [register(edition, free(fallback_paid=number % 3 == 0)) for number in range(15)]

    def organiser():
        for quota in (QUOTA + 2, QUOTA + 4):
            catering.catering_offer_update(offer=offer, values={"free_ticket_quota": quota}, now=NOW)

    def reject():
        claim = holders[1].ticket_claims.get()
        catering.claim_reject(claim=claim, reason="Adres poza Małopolską", now=NOW)

    tasks = [organiser, reject]
    for person in (holders[0], holders[3], waiting[0], waiting[1], waiting[4], waiting[8], waiting[14]):
        tasks.append(lambda person=person: services.registration_cancel(registration=person))
    tasks += [lambda: register(edition, free()) for _ in range(6)]
    tasks += [lambda: register(edition, paid()) for _ in range(2)]
    return run_parallel(tasks)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_free_ticket_quota_under_churn(edition, offer, claims_born):
    offer = set_limits(offer, free_ticket_quota=QUOTA)
    assert quota_churn(edition, offer) == []
    assert_offer_consistent(edition, offer, claims_born)
    assert OutgoingMail.objects.filter(kind=OutgoingMail.Kind.CLAIM_PROMOTED).count() >= 4


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_control_quota_churn_without_locks(edition, offer, claims_born, monkeypatch):
    monkeypatch.setattr(locking, "lock_rows", unlocked)
    for attempt in range(3):
        if attempt:  # start again from nobody
            Registration.objects.all().delete()
        offer = set_limits(offer, free_ticket_quota=QUOTA, paid_taken=0, free_taken=0, free_waitlist_length=0)
        errors = quota_churn(edition, offer)
        if found := errors + problems(offer, claims_born) + claim_problems(edition, offer, claims_born):
            print("without the locks:", found[:5])  # shown with -s
            return
    pytest.fail("the race never showed without the locks: the main test proves nothing")


# --- a waiting claimant gives up the catering while being promoted -------------------------------


def drop_against_promotion(edition, offer: CateringOffer, born, rounds: int, *, stop_at_first=False):
    """The quota is full. Each round a holder cancels (their ticket goes to the first person
    waiting) at the moment that first person drops the catering; the second must get the ticket."""
    offer = set_limits(offer, free_ticket_quota=1)
    holder = register(edition, free())
    outcome = []
    for _ in range(rounds):
        first, second = register(edition, free()), register(edition, free())
        errors = run_parallel(
            [
                functools.partial(services.registration_cancel, registration=holder),
                functools.partial(catering.catering_drop, registration=first, now=NOW),
            ]
        )
        found = errors + problems(offer, born)
        if not found and second.ticket_claims.get().status != ClaimStatus.PENDING:
            found.append("the second person waiting did not get the ticket")
        outcome.append(found)
        if found and stop_at_first:
            break
        holder = second
    return outcome


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_waiting_claimant_dropping_the_catering_while_promoted(edition, offer, claims_born):
    """catering_drop locks the person's order (rank 4) before the offer (rank 3), while the
    promotion holds the offer and locks the promoted person's order: the two wait for each other
    in a circle, PostgreSQL breaks it after 1 s and the drop answers "busy"."""
    outcome = drop_against_promotion(edition, offer, claims_born, rounds=15, stop_at_first=True)
    assert [(number, found) for number, found in enumerate(outcome, 1) if found] == []
    assert_offer_consistent(edition, offer, claims_born)


@pytest.mark.django_db(transaction=True)
def test_control_drop_against_promotion_without_locks(edition, offer, claims_born, monkeypatch):
    monkeypatch.setattr(locking, "lock_rows", unlocked)
    outcome = drop_against_promotion(edition, offer, claims_born, rounds=8, stop_at_first=True)
    assert any(outcome), "the race never showed without the locks: the main test proves nothing"
