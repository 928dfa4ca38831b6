"""The organisers' questions in the admin: added with their choices through the service, refused
with a message beside the problem, and nothing saved."""

import pytest
from django.urls import reverse

from registration.models import Answer, Question, QuestionChoice
from tests.factories import question, sign_up

pytestmark = pytest.mark.django_db

ADD = reverse("admin:registration_question_add")


def question_post(edition, choices=(), **fields) -> dict:
    data = {
        "edition": edition.pk,
        "text_pl": "Rozmiar koszulki?",
        "text_en": "T-shirt size?",
        "help_text_pl": "",
        "help_text_en": "",
        "kind": "single_choice",
        "is_active": "on",
        "order": "0",
        "day": "",
        "item": "",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for n, (pl, en) in enumerate(choices):
        data.update({f"choices-{n}-label_pl": pl, f"choices-{n}-label_en": en, f"choices-{n}-order": str(n)})
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def errors(response) -> list[str]:
    form = response.context["adminform"].form
    found = [str(error) for field_errors in form.errors.values() for error in field_errors]
    for formset in response.context["inline_admin_formsets"]:
        found += [str(error) for error in formset.formset.non_form_errors()]
    return found


class TestAddQuestion:
    def test_organiser_adds_a_question_with_its_choices(self, organiser_client, organiser, edition, visit):
        data = question_post(edition, [("S", "S"), ("M", "M")], item=visit.pk, required="on")
        response = organiser_client.post(ADD, data)
        assert response.status_code == 302
        saved = Question.objects.get()
        assert (saved.text_pl, saved.text_en, saved.item, saved.required) == (
            "Rozmiar koszulki?",
            "T-shirt size?",
            visit,
            True,
        )
        assert list(saved.choices.values_list("label_en", flat=True)) == ["S", "M"]
        assert saved.history.get().history_user == organiser
        assert QuestionChoice.history.filter(question_id=saved.pk).count() == 2

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"text_en": ""}, "Write the question in both Polish and English"),
            (
                {"kind": "single_choice", "choices": [("S", "S")]},
                "A choice question needs at least two choices.",
            ),
            ({"kind": "single_choice", "choices": []}, "A choice question needs at least two choices."),
            ({"choices": [("S", "S"), ("M", "")]}, "Write every choice in both Polish and English."),
            (
                {"kind": "short_text", "choices": [("S", "S"), ("M", "M")]},
                "Only a choice question has choices",
            ),
        ],
    )
    def test_bad_input_is_refused_beside_it_and_nothing_is_saved(
        self, organiser_client, edition, fields, message
    ):
        choices = fields.pop("choices", [("S", "S"), ("M", "M")])
        response = organiser_client.post(ADD, question_post(edition, choices, **fields))
        assert response.status_code == 200
        assert any(error.startswith(message) for error in errors(response)), errors(response)
        assert not Question.objects.exists()
        assert not QuestionChoice.objects.exists()

    def test_a_day_and_an_item_both_are_refused(self, organiser_client, edition, first_day, visit):
        data = question_post(edition, [("S", "S"), ("M", "M")], day=first_day.pk, item=visit.pk)
        response = organiser_client.post(ADD, data)
        assert "Choose a day or a program item, not both." in errors(response)
        assert not Question.objects.exists()

    def test_only_items_people_sign_up_for_are_offered(self, organiser_client, edition, visit):
        open_to_all = edition.items.filter(capacity__isnull=True).first()
        response = organiser_client.post(
            ADD, question_post(edition, [("S", "S"), ("M", "M")], item=open_to_all.pk)
        )
        assert response.status_code == 200
        assert not Question.objects.exists()


class TestChangeQuestion:
    def test_a_chosen_choice_cannot_be_removed(self, organiser_client, edition):
        asked = question(edition, "single_choice", [("S", "S"), ("M", "M")])
        small, medium = asked.choices.all()
        Answer.objects.create(registration=sign_up(edition), question=asked, value=small.pk)
        data = question_post(edition, kind="single_choice")
        data.update({"choices-TOTAL_FORMS": "2", "choices-INITIAL_FORMS": "2"})
        for n, choice in enumerate((small, medium)):
            data.update(
                {
                    f"choices-{n}-id": choice.pk,
                    f"choices-{n}-question": asked.pk,
                    f"choices-{n}-label_pl": choice.label_pl,
                    f"choices-{n}-label_en": choice.label_en,
                    f"choices-{n}-order": "0",
                }
            )
        data["choices-0-DELETE"] = "on"
        data["choices-TOTAL_FORMS"] = "3"
        data.update({"choices-2-label_pl": "L", "choices-2-label_en": "L", "choices-2-order": "0"})
        response = organiser_client.post(reverse("admin:registration_question_change", args=[asked.pk]), data)
        assert response.status_code == 200
        assert errors(response) == [
            "“S” has been chosen by people already: it cannot be removed. Change its wording instead, "
            "or untick “asked” and add a new question."
        ]
        assert list(asked.choices.all()) == [small, medium]

    def test_turned_off_from_the_list(self, organiser_client, edition):
        asked = question(edition)
        data = {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": asked.pk,
            "form-0-order": "3",
            "_save": "Save",
        }
        response = organiser_client.post(reverse("admin:registration_question_changelist"), data)
        assert response.status_code == 302
        asked.refresh_from_db()
        assert (asked.is_active, asked.order) == (False, 3)

    def test_an_answered_question_is_not_deleted(self, organiser_client, edition):
        asked = question(edition)
        Answer.objects.create(registration=sign_up(edition), question=asked, value="A")
        url = reverse("admin:registration_question_delete", args=[asked.pk])
        response = organiser_client.post(url, {"post": "yes"})
        assert response.status_code == 200  # the admin lists what protects it
        assert "Cannot delete question on the form" in response.content.decode()
        assert Question.objects.filter(pk=asked.pk).exists()

    def test_an_unanswered_question_is_deleted(self, organiser_client, edition):
        asked = question(edition, "single_choice", [("S", "S"), ("M", "M")])
        url = reverse("admin:registration_question_delete", args=[asked.pk])
        assert organiser_client.post(url, {"post": "yes"}).status_code == 302
        assert not Question.objects.exists()
        assert asked.history.latest().history_type == "-"


def test_the_registration_page_shows_the_answers(organiser_client, edition):
    asked = question(edition, "yes_no", text_en="Vegetarian?")
    person = sign_up(edition)
    Answer.objects.create(registration=person, question=asked, value=True)
    page = organiser_client.get(reverse("admin:registration_registration_change", args=[person.pk]))
    assert "Vegetarian?: <strong>yes</strong>" in page.content.decode()


def test_the_question_pages_answer(organiser_client, edition, visit):
    asked = question(edition, item=visit)
    for url in (
        reverse("admin:registration_question_changelist"),
        reverse("admin:registration_question_change", args=[asked.pk]),
        reverse("admin:registration_question_history", args=[asked.pk]),
        ADD,
    ):
        assert organiser_client.get(url).status_code == 200, url


def test_the_door_staff_see_no_questions(staff_client, edition):
    question(edition)
    assert staff_client.get(reverse("admin:registration_question_changelist")).status_code == 403
