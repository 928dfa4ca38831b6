import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from backoffice.dashboard import dashboard
from outbox.models import OutgoingMail
from program.models import ProgramItem
from registration import checkin, reminders, services
from tests.factories import sign_up
from tests.registration.test_reminders import noon


def figures(board, *, catering=False) -> dict[str, int]:
    """The figures by "section: label"; those of catering and free tickets only with `catering`
    (tests/backoffice/test_catering_admin.py checks them)."""
    return {
        f"{section.title}: {figure.label}": figure.value
        for section in board.sections
        for figure in section.figures
        if catering or section.slug not in ("catering", "free_tickets")
    }


@pytest.fixture
def known_data(edition, visit, first_day, second_day):
    visit.capacity = 2
    visit.save()
    a = sign_up(edition, [visit], days=[first_day, second_day])
    sign_up(edition, [visit])
    waiting = sign_up(edition, [visit], days=[second_day])  # visit's day is added to the days
    cancelled = sign_up(edition, days=[second_day])
    services.registration_cancel(registration=cancelled)
    checkin.attendance_check_in(registration=a, day=first_day)
    checkin.attendance_check_in(registration=waiting, day=second_day)
    OutgoingMail.objects.filter(registration=a).update(state=OutgoingMail.State.FAILED)
    return a


@pytest.mark.django_db
class TestDashboard:
    def test_figures(self, known_data, edition, first_day, second_day, visit):
        board = dashboard(edition)
        assert figures(board) == {
            "Registrations: Active": 3,
            "Registrations: Cancelled": 1,
            f"Attendance per day: {first_day} — registered for the day": 3,
            f"Attendance per day: {first_day} — checked in": 1,
            f"Attendance per day: {second_day} — registered for the day": 2,
            f"Attendance per day: {second_day} — checked in": 1,
            # none due yet: the edition is days away (test_reminders.py counts them)
            f"Reminders before each day: {first_day} — reminders waiting to be sent": 0,
            f"Reminders before each day: {first_day} — reminders sent": 0,
            f"Reminders before each day: {second_day} — reminders waiting to be sent": 0,
            f"Reminders before each day: {second_day} — reminders sent": 0,
            # 4 confirmations and 1 cancellation; a's confirmation failed
            "E-mails: waiting to be sent": 4,
            "E-mails: failed": 1,
        }
        fills = {
            fill.item.slug: (
                fill.item.seats_taken,
                fill.item.capacity,
                fill.item.waitlist_length,
                fill.percent,
            )
            for fill in board.items
        }
        assert fills[visit.slug] == (2, 2, 1, 100)
        assert fills["wieczorne-spotkanie-sieciowanie"] == (0, 80, 0, 0)
        assert len(board.items) == 12

    def test_figures_link_to_the_filtered_lists(self, known_data, admin_client, edition, first_day, visit):
        board = dashboard(edition)
        links = {f"{s.title}: {f.label}": f.url for s in board.sections for f in s.figures}
        checked = admin_client.get(links[f"Attendance per day: {first_day} — checked in"])
        assert [r.pk for r in checked.context["cl"].result_list] == [known_data.pk]
        cancelled = admin_client.get(links["Registrations: Cancelled"])
        assert len(cancelled.context["cl"].result_list) == 1
        failed = admin_client.get(links["E-mails: failed"])
        assert len(failed.context["cl"].result_list) == 1
        queued = admin_client.get(links["E-mails: waiting to be sent"])
        assert len(queued.context["cl"].result_list) == 4
        fill = next(fill for fill in board.items if fill.item == visit)
        waiting = admin_client.get(fill.waiting_url)
        assert [r.last_name for r in waiting.context["cl"].result_list] == ["Żółkiewska"]
        assert len(admin_client.get(fill.url).context["cl"].result_list) == 3

    @pytest.mark.parametrize(("people", "more_items"), [(3, 0), (30, 0), (60, 40)])
    def test_page_query_count_is_bounded(
        self, admin_client, edition, visit, people, more_items, django_assert_max_num_queries
    ):
        items = [
            ProgramItem.objects.create(
                edition=edition,
                slug=f"more-{n}",
                kind="workshop",
                title=f"Warsztat {n}",
                starts_at=visit.ends_at + dt.timedelta(days=n % 2),  # after the visit: no clash
                ends_at=visit.ends_at + dt.timedelta(days=n % 2, hours=1),
                capacity=5,
            )
            for n in range(more_items)
        ]
        for n in range(people):
            sign_up(edition, [visit, items[n % more_items]] if items else [visit])
        with django_assert_max_num_queries(15):
            response = admin_client.get(reverse("admin_dashboard"))
        assert response.status_code == 200
        page = response.content.decode()
        assert f"{min(people, 20)} / 20" in page
        assert all(f'data-item="{item.slug}"' in page for item in items)

    def test_admin_index_links_to_the_dashboard(self, admin_client, edition):
        response = admin_client.get(reverse("admin:index"))
        assert reverse("admin_dashboard") in response.content.decode()


@pytest.mark.django_db
class TestReminders:
    def test_per_day_waiting_and_sent_and_the_date_they_go_out(
        self, admin_client, edition, first_day, second_day
    ):
        both = sign_up(edition, days=[first_day, second_day])
        sign_up(edition, days=[first_day])
        sign_up(edition, days=[second_day])
        reminders.reminders_send(now=noon(first_day.date, -1))  # both days due
        OutgoingMail.objects.filter(kind=OutgoingMail.Kind.REMINDER, registration=both).update(
            state=OutgoingMail.State.SENT
        )

        board = dashboard(edition)

        section = next(section for section in board.sections if section.slug == "reminders")
        assert {figure.label: figure.value for figure in section.figures} == {
            f"{first_day} — reminders waiting to be sent": 1,
            f"{first_day} — reminders sent": 1,
            f"{second_day} — reminders waiting to be sent": 1,
            f"{second_day} — reminders sent": 1,
        }
        assert section.note == (
            "Reminders go out 2 days before each day: "
            f"on {first_day.date - dt.timedelta(days=2):%d.%m.%Y} for {first_day}; "
            f"on {second_day.date - dt.timedelta(days=2):%d.%m.%Y} for {second_day}."
        )
        sent = admin_client.get(section.figures[1].url).context["cl"].result_list
        assert {mail.registration_id for mail in sent} == {both.pk}
        page = admin_client.get(reverse("admin_dashboard")).content.decode()
        assert '<p class="dash-note">Reminders go out 2 days before each day' in page

    def test_an_edition_without_reminders_says_so(self, edition):
        edition.reminder_days_before = 0
        edition.save()

        section = next(section for section in dashboard(edition).sections if section.slug == "reminders")

        assert section.note == "This edition sends no reminders (see the edition's reminder days)."


@pytest.mark.django_db
@pytest.mark.parametrize(("active", "label"), [(1, "Aktywna"), (2, "Aktywne"), (5, "Aktywnych")])
def test_polish_labels_agree_with_their_number(edition, active, label):
    """ "5 Aktywna" read wrong: each figure's label takes the Polish plural form of its number."""
    for _ in range(active):
        sign_up(edition)
    with translation.override("pl"):
        board = dashboard(edition)
        [registrations] = [section for section in board.sections if section.title == "Rejestracje"]
    assert (registrations.figures[0].value, registrations.figures[0].label) == (active, label)
