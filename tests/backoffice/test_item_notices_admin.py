"""The admin's side of issue #15's change notices: a change of time, place, address or hosts of
an item with people on it asks first with the list of people (and who would get two items at
once), then saves through `item_change`; "Cancel this item" asks, then calls `item_cancel`."""

import datetime as dt
from collections import defaultdict

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from outbox.models import OutgoingMail
from program.models import ProgramItem
from registration import services
from registration.models import Booking
from tests.factories import sign_up

from .test_editions import change_form_data, texts

pytestmark = pytest.mark.django_db

CHANGED, CANCELLED = OutgoingMail.Kind.ITEM_CHANGED, OutgoingMail.Kind.ITEM_CANCELLED


def change_url(item) -> str:
    return reverse("admin:program_programitem_change", args=[item.pk])


def cancel_url(item) -> str:
    return reverse("admin:program_programitem_cancel", args=[item.pk])


def later(item, hours=1) -> dict:
    """The admin form's split date and time fields with the item moved by `hours`."""
    start, end = (value + dt.timedelta(hours=hours) for value in (item.starts_at, item.ends_at))
    return moved_to(start, end)


def moved_to(start, end) -> dict:
    start, end = (timezone.localtime(value) for value in (start, end))
    return {
        "starts_at_0": f"{start:%Y-%m-%d}",
        "starts_at_1": f"{start:%H:%M:%S}",
        "ends_at_0": f"{end:%Y-%m-%d}",
        "ends_at_1": f"{end:%H:%M:%S}",
    }


def again(response, **extra) -> dict:
    """What the confirmation page posts back: the form as first sent, and its answer."""
    data = defaultdict(list)
    for name, value in response.context["posted"]:
        data[name].append(value)
    data["_notify"] = ["1"]
    if response.context["clashes"]:
        data["_confirm_clashes"] = ["1"]
    data.update(extra)
    return dict(data)


@pytest.fixture
def people(edition, visit):
    """Capacity 1: Anna seated, Bartosz waiting."""
    services.item_set_capacity(item=visit, capacity=1)
    visit.refresh_from_db()
    return sign_up(edition, [visit], last_name="Adamska", first_name="Anna"), sign_up(
        edition, [visit], last_name="Borowy", first_name="Bartosz"
    )


class TestChangeAsksFirst:
    def test_a_new_time_shows_the_changes_and_the_people_and_saves_nothing(
        self, organiser_client, visit, people
    ):
        url = change_url(visit)
        response = organiser_client.post(url, change_form_data(organiser_client, url, **later(visit)))

        assert response.status_code == 200
        assert response.templates[0].name == "admin/program/programitem/notice_confirmation.html"
        assert [change["label"] for change in response.context["changes"]] == ["When"]
        page = response.content.decode()
        assert "Adamska Anna" in page and "Borowy Bartosz" in page
        assert "1 person with a seat" in page and "1 person on the waiting list" in page
        assert 'value="Save and notify 2 people"' in page
        assert ProgramItem.objects.get(pk=visit.pk).starts_at == visit.starts_at
        assert not OutgoingMail.objects.filter(kind=CHANGED).exists()

    def test_confirming_saves_and_queues_a_notice_per_person(self, organiser_client, visit, people):
        url = change_url(visit)
        data = change_form_data(organiser_client, url, **later(visit), title_pl="Nowy tytuł")
        page = organiser_client.post(url, data)

        response = organiser_client.post(url, again(page))

        assert response.status_code == 302
        assert texts(response)[0] == "A notice of the change was queued for 2 people."
        item = ProgramItem.objects.get(pk=visit.pk)
        assert (item.starts_at, item.title_pl) == (visit.starts_at + dt.timedelta(hours=1), "Nowy tytuł")
        assert (item.seats_taken, item.waitlist_length) == (1, 1)
        told = OutgoingMail.objects.filter(kind=CHANGED).values_list("registration_id", flat=True)
        assert sorted(told) == sorted(person.pk for person in people)
        # The admin's own log and the history both have the change.
        assert LogEntry.objects.filter(object_id=str(visit.pk)).count() == 1
        assert item.history.latest().starts_at == item.starts_at

    def test_without_people_it_saves_at_once(self, organiser_client, visit):
        url = change_url(visit)
        response = organiser_client.post(url, change_form_data(organiser_client, url, **later(visit)))
        assert response.status_code == 302
        assert ProgramItem.objects.get(pk=visit.pk).starts_at == visit.starts_at + dt.timedelta(hours=1)
        assert not OutgoingMail.objects.filter(kind=CHANGED).exists()

    def test_a_new_title_asks_nothing_and_tells_nobody(self, organiser_client, visit, people):
        url = change_url(visit)
        response = organiser_client.post(url, change_form_data(organiser_client, url, title_pl="Inny tytuł"))
        assert response.status_code == 302
        assert ProgramItem.objects.get(pk=visit.pk).title_pl == "Inny tytuł"
        assert not OutgoingMail.objects.filter(kind=CHANGED).exists()

    def test_a_move_into_a_clash_names_the_people_and_asks_to_confirm(
        self, organiser_client, edition, visit, evening
    ):
        both = sign_up(edition, [visit, evening], last_name="Cichy", first_name="Czesław")
        url = change_url(visit)
        data = change_form_data(organiser_client, url, **moved_to(evening.starts_at, evening.ends_at))

        page = organiser_client.post(url, data)

        assert [clash.registration.pk for clash in page.context["clashes"]] == [both.pk]
        assert f"Cichy Czesław: {evening.title}" in page.content.decode()
        assert 'value="Save anyway and notify 1 person"' in page.content.decode()
        # Confirming the notices without confirming the clash changes nothing: the page again.
        response = organiser_client.post(url, again(page, _confirm_clashes=[]))
        assert response.status_code == 200
        assert response.context["clashes"]
        assert ProgramItem.objects.get(pk=visit.pk).starts_at == visit.starts_at

        response = organiser_client.post(url, again(page))

        assert response.status_code == 302
        assert ProgramItem.objects.get(pk=visit.pk).starts_at == evening.starts_at
        [told] = OutgoingMail.objects.filter(kind=CHANGED)
        assert (told.registration_id, told.context["clashes"]) == (both.pk, [evening.pk])

    def test_staff_cannot_change_items(self, staff_client, visit, people):
        assert staff_client.post(change_url(visit), {}).status_code == 403


class TestCancel:
    def test_the_page_lists_the_people_and_cancels_nothing_yet(self, organiser_client, visit, people):
        response = organiser_client.get(cancel_url(visit))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Adamska Anna" in page and "Borowy Bartosz" in page
        assert 'value="Cancel the item and notify 2 people"' in page
        assert not ProgramItem.objects.get(pk=visit.pk).is_cancelled

    def test_confirming_releases_every_place_and_tells_each_person(self, organiser_client, visit, people):
        response = organiser_client.post(cancel_url(visit), {"reason": "Zamknięte z powodu remontu"})

        assert response.status_code == 302
        assert response.url == change_url(visit)
        text = "Cancelled; 2 people were told and their places released."
        assert texts(response) == [f"“{visit}”: {text}"]
        item = ProgramItem.objects.get(pk=visit.pk)
        assert item.is_cancelled and (item.seats_taken, item.waitlist_length) == (0, 0)
        assert not Booking.objects.filter(item=visit).exists()
        reasons = OutgoingMail.objects.filter(kind=CANCELLED).values_list("context__reason", flat=True)
        assert list(reasons) == ["Zamknięte z powodu remontu"] * 2
        assert LogEntry.objects.get(object_id=str(visit.pk)).change_message == text
        # The item's page says so and offers no second cancellation.
        page = organiser_client.get(change_url(visit)).content.decode()
        assert 'data-testid="cancelled"' in page
        assert cancel_url(visit) not in page

    def test_a_second_cancellation_is_refused_with_a_message(self, organiser_client, visit):
        services.item_cancel(item=visit)
        response = organiser_client.post(cancel_url(visit), {"reason": ""})
        assert response.status_code == 302
        assert texts(response) == [f"“{visit}”: “{visit.title}” has been cancelled."]

    def test_the_item_page_offers_the_button(self, organiser_client, visit):
        assert cancel_url(visit) in organiser_client.get(change_url(visit)).content.decode()

    def test_staff_may_not_cancel(self, staff_client, visit, people):
        assert staff_client.post(cancel_url(visit), {"reason": ""}).status_code == 403
        assert not ProgramItem.objects.get(pk=visit.pk).is_cancelled

    @pytest.mark.parametrize("typed", ["abc", "0", "99999999999999999999", "1%00"])
    def test_an_address_typed_by_hand_is_a_404(self, organiser_client, typed):
        assert organiser_client.get(f"/admin/program/programitem/{typed}/cancel/").status_code == 404

    def test_the_list_shows_cancelled_items(self, organiser_client, visit):
        services.item_cancel(item=visit)
        response = organiser_client.get(reverse("admin:program_programitem_changelist"))
        assert "is_cancelled" in response.context["cl"].list_display


class TestQueryBudgets:
    @pytest.mark.parametrize("count", [2, 40])
    def test_the_pages_that_ask_first_do_not_grow_with_the_people(
        self, admin_client, edition, visit, count, django_assert_max_num_queries
    ):
        services.item_set_capacity(item=visit, capacity=count // 2)
        for _ in range(count):
            sign_up(edition, [visit])
        url = change_url(visit)
        data = change_form_data(admin_client, url, **later(visit))
        with django_assert_max_num_queries(18):
            response = admin_client.post(url, data)
        assert len(response.context["affected"]) == count
        with django_assert_max_num_queries(4):
            response = admin_client.get(cancel_url(visit))
        assert len(response.context["affected"]) == count
