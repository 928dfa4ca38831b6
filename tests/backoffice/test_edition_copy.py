"""The next edition copied from this one (issue #16): everything organisers typed, every date
moved, no people; it goes public only when made current, and old links keep working."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from backoffice.editions import edition_copy
from backoffice.errors import EditionError
from catering.models import CateringOffer
from program.models import Edition, ProgramItem
from program.selectors import current_edition
from registration import services
from tests.factories import question, sign_up

from .test_admin import texts

pytestmark = pytest.mark.django_db


def next_year(edition: Edition) -> dt.date:
    return edition.starts_on.replace(year=edition.starts_on.year + 1)


class TestTheService:
    def test_copies_texts_days_items_and_catering_without_people(self, edition, visit):
        sign_up(edition, [visit])
        edition.title_en, edition.intro_en = "OPEN PLACES", "An English introduction."
        edition.save()
        copy = edition_copy(edition=edition, number=edition.number + 1, starts_on=next_year(edition))
        shift = next_year(edition) - edition.starts_on
        assert (copy.number, copy.is_current, copy.registrations.count()) == (edition.number + 1, False, 0)
        assert (copy.title_pl, copy.title_en, copy.intro_en) == (
            edition.title_pl,
            "OPEN PLACES",
            edition.intro_en,
        )
        assert (copy.starts_on, copy.ends_on) == (edition.starts_on + shift, edition.ends_on + shift)
        assert (
            timezone.localtime(copy.registration_opens_at).time()
            == timezone.localtime(edition.registration_opens_at).time()
        )
        assert [(d.date - shift, d.title_pl) for d in copy.days.all()] == [
            (d.date, d.title_pl) for d in edition.days.all()
        ]
        assert copy.items.count() == edition.items.count()
        copied_visit = copy.items.get(slug=visit.slug)
        assert (copied_visit.capacity, copied_visit.seats_taken, copied_visit.waitlist_length) == (20, 0, 0)
        assert timezone.localtime(copied_visit.starts_at).replace(tzinfo=None) == (
            timezone.localtime(visit.starts_at).replace(tzinfo=None) + shift
        )
        assert list(copied_visit.hosts.all()) == list(visit.hosts.all())
        assert list(copy.roles.values_list("organisation_id", "role")) == list(
            edition.roles.values_list("organisation_id", "role")
        )
        offer, copied_offer = (
            CateringOffer.objects.get(edition=edition),
            CateringOffer.objects.get(edition=copy),
        )
        assert (copied_offer.price, copied_offer.free_ticket_quota, copied_offer.free_taken) == (
            offer.price,
            offer.free_ticket_quota,
            0,
        )
        assert copied_offer.day.edition == copy and copied_offer.day.date == offer.day.date + shift
        # The original is untouched.
        assert edition.items.get(pk=visit.pk).seats_taken == 1

    def test_copies_the_questions_asked_with_their_days_items_and_choices(
        self, edition, visit, other_visit, first_day
    ):
        question(edition, "single_choice", [("S", "small"), ("M", "medium")], item=visit, text_en="Size?")
        question(edition, "yes_no", day=first_day, required=True, text_en="Lunch?")
        question(edition, text_en="Turned off?", is_active=False)
        question(edition, item=other_visit, text_en="On a cancelled item?")
        services.item_cancel(item=other_visit)
        copy = edition_copy(edition=edition, number=edition.number + 1, starts_on=next_year(edition))
        size, lunch = copy.questions.all()
        assert (size.text_pl, size.text_en, size.item) == (
            "Pytanie?",
            "Size?",
            copy.items.get(slug=visit.slug),
        )
        assert list(size.choices.values_list("label_pl", "label_en")) == [("S", "small"), ("M", "medium")]
        assert (lunch.kind, lunch.required, lunch.day) == ("yes_no", True, copy.days.order_by("date").first())
        assert edition.questions.count() == 4  # the edition's own stay as they were

    @pytest.mark.parametrize(
        ("change", "code"),
        [({"number": None}, "number_taken"), ({"starts_on": "yesterday"}, "starts_in_the_past")],
    )
    def test_refusals_change_nothing(self, edition, change, code):
        number = edition.number if "number" in change else edition.number + 1
        starts_on = (
            timezone.localdate() - dt.timedelta(days=1) if "starts_on" in change else next_year(edition)
        )
        editions, items = Edition.objects.count(), ProgramItem.objects.count()
        with pytest.raises(EditionError) as refused:
            edition_copy(edition=edition, number=number, starts_on=starts_on)
        assert refused.value.code == code
        assert (Edition.objects.count(), ProgramItem.objects.count()) == (editions, items)


class TestTheAdmin:
    def copy_url(self, edition) -> str:
        return reverse("admin:program_edition_copy", args=[edition.pk])

    def test_the_action_leads_to_the_form_with_next_years_values(self, organiser_client, edition):
        changelist = reverse("admin:program_edition_changelist")
        response = organiser_client.post(
            changelist, {"action": "prepare_next", "_selected_action": [edition.pk]}
        )
        assert response["Location"] == self.copy_url(edition)
        form = organiser_client.get(self.copy_url(edition)).context["form"]
        assert (form["number"].value(), form["starts_on"].value()) == (edition.number + 1, next_year(edition))

    def test_copy_then_make_current_switches_the_public_site(self, organiser_client, client, edition):
        person = sign_up(edition)
        response = organiser_client.post(
            self.copy_url(edition),
            {"number": edition.number + 1, "starts_on": next_year(edition).isoformat()},
        )
        copy = Edition.objects.get(number=edition.number + 1)
        assert response["Location"] == reverse("admin:program_edition_change", args=[copy.pk])
        assert LogEntry.objects.filter(object_id=str(copy.pk)).exists()
        assert current_edition() == edition  # not public yet
        changelist = reverse("admin:program_edition_changelist")
        made = organiser_client.post(changelist, {"action": "make_current", "_selected_action": [copy.pk]})
        assert texts(made)[-1] == f"{copy} is the current edition now."
        assert current_edition() == copy
        home = client.get("/")
        assert home.status_code == 200 and home.context["edition"] == copy
        # The old edition's people still reach their page.
        assert client.get(person.get_manage_url()).status_code == 200

    def test_a_date_in_the_past_is_shown_on_the_form(self, organiser_client, edition):
        past = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
        response = organiser_client.post(
            self.copy_url(edition), {"number": edition.number + 1, "starts_on": past}
        )
        assert response.status_code == 200
        [error] = response.context["form"].errors["starts_on"]
        assert error.startswith("The new edition cannot start in the past")
        assert not Edition.objects.filter(number=edition.number + 1).exists()

    def test_ticking_current_on_the_form_moves_it_from_the_other_edition(self, rf, admin_user, edition):
        copy = edition_copy(edition=edition, number=edition.number + 1, starts_on=next_year(edition))
        copy.is_current = True
        request = rf.post("/")
        request.user = admin_user
        # Saved as the change form saves it; without the move, the one-current constraint fails.
        admin.site._registry[Edition].save_model(
            request, copy, SimpleNamespace(changed_data=["is_current"]), True
        )
        edition.refresh_from_db()
        assert (current_edition(), edition.is_current) == (copy, False)

    def test_staff_cannot_copy(self, staff_client, edition):
        assert staff_client.get(self.copy_url(edition)).status_code == 403
