import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from program.models import ProgramItem
from registration.models import DayAttendance, Registration
from tests.factories import sign_up

from .test_add_person import ADD_PERSON, admin_data
from .test_admin import capacity_post


def tracked(row) -> dict:
    """The columns the history keeps, as `row` (a model instance or a history entry) holds them."""
    history_model = row if hasattr(row, "history_type") else row.history.model
    return {field.attname: getattr(row, field.attname) for field in history_model.tracked_fields}


@pytest.mark.django_db
class TestAudit:
    def test_admin_capacity_change_records_the_user_and_both_values(self, organiser_client, organiser, visit):
        organiser_client.post(reverse("admin:program_programitem_changelist"), capacity_post(visit, 35))
        latest = visit.history.latest()
        assert (latest.history_user, latest.capacity, latest.history_type) == (organiser, 35, "~")
        assert latest.prev_record.capacity == 20
        delta = latest.diff_against(latest.prev_record)
        assert [(c.field, c.old, c.new) for c in delta.changes] == [("capacity", 20, 35)]

    def test_admin_edit_of_personal_data(self, organiser_client, organiser, edition):
        person = sign_up(edition, first_name="Jan")
        url = reverse("admin:registration_registration_change", args=[person.pk])
        form = organiser_client.get(url).context["adminform"].form
        data = {
            name: value for name, value in form.initial.items() if name in form.fields and value is not None
        }
        data.update({"first_name": "Janina", "bookings-TOTAL_FORMS": "0", "bookings-INITIAL_FORMS": "0"})
        data.update({"consents-TOTAL_FORMS": "0", "consents-INITIAL_FORMS": "0"})
        for inline in ("catering_orders", "ticket_claims"):  # read-only: submitted empty
            data.update({f"{inline}-TOTAL_FORMS": "0", f"{inline}-INITIAL_FORMS": "0"})
        response = organiser_client.post(url, data)
        assert response.status_code == 302
        latest = person.history.latest()
        assert (latest.first_name, latest.prev_record.first_name, latest.history_user) == (
            "Janina",
            "Jan",
            organiser,
        )
        assert person.mails.latest("pk").kind == "changed"
        history = organiser_client.get(reverse("admin:registration_registration_history", args=[person.pk]))
        assert history.status_code == 200
        assert "Janina" in history.content.decode()

    def test_service_action_through_admin_records_the_user(self, organiser_client, organiser, edition):
        person = sign_up(edition)
        organiser_client.post(
            reverse("admin:registration_registration_changelist"),
            {"action": "cancel", "_selected_action": [person.pk], "apply": "1"},
        )
        latest = person.history.latest()
        assert (latest.status, latest.history_user) == (Registration.Status.CANCELLED, organiser)
        assert person.mails.filter(kind="cancelled").exists()

    def test_check_in_records_the_staff_member(self, staff_client, staff, edition, first_day):
        person = sign_up(edition)
        staff_client.post(reverse("staff:checkin_action", args=[person.pk, first_day.pk]))
        attendance = DayAttendance.objects.get(registration=person, day=first_day)
        latest = attendance.history.latest()
        assert (latest.history_user, latest.checked_in_at) == (staff, attendance.checked_in_at)

    def test_service_call_outside_a_request_has_no_user(self, edition):
        person = sign_up(edition)
        assert [(h.history_type, h.history_user) for h in person.history.all()] == [("+", None)]

    def test_the_management_token_stays_out_of_the_history(self, edition):
        person = sign_up(edition)
        assert not hasattr(person.history.get(), "manage_token")


@pytest.mark.django_db
class TestCreations:
    """A new row's entry is copied from it by the database (audit.history.CopiedCreations)."""

    def test_a_new_registration_is_recorded_whole_with_the_organiser(
        self, organiser_client, organiser, edition, visit
    ):
        before = timezone.now()
        organiser_client.post(
            reverse(ADD_PERSON),
            admin_data(edition, items=[str(visit.pk)]),
        )
        registration = Registration.objects.get(email="jan.gosc@example.com")
        entry = registration.history.get()
        assert (entry.history_type, entry.history_user, entry.history_change_reason) == ("+", organiser, None)
        assert before <= entry.history_date <= timezone.now()
        assert tracked(entry) == tracked(registration)
        assert (entry.first_name, entry.town, entry.edition_id) == ("Jan", "Tarnów", edition.pk)

    def test_both_languages_of_a_new_item(self, edition, visit):
        item = ProgramItem.objects.create(
            edition=edition,
            slug="nowy",
            title_pl="Nowy punkt",
            title_en="A new item",
            kind=visit.kind,
            starts_at=visit.starts_at,
            ends_at=visit.ends_at,
        )
        entry = item.history.get()
        assert (entry.history_type, entry.history_user) == ("+", None)
        assert tracked(entry) == tracked(ProgramItem.objects.get(pk=item.pk))
        assert (entry.title_pl, entry.title_en) == ("Nowy punkt", "A new item")

    def test_a_change_after_it_is_recorded_as_before(self, edition):
        person = sign_up(edition, first_name="Jan")
        person.first_name = "Janina"
        person.save(update_fields=["first_name"])
        assert [
            (entry.history_type, entry.first_name) for entry in person.history.order_by("history_id")
        ] == [
            ("+", "Jan"),
            ("~", "Janina"),
        ]


@pytest.mark.django_db
def test_the_history_manager_class_is_built_once(edition):
    """simple-history rebuilds it on every read of `.history` unless audit.history says otherwise;
    a sign-up reads it for each history row it writes."""
    person = sign_up(edition)
    assert type(person.history) is type(Registration.objects.get(pk=person.pk).history)
    assert person.history.get().history_type == "+"


@pytest.mark.django_db
def test_anonymisation_erases_the_name_from_the_admin_log_and_keeps_the_entries(
    organiser_client, edition, visit
):
    """The admin's log names the person as the object of their cancellation and inside the
    program item's "Promoted … from the waiting list." Both entries stay, without the name."""
    seated = sign_up(edition, [visit], first_name="Przemysław", last_name="Wąsik")
    waiting = sign_up(edition, [visit], first_name="Żaneta", last_name="Łęcka")
    changelist = reverse("admin:registration_registration_changelist")
    organiser_client.post(changelist, {"action": "cancel", "_selected_action": [seated.pk], "apply": "1"})
    # As the program item's action "move the next person up" writes it.
    LogEntry.objects.create(
        user=LogEntry.objects.latest("pk").user,
        content_type=ContentType.objects.get_for_model(ProgramItem),
        object_id=str(visit.pk),
        object_repr=str(visit),
        action_flag=2,
        change_message="Promoted Żaneta Łęcka from the waiting list.",
    )
    logged = " ".join(f"{e.object_repr} {e.change_message}" for e in LogEntry.objects.all())
    assert "Wąsik" in logged

    chosen = {"action": "anonymise", "_selected_action": [seated.pk, waiting.pk]}
    asked = organiser_client.post(changelist, chosen)
    assert asked.status_code == 200  # the confirmation page: what is erased, what is kept
    assert "cannot be undone" in asked.content.decode()
    assert reverse("staff:invoice_export", args=["xlsx"]) in asked.content.decode()  # kept for the accounts
    assert Registration.objects.filter(anonymised_at__isnull=False).count() == 0
    done = organiser_client.post(changelist, {**chosen, "apply": "1", "confirm": "on"}, follow=True)
    assert "Anonymised: 2 of 2 selected." in done.content.decode()

    entries = list(LogEntry.objects.all())
    text = " ".join(f"{e.object_repr} {e.change_message} {e.get_change_message()}" for e in entries)
    for name in ("Przemysław", "Wąsik", "Żaneta", "Łęcka", seated.email, waiting.email):
        assert name not in text
    assert {e.object_id for e in entries} >= {str(seated.pk)}
