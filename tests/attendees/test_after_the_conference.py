"""The certificate of attendance and the survey on the attendee's pages (behind the private link)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from aftercare import services
from aftercare.models import FeedbackAnswer, FeedbackRating, FeedbackRequest
from outbox.models import OutgoingMail
from tests.factories import attended, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _still_clock(monkeypatch):
    """django-ratelimit counts in fixed windows: keep the tests inside one of them."""
    monkeypatch.setattr("django_ratelimit.core._get_window", lambda value, period: 1_800_000_000)


@pytest.fixture
def client_pl(client):
    client.cookies["django_language"] = "pl"
    return client


@pytest.fixture
def client_en(client):
    client.cookies["django_language"] = "en"
    return client


def url(name: str, registration) -> str:
    return reverse(name, kwargs={"public_id": registration.public_id, "token": registration.manage_token})


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def pdf_pages(response) -> list[str]:
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.content)).pages]


class TestManagementPage:
    def test_after_the_edition_a_person_checked_in_gets_the_certificate_and_the_survey(self, client_pl, past):
        person = attended(past)
        page = client_pl.get(person.get_manage_url()).content.decode()
        assert 'data-testid="after-the-conference"' in page
        assert url("registration:certificate_pdf", person) in page
        assert url("registration:certificate_send", person) in page
        assert url("registration:feedback", person) in page

    def test_nothing_for_someone_not_checked_in(self, client_pl, past):
        person = attended(past, checked_in=[])
        page = client_pl.get(person.get_manage_url()).content.decode()
        assert 'data-testid="after-the-conference"' not in page
        assert url("registration:certificate_pdf", person) not in page

    def test_nothing_before_the_edition_is_over(self, client_pl, edition, first_day):
        person = sign_up(edition)
        page = client_pl.get(person.get_manage_url()).content.decode()
        assert url("registration:certificate_pdf", person) not in page

    def test_the_survey_answered_is_not_offered_again(self, client_pl, past):
        person = attended(past)
        client_pl.post(url("registration:feedback", person), {"comment": "Dobrze było."})
        page = client_pl.get(person.get_manage_url()).content.decode()
        assert "Dziękujemy za wypełnienie ankiety." in page
        assert url("registration:feedback", person) not in page


class TestCertificateDownload:
    def test_a_pdf_in_the_pages_language(self, client_en, past, visit_2023):
        person = attended(past, [visit_2023], first_name="Łucja", last_name="Wąsowska", language="pl")
        response = client_en.get(url("registration:certificate_pdf", person))
        assert response["Content-Disposition"] == 'attachment; filename="certificate-7.pdf"'
        [text] = pdf_pages(response)
        assert "Certificate of attendance" in text
        assert "Łucja Wąsowska" in text
        assert visit_2023.title_en in text

    def test_in_both_languages(self, client_pl, past):
        person = attended(past)
        polish, english = pdf_pages(
            client_pl.get(url("registration:certificate_pdf", person) + "?languages=both")
        )
        assert ("Zaświadczenie o uczestnictwie" in polish, "Certificate of attendance" in english) == (
            True,
            True,
        )

    def test_refused_to_someone_not_checked_in_with_a_message(self, client_pl, past):
        person = attended(past, checked_in=[])
        response = client_pl.get(url("registration:certificate_pdf", person), follow=True)
        assert response.redirect_chain == [(person.get_manage_url(), 302)]
        [message] = shown_messages(response)
        assert message.startswith("Zaświadczenia o uczestnictwie i ankieta są dla osób, których obecność")

    def test_refused_before_the_edition_is_over_with_a_message(self, client_pl, edition):
        person = sign_up(edition)
        response = client_pl.get(url("registration:certificate_pdf", person), follow=True)
        assert response.redirect_chain == [(person.get_manage_url(), 302)]
        assert shown_messages(response) == [
            "Zaświadczenie o uczestnictwie i ankieta będą dostępne po zakończeniu konferencji."
        ]

    def test_a_forged_link_is_404(self, client_pl, past):
        person = attended(past)
        forged = reverse(
            "registration:certificate_pdf", kwargs={"public_id": person.public_id, "token": "x" * 43}
        )
        assert client_pl.get(forged).status_code == 404


class TestCertificateByMail:
    def test_queued_once_then_a_clear_refusal(self, client_pl, past):
        person = attended(past)
        response = client_pl.post(url("registration:certificate_send", person), follow=True)
        assert shown_messages(response) == [f"Wysyłamy zaświadczenie na adres {person.email}."]
        again = client_pl.post(url("registration:certificate_send", person), follow=True)
        assert shown_messages(again)[0].startswith("Zaświadczenie zostało wysłane przed chwilą")
        assert person.mails.filter(kind=OutgoingMail.Kind.CERTIFICATE).count() == 1

    def test_only_by_post(self, client_pl, past):
        assert client_pl.get(url("registration:certificate_send", attended(past))).status_code == 405

    def test_rate_limited_per_network(self, client_pl, past, settings):
        settings.RATELIMIT_RESEND = "1/m"
        first, second = attended(past), attended(past)
        client_pl.post(url("registration:certificate_send", first), follow=True)
        response = client_pl.post(url("registration:certificate_send", second), follow=True)
        assert shown_messages(response) == [
            "Zbyt wiele prób z Twojej sieci. Odczekaj minutę i spróbuj ponownie."
        ]
        assert not second.mails.exists()


class TestSurvey:
    def test_a_rating_per_day_and_item_attended(self, client_pl, past, visit_2023, evening_2023, days_2023):
        person = attended(past, [visit_2023, evening_2023])
        response = client_pl.get(url("registration:feedback", person))
        page = response.content.decode()
        names = [f"day_{day.pk}" for day in days_2023] + [f"item_{visit_2023.pk}", f"item_{evening_2023.pk}"]
        assert [name for name in names if f'data-rating="{name}"' in page] == names
        assert page.count('type="radio"') == 4 * 6
        assert response.context["form"]["comment"].field.max_length == 2000

    def test_one_answer_then_thanks(self, client_pl, past, visit_2023, days_2023):
        person = attended(past, [visit_2023])
        survey = url("registration:feedback", person)
        form = {f"day_{days_2023[0].pk}": "5", f"day_{days_2023[1].pk}": "", f"item_{visit_2023.pk}": "3"}
        response = client_pl.post(survey, {**form, "comment": "Świetnie!"}, follow=True)
        assert shown_messages(response) == ["Dziękujemy! Twoja odpowiedź została zapisana."]
        assert 'data-testid="answered"' in response.content.decode()
        again = client_pl.post(survey, {**form, "comment": "Drugi raz"})
        assert 'data-testid="answered"' in again.content.decode()
        assert list(FeedbackAnswer.objects.values_list("comment", flat=True)) == ["Świetnie!"]
        assert sorted(FeedbackRating.objects.values_list("rating", flat=True)) == [3, 5]

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"day": "7"}, "Wybierz poprawną wartość. 7 nie jest żadną z dostępnych opcji."),
            (
                {"comment": "x" * 2001},
                "Upewnij się, że ta wartość ma co najwyżej 2000 znaków (obecnie ma 2001).",
            ),
            ({"comment": "   "}, "Oceń co najmniej jeden dzień lub punkt programu albo napisz komentarz."),
        ],
    )
    def test_bad_input_says_why_and_saves_nothing(self, client_pl, past, days_2023, data, message):
        person = attended(past)
        form = {"comment": data.get("comment", ""), f"day_{days_2023[0].pk}": data.get("day", "")}
        response = client_pl.post(url("registration:feedback", person), form)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not FeedbackAnswer.objects.exists()
        assert not FeedbackRequest.objects.exists()

    def test_closed_to_someone_not_checked_in(self, client_pl, past):
        person = attended(past, checked_in=[])
        response = client_pl.post(url("registration:feedback", person), {"comment": "Hej"}, follow=True)
        assert response.redirect_chain == [(person.get_manage_url(), 302)]
        assert not FeedbackAnswer.objects.exists()


def test_the_persons_data_says_when_they_were_invited_and_answered_not_what(client_pl, past):
    person = attended(past)
    data_url = url("registration:data", person)
    assert client_pl.get(data_url).json()["feedback_survey"] is None
    services.feedback_invite(registrations=[person])
    client_pl.post(url("registration:feedback", person), {"comment": "Sekretna uwaga"})
    data = client_pl.get(data_url)
    survey = data.json()["feedback_survey"]
    assert (survey["invited_at"] is not None, survey["answered_at"] is not None) == (True, True)
    assert "Sekretna uwaga" not in data.content.decode()
