"""Reports for any edition (issue #16): the dashboard, the funder report, the lists and the
printouts take `?edition=`; a past edition's funder report keeps its numbers after
anonymisation, free tickets granted and used included."""

import datetime as dt

import pytest
from django.urls import reverse

from backoffice.editions import edition_copy
from catering.models import FreeTicketClaim
from catering.services import claim_approve
from program.models import Edition
from registration import checkin, services
from tests.catering.conftest import NOW, free, load_edition, register

from .test_exports import xlsx_sheets

pytestmark = pytest.mark.django_db

LATER = NOW + dt.timedelta(days=60)  # the edition (29–30 November 2030) is over


@pytest.fixture
def past_edition():
    """The demo edition with three people, two free tickets granted and one used; then a newer
    edition is made current, as next year."""
    edition = load_edition()
    offer_day = edition.catering.day
    people = [register(edition, free(), last_name=f"Osoba {n}") for n in range(3)]
    for person in people[:2]:
        claim_approve(claim=FreeTicketClaim.objects.get(registration=person), now=NOW)
    checkin.attendance_check_in(registration=people[0], day=offer_day, now=NOW)
    newer = edition_copy(
        edition=edition, number=edition.number + 1, starts_on=edition.starts_on.replace(year=2031), now=NOW
    )
    Edition.objects.filter(pk=edition.pk).update(is_current=False)
    Edition.objects.filter(pk=newer.pk).update(is_current=True)
    return edition


def funder_sheets(client, edition):
    return xlsx_sheets(client.get(reverse("staff:funder_report"), {"edition": edition.pk}))


def test_the_funder_report_of_a_past_edition_keeps_its_numbers_after_anonymisation(
    organiser_client, past_edition
):
    before = funder_sheets(organiser_client, past_edition)
    assert before["Totals"][1] == ("Participants", 3)
    assert before["Free tickets"][1:] == [
        ("Quota", past_edition.catering.free_ticket_quota),
        ("Granted", 2),
        ("Used (checked in on the catering day)", 1),
        ("On the waiting list", 0),
    ]
    for person in past_edition.registrations.all():
        services.registration_anonymise(registration=person, now=LATER)
    assert funder_sheets(organiser_client, past_edition) == before


def test_the_current_edition_is_the_default(organiser_client, past_edition):
    sheets = xlsx_sheets(organiser_client.get(reverse("staff:funder_report")))
    assert sheets["Totals"][1] == ("Participants", 0)


def test_the_dashboard_switches_edition_and_its_links_follow(organiser_client, past_edition):
    page = organiser_client.get(reverse("admin_dashboard"), {"edition": past_edition.pk})
    assert page.context["dashboard"].edition == past_edition
    html = page.content.decode()
    assert 'data-testid="edition-switch"' in html
    assert f"{reverse('staff:funder_report')}?edition={past_edition.pk}" in html
    assert f"{reverse('staff:badges')}?edition={past_edition.pk}" in html


@pytest.mark.parametrize("value", ["abc", "", "99999"])
def test_an_edition_that_is_not_one_is_the_current_or_not_found(organiser_client, past_edition, value):
    response = organiser_client.get(reverse("admin_dashboard"), {"edition": value})
    assert response.status_code == (404 if value == "99999" else 200)


def test_sign_in_sheets_and_badges_of_a_past_edition(staff_client, organiser_client, past_edition):
    day = past_edition.days.first()
    for response in (
        staff_client.get(reverse("staff:sign_in_day", args=[day.pk])),
        staff_client.get(reverse("staff:badges"), {"edition": past_edition.pk}),
    ):
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
