"""Issue #14: what the public pages must not give away. A replayed form does not show another
person's registration, the private pages are never stored by a browser or a proxy, and the sign-up
form does not say whether an address is registered."""

import re

import pytest
from django.urls import reverse

from outbox.models import OutgoingMail
from registration.models import Registration
from tests.attendees.test_views import REGISTER, form_data
from tests.factories import sign_up


@pytest.fixture(autouse=True)
def _still_clock(monkeypatch):
    """django-ratelimit counts in fixed windows: keep the tests inside one of them."""
    monkeypatch.setattr("django_ratelimit.core._get_window", lambda value, period: 1_800_000_000)


@pytest.fixture
def client_pl(client):
    client.cookies["django_language"] = "pl"
    return client


@pytest.mark.django_db
class TestSubmissionKeyReplay:
    def test_the_same_form_sent_twice_shows_the_same_thanks_page(self, client_pl, edition, visit):
        data = form_data(client_pl, items=[visit.pk])
        first = client_pl.post(REGISTER, data)
        second = client_pl.post(REGISTER, data)
        registration = Registration.objects.get()
        assert first.status_code == second.status_code == 302
        assert (
            first["Location"]
            == second["Location"]
            == reverse(
                "registration:thanks",
                kwargs={"public_id": registration.public_id, "token": registration.manage_token},
            )
        )

    def test_the_same_person_sending_again_with_the_address_in_capitals_is_the_same_submission(
        self, client_pl, edition
    ):
        data = form_data(client_pl)
        first = client_pl.post(REGISTER, data)
        second = client_pl.post(REGISTER, {**data, "email": data["email"].upper()})
        assert first["Location"] == second["Location"]
        assert Registration.objects.count() == 1

    def test_another_persons_data_with_an_old_key_shows_nothing_of_the_first(self, client_pl, edition):
        """A shared computer: the next person presses Back, types their own data and sends."""
        data = form_data(client_pl)
        client_pl.post(REGISTER, data)
        first = Registration.objects.get()
        OutgoingMail.objects.all().delete()

        replay = client_pl.post(
            REGISTER, {**data, "first_name": "Marek", "last_name": "Nowak", "email": "marek@example.com"}
        )
        page = replay.content.decode()
        assert replay.status_code == 400
        assert "Location" not in replay
        for secret in (first.manage_token, str(first.public_id), first.email, first.ticket_code):
            assert secret not in page
        (message,) = replay.context["form"].non_field_errors()  # said in the page's language
        assert message in page
        assert "marek@example.com" in page  # the form again, with what they typed
        # The form again carries a new key: sent once more, it registers the second person.
        new_key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
        assert new_key != data["submission_key"]
        # Nothing registered twice, the first registration untouched, no mail to anybody.
        assert Registration.objects.count() == 1
        first_again = Registration.objects.get()
        assert (first_again.first_name, first_again.email) == (first.first_name, first.email)
        assert not OutgoingMail.objects.exists()

        again = client_pl.post(
            REGISTER,
            {
                **data,
                "first_name": "Marek",
                "last_name": "Nowak",
                "email": "marek@example.com",
                "submission_key": new_key,
            },
        )
        assert again.status_code == 302
        second = Registration.objects.get(email="marek@example.com")
        assert again["Location"] == reverse(
            "registration:thanks", kwargs={"public_id": second.public_id, "token": second.manage_token}
        )

    def test_the_message_speaks_english_too(self, client, edition):
        client.cookies["django_language"] = "en"
        data = form_data(client)
        client.post(REGISTER, data)
        replay = client.post(REGISTER, {**data, "email": "someone.else@example.com"})
        assert replay.status_code == 400
        assert "This form has already been sent" in replay.content.decode()


PRIVATE_PAGES = ["thanks", "manage", "cancel", "delete", "ticket", "ticket_pdf", "calendar", "data"]


@pytest.mark.django_db
class TestPrivatePagesAreNotStored:
    @pytest.mark.parametrize("name", PRIVATE_PAGES)
    def test_private_page_says_no_store(self, client_pl, edition, visit, name):
        registration = sign_up(edition, [visit])
        url = reverse(
            f"registration:{name}",
            kwargs={"public_id": registration.public_id, "token": registration.manage_token},
        )
        response = client_pl.get(url)
        assert response.status_code == 200
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= cache_control

    @pytest.mark.parametrize("name", ["manage_details", "manage_items", "cancel", "delete"])
    def test_answers_to_posts_say_no_store(self, client_pl, edition, name):
        registration = sign_up(edition)
        url = reverse(
            f"registration:{name}",
            kwargs={"public_id": registration.public_id, "token": registration.manage_token},
        )
        response = client_pl.post(url, {"action": "person"})
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
class TestSignUpDoesNotTellWhoIsRegistered:
    def test_a_registered_address_gets_its_link_by_mail_and_the_resend_pages_answer(self, client_pl, edition):
        registered = sign_up(edition, email="lucja@example.com")
        OutgoingMail.objects.all().delete()

        response = client_pl.post(REGISTER, form_data(client_pl, email="LUCJA@example.com"))
        resend = client_pl.post("/registration/link/", {"email": "lucja@example.com"})
        unknown = client_pl.post("/registration/link/", {"email": "nobody@example.com"})

        def strip(response):
            """The page without its CSRF token and its own address (the language switch has it)."""
            html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
            return html.replace("next=/registration/link/", "next=/registration/")

        assert response.status_code == resend.status_code == unknown.status_code == 200
        assert strip(response) == strip(resend) == strip(unknown)
        assert registered.manage_token not in response.content.decode()
        assert Registration.objects.count() == 1
        # One link for the sign-up, one for the resend form; both to the registered person only.
        links = OutgoingMail.objects.filter(kind=OutgoingMail.Kind.MANAGE_LINK)
        assert [mail.registration_id for mail in links] == [registered.pk, registered.pk]
        assert OutgoingMail.objects.count() == 2

    def test_a_new_address_still_goes_to_its_thanks_page(self, client_pl, edition):
        sign_up(edition, email="someone@example.com")
        response = client_pl.post(REGISTER, form_data(client_pl, email="lucja@example.com"))
        assert response.status_code == 302
        assert response["Location"].startswith("/registration/thanks/")

    def test_a_cancelled_address_may_sign_up_again(self, client_pl, edition):
        from registration import services

        services.registration_cancel(registration=sign_up(edition, email="lucja@example.com"))
        response = client_pl.post(REGISTER, form_data(client_pl, email="lucja@example.com"))
        assert response.status_code == 302
        assert Registration.objects.filter(status=Registration.Status.ACTIVE).count() == 1
