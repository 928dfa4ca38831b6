import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from outbox.models import OutgoingMail
from program.models import ProgramItem
from registration.models import Booking, Registration
from tests.factories import sign_up

CHANGELIST = "admin:registration_registration_changelist"
ITEMS = "admin:program_programitem_changelist"


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def full(item, edition, waiting=0):
    item.capacity = 2
    item.save()
    seated = [sign_up(edition, [item]) for _ in range(2)]
    queued = [sign_up(edition, [item]) for _ in range(waiting)]
    return seated, queued


def capacity_post(item, capacity, **extra):
    """The list_editable form of the program items changelist, one row."""
    return {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(item.pk),
        "form-0-capacity": str(capacity),
        "_save": "Save",
        **extra,
    }


@pytest.mark.django_db
class TestRegistrationActions:
    def test_cancel_gives_the_seat_to_the_next_person_waiting(self, organiser_client, edition, visit):
        (first, _second), (waiting,) = full(visit, edition, waiting=1)
        response = organiser_client.post(
            reverse(CHANGELIST),
            {"action": "cancel", "_selected_action": [first.pk], "apply": "1", "reason": ""},
            follow=True,
        )
        assert response.status_code == 200
        first.refresh_from_db()
        assert first.status == Registration.Status.CANCELLED
        assert waiting.bookings.get().status == Booking.Status.CONFIRMED
        visit.refresh_from_db()
        assert (visit.seats_taken, visit.waitlist_length) == (2, 0)
        assert texts(response) == ["1 registration cancelled; freed seats went to the next people waiting."]
        assert LogEntry.objects.get(object_id=str(first.pk)).change_message == "Cancelled (admin action)."

    def test_send_manage_link_queues_a_mail(self, organiser_client, edition):
        registration = sign_up(edition)
        organiser_client.post(
            reverse(CHANGELIST), {"action": "send_manage_link", "_selected_action": [registration.pk]}
        )
        assert list(
            OutgoingMail.objects.filter(registration=registration)
            .order_by("pk")
            .values_list("kind", flat=True)
        ) == ["confirmation", "manage_link"]

    def test_export_action_returns_the_selection(self, organiser_client, edition):
        chosen, _other = sign_up(edition, last_name="Wybrana"), sign_up(edition, last_name="Inna")
        response = organiser_client.post(
            reverse(CHANGELIST), {"action": "export_csv", "_selected_action": [chosen.pk]}
        )
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
        assert len(lines) == 2
        assert lines[1].startswith('"Wybrana";"Zofia";')

    def test_search_by_grouped_ticket_code(self, organiser_client, edition):
        wanted, _other = sign_up(edition), sign_up(edition)
        grouped = "-".join(wanted.ticket_code[i : i + 4] for i in range(0, 26, 4)).lower()
        response = organiser_client.get(reverse(CHANGELIST), {"q": grouped})
        assert [r.pk for r in response.context["cl"].result_list] == [wanted.pk]

    def test_filters_item_and_waiting_together(self, organiser_client, edition, visit, evening):
        _seated, (waiting,) = full(visit, edition, waiting=1)
        sign_up(edition, [evening])  # a seat elsewhere: not on this list
        response = organiser_client.get(reverse(CHANGELIST), {"item": visit.pk, "place": "waitlisted"})
        assert [r.pk for r in response.context["cl"].result_list] == [waiting.pk]

    def test_bookings_inline_shows_seat_and_waiting_position(self, organiser_client, edition, visit):
        _seated, (waiting,) = full(visit, edition, waiting=1)
        response = organiser_client.get(reverse("admin:registration_registration_change", args=[waiting.pk]))
        assert response.status_code == 200
        inline = response.context["inline_admin_formsets"][0]
        assert [(form.original.item_id, form.original.waitlist_position) for form in inline] == [
            (visit.pk, 1)
        ]

    @pytest.mark.parametrize("rows", [5, 50])
    def test_changelist_query_count_does_not_grow(
        self, admin_client, edition, visit, rows, django_assert_max_num_queries
    ):
        for _ in range(rows):
            sign_up(edition, [visit])
        with django_assert_max_num_queries(10):
            response = admin_client.get(reverse(CHANGELIST))
        assert len(response.context["cl"].result_list) == rows


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Registration, OutgoingMail])
def test_a_lists_checkboxes_are_written_as_djangos_widget_renders_them(admin_client, edition, model):
    """The long lists write their action checkboxes without the widget's template
    (backoffice.admin.support.PlainActionCheckboxes): the same markup, which the admin's script
    and the actions read, for names that need escaping too."""
    sign_up(edition, first_name="Zoë", last_name="O'Brien <b>&\"")
    sign_up(edition)
    model_admin = admin.site.get_model_admin(model)
    page = admin_client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    rows = model.objects.all()
    assert len(rows) == 2
    for row in rows:
        djangos = admin.ModelAdmin.action_checkbox(model_admin, row)
        assert model_admin.action_checkbox(row) == djangos
        assert djangos in page.content.decode()


@pytest.mark.django_db
class TestCapacity:
    def test_raising_capacity_in_the_list_promotes_at_once(self, organiser_client, edition, visit):
        _seated, queued = full(visit, edition, waiting=2)
        response = organiser_client.post(reverse(ITEMS), capacity_post(visit, 3), follow=True)
        assert response.status_code == 200
        visit.refresh_from_db()
        assert (visit.capacity, visit.seats_taken, visit.waitlist_length) == (3, 3, 1)
        assert [b.status for b in Booking.objects.filter(registration__in=queued).order_by("created_at")] == [
            Booking.Status.CONFIRMED,
            Booking.Status.WAITLISTED,
        ]
        assert OutgoingMail.objects.filter(kind="promotion", registration=queued[0]).count() == 1

    def test_lowering_below_seats_taken_is_refused_with_a_message(self, organiser_client, edition, visit):
        full(visit, edition)
        response = organiser_client.post(reverse(ITEMS), capacity_post(visit, 1), follow=True)
        visit.refresh_from_db()
        assert (visit.capacity, visit.seats_taken) == (2, 2)
        assert texts(response) == [
            f"“{visit.title}”: The capacity cannot be lower than the 2 seats already taken. "
            "Ask people to move to another item first. Nothing was saved."
        ]
        assert Registration.objects.filter(status="active").count() == 2

    def test_promote_next_action(self, organiser_client, edition, visit):
        _seated, (waiting,) = full(visit, edition, waiting=1)
        # Raised behind the services' back: a seat is free and nobody has moved up yet.
        ProgramItem.objects.filter(pk=visit.pk).update(capacity=3)
        organiser_client.post(reverse(ITEMS), {"action": "promote_next", "_selected_action": [visit.pk]})
        assert waiting.bookings.get().status == Booking.Status.CONFIRMED

    def test_promote_next_without_a_free_seat_says_so(self, organiser_client, edition, visit):
        full(visit, edition, waiting=1)
        response = organiser_client.post(
            reverse(ITEMS), {"action": "promote_next", "_selected_action": [visit.pk]}, follow=True
        )
        assert texts(response) == [f"There is no free seat on “{visit.title}”: raise its capacity first."]


@pytest.mark.django_db
class TestOutgoingMail:
    def test_retry_and_abort(self, organiser_client, edition):
        registration = sign_up(edition)
        outgoing = registration.mails.get()
        OutgoingMail.objects.filter(pk=outgoing.pk).update(state=OutgoingMail.State.FAILED, last_error="550")
        url = reverse("admin:outbox_outgoingmail_changelist")
        organiser_client.post(url, {"action": "retry", "_selected_action": [outgoing.pk]})
        outgoing.refresh_from_db()
        assert (outgoing.state, outgoing.last_error) == (OutgoingMail.State.QUEUED, "")
        organiser_client.post(url, {"action": "abort", "_selected_action": [outgoing.pk]})
        outgoing.refresh_from_db()
        assert outgoing.state == OutgoingMail.State.ABORTED
