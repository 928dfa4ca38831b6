"""The organisers' questions on the sign-up form and the management page, and in the person's data."""

import re

import pytest
from django.urls import reverse

from registration.models import Answer, Registration
from tests.factories import question, sign_up

from .test_views import REGISTER, form_data

pytestmark = pytest.mark.django_db

SIZES = [("mała", "small"), ("duża", "large")]


@pytest.fixture(autouse=True)
def _still_clock(monkeypatch):
    monkeypatch.setattr("django_ratelimit.core._get_window", lambda value, period: 1_800_000_000)


@pytest.fixture
def size(edition):
    return question(
        edition,
        "single_choice",
        SIZES,
        text_pl="Rozmiar koszulki?",
        text_en="T-shirt size?",
        help_text_pl="Dla wolontariuszy.",
        help_text_en="For volunteers.",
        required=True,
    )


@pytest.fixture
def for_visit(edition, visit):
    return question(
        edition, "long_text", item=visit, required=True, text_pl="Co chcesz zobaczyć?", text_en="What to see?"
    )


def wrapper(page: str, name: str) -> str:
    """The element around a question's field: its data attributes and the field."""
    questions = re.search(r'<fieldset class="mb-4" id="questions">.*?</legend>(.*)', page, re.S).group(1)
    [found] = [part for part in questions.split("<div data-question")[1:] if f'name="{name}"' in part]
    return found


def errors_summary(page: str) -> str:
    return re.search(r'<div class="alert alert-danger error-summary".*?</div>', page, re.S).group(0)


class TestSignUpForm:
    @pytest.mark.parametrize(
        ("language", "texts"),
        [
            ("pl", ["Rozmiar koszulki?", "Dla wolontariuszy.", "mała", "duża", "Co chcesz zobaczyć?"]),
            ("en", ["T-shirt size?", "For volunteers.", "small", "large", "What to see?"]),
        ],
    )
    def test_questions_in_the_page_language(self, client, size, for_visit, language, texts):
        client.cookies["django_language"] = language
        page = client.get(REGISTER).content.decode()
        for text in texts:
            assert text in page
        small, _large = size.choices.all()
        field = wrapper(page, f"question_{size.pk}")
        assert "data-question-items" not in field and "data-question-days" not in field  # everybody
        assert f'value="{small.pk}"' in field
        assert 'type="radio"' in field

    def test_a_conditional_question_is_marked_for_its_item_and_says_whom_it_is_for(
        self, client, for_visit, visit
    ):
        client.cookies["django_language"] = "en"
        field = wrapper(client.get(REGISTER).content.decode(), f"question_{for_visit.pk}")
        assert f'data-question-items="{visit.pk}"' in field
        assert f"For those who chose “{visit.title_en or visit.title_pl}”." in field
        assert "<textarea" in field and 'maxlength="2000"' in field

    def test_a_day_question_is_shown_by_the_day_or_any_of_its_items(self, client, edition, first_day, visit):
        day_of_visit = edition.days.get(date=visit.day)
        asked = question(edition, "yes_no", day=day_of_visit)
        field = wrapper(client.get(REGISTER).content.decode(), f"question_{asked.pk}")
        assert f'data-question-days="{day_of_visit.pk}"' in field
        shown_by = re.search(r'data-question-items="([^"]*)"', field).group(1).split()
        assert str(visit.pk) in shown_by

    def test_a_new_question_shows_at_once(self, client, edition):
        assert "Skąd wiesz o konferencji?" not in client.get(REGISTER).content.decode()  # cached now
        question(edition, text_pl="Skąd wiesz o konferencji?")
        client.cookies["django_language"] = "pl"
        assert "Skąd wiesz o konferencji?" in client.get(REGISTER).content.decode()

    def test_answers_are_saved_with_the_sign_up(self, client, size, for_visit, visit):
        _small, large = size.choices.all()
        data = form_data(
            client,
            items=[visit.pk],
            **{f"question_{size.pk}": large.pk, f"question_{for_visit.pk}": "Mural"},
        )
        assert client.post(REGISTER, data).status_code == 302
        registration = Registration.objects.get(email=data["email"])
        assert dict(registration.answers.values_list("question_id", "value")) == {
            size.pk: large.pk,
            for_visit.pk: "Mural",
        }

    def test_a_conditional_question_is_required_only_when_its_item_is_chosen(
        self, client, size, for_visit, visit, evening
    ):
        client.cookies["django_language"] = "en"
        _small, large = size.choices.all()
        answers = {f"question_{size.pk}": large.pk, f"question_{for_visit.pk}": "sent though not asked"}
        response = client.post(REGISTER, form_data(client, items=[evening.pk], **answers))
        assert response.status_code == 302
        assert list(Answer.objects.values_list("question_id", flat=True)) == [size.pk]

        data = form_data(
            client, email="second@example.com", items=[visit.pk], **{f"question_{size.pk}": large.pk}
        )
        response = client.post(REGISTER, data)
        assert response.status_code == 400
        page = response.content.decode()
        summary = errors_summary(page)
        assert f'href="#id_question_{for_visit.pk}">What to see?: This field is required.' in summary
        field = wrapper(page, f"question_{for_visit.pk}")
        assert 'aria-invalid="true"' in field
        assert not Registration.objects.filter(email="second@example.com").exists()

    def test_a_required_choice_left_out_is_named_in_the_summary_in_polish(self, client, size):
        client.cookies["django_language"] = "pl"
        response = client.post(REGISTER, form_data(client))
        assert response.status_code == 400
        summary = errors_summary(response.content.decode())
        assert "Rozmiar koszulki?" in summary
        assert f'href="#id_question_{size.pk}_0"' in summary
        assert not Registration.objects.exists()

    def test_a_choice_not_offered_is_refused(self, client, size):
        response = client.post(REGISTER, form_data(client, **{f"question_{size.pk}": 999_999}))
        assert response.status_code == 400
        assert not Registration.objects.exists()

    def test_the_form_shown_again_marks_a_conditional_question_required(
        self, client, size, for_visit, evening
    ):
        """Not asked in the data sent, but the script shows it when the item is ticked."""
        response = client.post(REGISTER, form_data(client, items=[evening.pk], first_name=""))
        assert response.status_code == 400
        field = wrapper(response.content.decode(), f"question_{for_visit.pk}")
        assert "asteriskField" in field


class TestManagementPage:
    def test_the_person_sees_and_changes_the_questions_they_are_asked(
        self, client, edition, size, for_visit, visit, evening
    ):
        client.cookies["django_language"] = "en"
        small, large = size.choices.all()
        registration = sign_up(edition, [evening])
        Answer.objects.create(registration=registration, question=size, value=small.pk)
        url = reverse("registration:manage_details", args=[registration.public_id, registration.manage_token])
        page = client.get(url).content.decode()
        assert "T-shirt size?" in page
        assert re.search(rf'value="{small.pk}"[^>]*checked', page)
        assert "What to see?" not in page  # not on the visit

        data = {
            "action": "person",
            **{
                f"person-{name}": getattr(registration, name) for name in ("first_name", "last_name", "email")
            },
            "person-town": registration.town,
            "person-voivodeship": registration.voivodeship,
            f"person-question_{size.pk}": large.pk,
        }
        assert client.post(url, data).status_code == 302
        assert registration.answers.get().value == large.pk
        history = registration.answers.get().history.all()
        assert [entry.history_type for entry in history] == ["~", "+"]  # the change, in the audit trail

    def test_a_required_question_left_empty_is_an_error_and_changes_nothing(self, client, edition, size):
        client.cookies["django_language"] = "en"
        small, _large = size.choices.all()
        registration = sign_up(edition, first_name="Ala")
        Answer.objects.create(registration=registration, question=size, value=small.pk)
        data = {
            "action": "person",
            **{f"person-{name}": getattr(registration, name) for name in ("last_name", "email", "town")},
            "person-first_name": "Alicja",
            "person-voivodeship": registration.voivodeship,
        }
        response = client.post(
            reverse("registration:manage_details", args=[registration.public_id, registration.manage_token]),
            data,
        )
        assert response.status_code == 400
        assert "T-shirt size?: This field is required." in errors_summary(response.content.decode())
        registration.refresh_from_db()
        assert (registration.first_name, registration.answers.get().value) == ("Ala", small.pk)

    def test_the_persons_data_holds_their_answers(self, client, edition, size, visit, for_visit):
        client.cookies["django_language"] = "en"
        _small, large = size.choices.all()
        registration = sign_up(edition, [visit])
        Answer.objects.create(registration=registration, question=size, value=large.pk)
        Answer.objects.create(registration=registration, question=for_visit, value="Mural")
        data = client.get(
            reverse(
                "registration:data",
                kwargs={"public_id": registration.public_id, "token": registration.manage_token},
            )
        ).json()
        assert data["answers_to_the_organisers_questions"] == [
            {"question": "T-shirt size?", "answer": "large"},
            {"question": "What to see?", "answer": "Mural"},
        ]
