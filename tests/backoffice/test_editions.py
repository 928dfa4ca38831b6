"""Loading an edition from its data file keeps the organisers' work: `make run` loads the demo on
every start, and an edition that exists is left as it is (backoffice.editions, load_edition).
The admin's capacity edits go through the services: a raise promotes people at
once, a cut below what is held is refused and changes nothing."""

import copy
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.forms import MultiWidget
from django.urls import reverse
from django.utils import translation

from catering.errors import CateringError
from catering.models import CateringOffer, CateringOrder, FreeTicketClaim
from outbox.models import OutgoingMail
from program.models import ConferenceDay, Edition, ProgramItem
from registration import services
from registration.models import Booking, Registration
from tests.catering.conftest import free, paid, register, set_limits
from tests.catering.conftest import load_edition as load_catering_edition
from tests.factories import sign_up

pytestmark = pytest.mark.django_db

SLUG = "wizyta-kozlowka"  # a study visit on the first day, 20 seats in the file


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_edition", *args, stdout=out)
    return out.getvalue()


def the_edition() -> Edition:
    return Edition.objects.get(number=7)


def places(item: ProgramItem) -> list[tuple[int, str, int | None]]:
    """Who holds what on the item: (registration, status, waiting position)."""
    return list(
        Booking.objects.filter(item=item)
        .order_by("registration_id")
        .values_list("registration_id", "status", "waitlist_position")
    )


def counters(item: ProgramItem) -> tuple[int | None, int, int]:
    item.refresh_from_db()
    return item.capacity, item.seats_taken, item.waitlist_length


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def change_form_data(client, url: str, **changes) -> dict:
    """What the admin's change page posts back unchanged, with `changes` on top."""
    form = client.get(url).context["adminform"].form
    data = {}
    for field in form:
        value = field.value()
        widget = field.field.widget
        if isinstance(widget, MultiWidget):  # the split date and time of a datetime
            for index, part in enumerate(widget.decompress(value)):
                data[f"{field.html_name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(part) for part in value]
        elif isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif value is not None:
            data[field.html_name] = str(value)
    data.update(changes)
    data["_save"] = "Save"
    return data


# --- `make run`: the demo loaded on every start --------------------------------------------------


@pytest.mark.slow
def test_a_restart_keeps_capacities_places_and_organisers_edits():
    load("--upcoming")
    edition = the_edition()
    visit = ProgramItem.objects.get(edition=edition, slug=SLUG)
    services.item_set_capacity(item=visit, capacity=5)
    people = [sign_up(edition, [visit]) for _ in range(40)]
    assert counters(visit) == (5, 5, 35)
    before = places(visit)
    assert [position for _, status, position in before if status == "waitlisted"] == list(range(1, 36))

    # What organisers change in the back office between two starts.
    other = ProgramItem.objects.get(edition=edition, slug="wieczorne-spotkanie-sieciowanie")
    with translation.override("pl"):
        other.title = "Wieczór sieciujący (nowa sala)"
        other.save(update_fields=["title_pl"])
    starts_on, ends_on = edition.starts_on + dt.timedelta(days=1), edition.ends_on + dt.timedelta(days=1)
    Edition.objects.filter(pk=edition.pk).update(starts_on=starts_on, ends_on=ends_on)
    CateringOffer.objects.filter(edition=edition).update(price=Decimal("99.50"))
    rows = (ConferenceDay.objects.count(), ProgramItem.objects.count(), Registration.objects.count())
    mails = OutgoingMail.objects.count()

    output = load("--upcoming")

    assert "is there already and keeps its changes" in output
    assert Edition.objects.get() == edition
    assert (ConferenceDay.objects.count(), ProgramItem.objects.count(), Registration.objects.count()) == rows
    assert counters(visit) == (5, 5, 35)
    assert places(visit) == before
    assert OutgoingMail.objects.count() == mails  # nobody was told anything: nothing happened
    edition.refresh_from_db()
    assert (edition.starts_on, edition.ends_on) == (starts_on, ends_on)
    other.refresh_from_db()
    assert other.title_pl == "Wieczór sieciujący (nowa sala)"
    assert CateringOffer.objects.get(edition=edition).price == Decimal("99.50")

    latecomer = sign_up(edition, [visit])
    assert latecomer.bookings.values_list("status", "waitlist_position").get() == ("waitlisted", 36)
    assert counters(visit) == (5, 5, 36)
    assert len(people) == 40


def test_a_restart_after_the_days_were_moved_adds_no_days():
    """The organisers moved the conference by a week, days included: a restart must not bring
    the file's dates back as extra days."""
    load("--upcoming")
    edition = the_edition()
    week = dt.timedelta(days=7)
    for day in edition.days.order_by("-date"):
        ConferenceDay.objects.filter(pk=day.pk).update(date=day.date + week)
    Edition.objects.filter(pk=edition.pk).update(
        starts_on=edition.starts_on + week, ends_on=edition.ends_on + week
    )
    days = list(ConferenceDay.objects.order_by("date").values_list("date", flat=True))

    load("--upcoming")

    assert list(ConferenceDay.objects.order_by("date").values_list("date", flat=True)) == days


# --- a file that adds to an edition ----------------------------------------------------------------


NEW_ITEM = {
    "slug": "wizyta-nowe-miejsce",
    "kind": "study_visit",
    "title": "Wizyta studyjna: Nowe Miejsce",
    "place": "Nowe Miejsce",
    "starts_at": "2023-11-29T16:00",
    "ends_at": "2023-11-29T17:30",
    "capacity": 12,
}


def test_a_changed_file_leaves_an_edition_that_exists_as_it_is(edition_2023_data, tmp_path):
    """Adding to an edition that exists could not tell an item the organisers deleted from one
    never loaded: a deleted item would come back on every start. `--reset` takes the new file."""
    load("--upcoming")
    edition = the_edition()
    deleted = ProgramItem.objects.get(edition=edition, slug="wizyta-swietlica-debniki")
    deleted.delete()
    items = {item.pk: (item.slug, item.title, item.starts_at, item.capacity) for item in edition.items.all()}
    data = copy.deepcopy(edition_2023_data)
    data["items"].append(NEW_ITEM)
    path = tmp_path / "2023-plus.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    output = load(str(path), "--upcoming")

    assert "is there already" in output
    assert {
        item.pk: (item.slug, item.title, item.starts_at, item.capacity) for item in edition.items.all()
    } == items

    load(str(path), "--upcoming", "--reset")

    assert set(the_edition().items.values_list("slug", flat=True)) >= {NEW_ITEM["slug"], deleted.slug}


# --- --reset ------------------------------------------------------------------------------------


def test_reset_deletes_the_edition_with_its_people_and_loads_it_afresh():
    load("--upcoming")
    edition = the_edition()
    visit = ProgramItem.objects.get(edition=edition, slug=SLUG)
    services.item_set_capacity(item=visit, capacity=2)
    for _ in range(3):
        sign_up(edition, [visit])
    CateringOffer.objects.filter(edition=edition).update(price=Decimal("1.00"))
    assert counters(visit) == (2, 2, 1)

    output = load("--upcoming", "--reset")

    assert "Deleted the edition and its 3 registrations." in output
    assert "Loaded" in output
    fresh = the_edition()
    assert fresh.pk != edition.pk
    assert not Registration.objects.exists()
    assert not Booking.objects.exists()
    assert not OutgoingMail.objects.exists()
    assert counters(ProgramItem.objects.get(edition=fresh, slug=SLUG)) == (20, 0, 0)
    assert fresh.items.count() == 24
    assert fresh.days.count() == 2
    offer = CateringOffer.objects.get(edition=fresh)
    assert (offer.price, offer.capacity, offer.free_ticket_quota) == (Decimal("120.00"), 150, 60)
    assert fresh.is_current


def test_reset_with_catering_orders_and_claims():
    """Orders and claims hold the offer (PROTECT): the reset must take them away first."""
    edition = load_catering_edition()
    set_limits(CateringOffer.objects.get(edition=edition), free_ticket_quota=1)
    register(edition, free())
    register(edition, free())  # waits for a free ticket
    assert FreeTicketClaim.objects.filter(status="waitlisted").count() == 1

    output = load("--reset")

    assert "Deleted the edition and its 2 registrations." in output
    assert not CateringOrder.objects.exists()
    assert not FreeTicketClaim.objects.exists()
    offer = CateringOffer.objects.get(edition=the_edition())
    assert (offer.free_ticket_quota, offer.free_taken, offer.free_waitlist_length) == (60, 0, 0)


# --- the admin --------------------------------------------------------------------------------------


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.mark.usefixtures("english")
class TestItemCapacityInTheAdmin:
    @pytest.fixture
    def full_visit(self, edition, visit):
        """Two seats taken, three people waiting."""
        services.item_set_capacity(item=visit, capacity=2)
        seated = [sign_up(edition, [visit]) for _ in range(2)]
        waiting = [sign_up(edition, [visit]) for _ in range(3)]
        assert counters(visit) == (2, 2, 3)
        return seated, waiting

    def url(self, item) -> str:
        return reverse("admin:program_programitem_change", args=[item.pk])

    def test_raising_the_capacity_promotes_people_waiting_at_once(self, admin_client, visit, full_visit):
        _seated, waiting = full_visit
        url = self.url(visit)

        response = admin_client.post(url, change_form_data(admin_client, url, capacity="4"))

        assert response.status_code == 302
        assert response.url == reverse("admin:program_programitem_changelist")
        assert counters(visit) == (4, 4, 1)
        statuses = [person.bookings.values_list("status", "waitlist_position").get() for person in waiting]
        assert statuses == [("confirmed", None), ("confirmed", None), ("waitlisted", 1)]
        promoted = OutgoingMail.objects.filter(kind=OutgoingMail.Kind.PROMOTION)
        assert sorted(promoted.values_list("registration_id", flat=True)) == [p.pk for p in waiting[:2]]

    def test_lowering_below_the_seats_taken_is_refused_and_changes_nothing(
        self, admin_client, visit, full_visit
    ):
        url = self.url(visit)
        before = places(visit)
        assumptions = visit.assumptions

        response = admin_client.post(
            url, change_form_data(admin_client, url, capacity="1", assumptions="Confirmed in the same save")
        )

        assert response.status_code == 302
        assert response.url == url
        assert texts(response) == [
            f"“{visit.title}”: The capacity cannot be lower than the 2 seats already taken. "
            "Ask people to move to another item first. Nothing was saved."
        ]
        assert counters(visit) == (2, 2, 3)
        assert places(visit) == before
        visit.refresh_from_db()
        assert visit.assumptions == assumptions
        assert not OutgoingMail.objects.filter(kind=OutgoingMail.Kind.PROMOTION).exists()
        # The page still opens: the organiser reads why and tries again.
        assert admin_client.get(url).status_code == 200


class TestCateringOfferInTheAdmin:
    @pytest.fixture
    def catering_edition(self):
        return load_catering_edition()

    @pytest.fixture
    def offer(self, catering_edition) -> CateringOffer:
        return CateringOffer.objects.get(edition=catering_edition)

    def url(self, offer) -> str:
        return reverse("admin:catering_cateringoffer_change", args=[offer.pk])

    @pytest.mark.parametrize("language", ["en", "pl"])
    def test_fewer_meals_than_held_is_refused_and_changes_nothing(
        self, admin_client, catering_edition, offer, language
    ):
        offer = set_limits(offer, capacity=4, free_ticket_quota=1)
        register(catering_edition)  # no catering
        holders = [register(catering_edition, free())]  # the free ticket
        holders += [register(catering_edition, paid()) for _ in range(2)]
        offer.refresh_from_db()
        assert (offer.paid_taken, offer.free_taken) == (2, 1)
        url = self.url(offer)
        data = change_form_data(admin_client, url, capacity="2", price="80.00")

        response = admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)

        assert response.status_code == 302
        assert response.url == url
        with translation.override(language):
            expected = f"“{offer}”: {CateringError('capacity_below_taken', taken=3).message}"
            nothing_saved = translation.gettext("Nothing was saved.")
        assert texts(response) == [f"{expected} {nothing_saved}"]
        if language == "pl":
            with translation.override("en"):
                english = CateringError("capacity_below_taken", taken=3).message
            assert english not in expected, "the refusal has no Polish translation"
            assert nothing_saved == "Nic nie zostało zapisane."
        fresh = CateringOffer.objects.get(pk=offer.pk)
        assert (fresh.capacity, fresh.price, fresh.free_ticket_quota) == (4, offer.price, 1)
        assert (fresh.paid_taken, fresh.free_taken) == (offer.paid_taken, offer.free_taken)
        assert len(holders) == 3

    def test_raising_the_free_ticket_quota_promotes_claims_waiting_at_once(
        self, admin_client, catering_edition, offer
    ):
        set_limits(offer, free_ticket_quota=1)
        first = register(catering_edition, free())
        waiting = [register(catering_edition, free()) for _ in range(3)]
        offer.refresh_from_db()
        assert (offer.free_taken, offer.free_waitlist_length) == (1, 3)
        url = self.url(offer)

        response = admin_client.post(
            url, change_form_data(admin_client, url, free_ticket_quota="3"), HTTP_ACCEPT_LANGUAGE="en"
        )

        assert response.status_code == 302
        assert response.url == reverse("admin:catering_cateringoffer_changelist")
        offer.refresh_from_db()
        assert (offer.free_ticket_quota, offer.free_taken, offer.free_waitlist_length) == (3, 3, 1)
        claims = [person.ticket_claims.values_list("status", "waitlist_position").get() for person in waiting]
        assert claims == [("pending", None), ("pending", None), ("waitlisted", 1)]
        assert first.ticket_claims.get().status == "pending"
        orders = [person.catering_orders.get().status for person in waiting]
        assert orders == ["free", "free", "waiting"]
        told = OutgoingMail.objects.filter(kind=OutgoingMail.Kind.CLAIM_PROMOTED)
        assert sorted(told.values_list("registration_id", flat=True)) == [p.pk for p in waiting[:2]]
