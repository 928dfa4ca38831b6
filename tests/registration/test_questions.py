"""The organisers' questions (registration.questions): what a question may be, and the answers
people give, saved with their registration."""

import pytest
from django.db.models import RestrictedError
from django.utils import translation
from model_bakery import baker

from backoffice.editions import edition_reset
from program.models import ConferenceDay, Edition, ProgramItem
from registration import services
from registration.errors import QuestionError
from registration.models import Answer, Question, QuestionChoice
from registration.questions import Answers, answer_labels, answer_text, question_delete, question_save
from tests.factories import ALL_CONSENTS, person, question, sign_up

pytestmark = pytest.mark.django_db

SIZES = [("mała", "small"), ("duża", "large")]


@pytest.fixture
def other_edition(edition):
    """Another edition, with a day and a limited item."""
    other = baker.make(
        Edition,
        number=edition.number + 1,
        starts_on=edition.starts_on,
        ends_on=edition.ends_on,
        registration_opens_at=edition.registration_opens_at,
        registration_closes_at=edition.registration_closes_at,
    )
    baker.make(ConferenceDay, edition=other, date=edition.starts_on)
    baker.make(
        ProgramItem,
        edition=other,
        capacity=10,
        starts_at=edition.registration_opens_at,
        ends_at=edition.registration_closes_at,
    )
    return other


def refusal(call, **kwargs) -> QuestionError:
    with pytest.raises(QuestionError) as error:
        call(**kwargs)
    return error.value


def create(edition, *, days, items=(), answers: dict, questions=None):
    questions = questions if questions is not None else list(edition.questions.prefetch_related("choices"))
    return services.registration_create(
        edition=edition,
        person=person(),
        days=days,
        items=items,
        consents=ALL_CONSENTS,
        answers=Answers(questions=questions, values=answers),
    )


class TestQuestionRules:
    def test_a_question_and_its_choices_are_saved_in_both_languages(self, edition):
        saved = question(
            edition, "single_choice", SIZES, text_pl="Rozmiar koszulki?", text_en="T-shirt size?"
        )
        assert (saved.text_pl, saved.text_en) == ("Rozmiar koszulki?", "T-shirt size?")
        assert list(saved.choices.values_list("label_pl", "label_en")) == SIZES

    @pytest.mark.parametrize(("language", "field"), [("pl", "text_pl"), ("en", "text_en")])
    def test_wording_is_required_in_both_languages(self, edition, language, field):
        error = refusal(question, edition=edition, **{field: "  "})
        assert (error.code, error.field) == ("text_missing", field)
        assert "both Polish and English" in error.message
        assert not Question.objects.exists()

    def test_a_choice_question_needs_two_choices(self, edition):
        error = refusal(question, edition=edition, kind="multiple_choice", choices=SIZES[:1])
        assert error.code == "choices_missing"
        assert not Question.objects.exists()

    def test_every_choice_is_worded_in_both_languages(self, edition):
        error = refusal(question, edition=edition, kind="single_choice", choices=[*SIZES, ("średnia", "")])
        assert error.code == "choice_text_missing"
        assert not QuestionChoice.objects.exists()

    def test_a_text_question_has_no_choices(self, edition):
        assert refusal(question, edition=edition, kind="yes_no", choices=SIZES).code == "choices_unused"

    def test_a_condition_on_another_editions_day_or_item_is_refused(self, edition, other_edition):
        other_day = other_edition.days.get()
        other_item = other_edition.items.get()
        assert refusal(question, edition=edition, day=other_day).field == "day"
        error = refusal(question, edition=edition, item=other_item)
        assert (error.code, error.field) == ("condition_elsewhere", "item")

    def test_a_condition_on_an_item_nobody_signs_up_for_is_refused(self, edition):
        open_to_all = ProgramItem.objects.filter(edition=edition, capacity__isnull=True).first()
        assert refusal(question, edition=edition, item=open_to_all).code == "item_not_limited"

    def test_a_day_and_an_item_both_is_refused_by_the_database_too(self, edition, first_day, visit):
        with pytest.raises(Exception, match="question_day_or_item"):
            baker.make(Question, edition=edition, kind="yes_no", day=first_day, item=visit)

    def test_choices_change_and_removed_ones_go(self, edition):
        saved = question(edition, "single_choice", [*SIZES, ("średnia", "medium")])
        _small, large, medium = saved.choices.all()
        large.label_en = "big"
        question_save(question=saved, choices=[medium, large])
        assert list(saved.choices.order_by("pk").values_list("label_en", flat=True)) == ["big", "medium"]

    def test_once_answered_the_kind_stays_and_chosen_choices_stay(self, edition, first_day):
        saved = question(edition, "single_choice", SIZES)
        small, large = saved.choices.all()
        create(edition, days=[first_day], answers={saved.pk: small.pk})
        saved.kind = Question.Kind.MULTIPLE_CHOICE
        assert refusal(question_save, question=saved, choices=[small, large]).code == "kind_answered"
        saved.refresh_from_db()
        error = refusal(
            question_save, question=saved, choices=[large, QuestionChoice(label_pl="a", label_en="a")]
        )
        assert (error.code, error.params) == ("choice_answered", {"choice": small.label})
        assert list(saved.choices.all()) == [small, large]
        question_save(
            question=saved, choices=[small, QuestionChoice(label_pl="a", label_en="a")]
        )  # not chosen
        assert saved.choices.count() == 2

    def test_a_chosen_choice_of_several_stays_too(self, edition, first_day):
        saved = question(edition, "multiple_choice", [*SIZES, ("średnia", "medium")])
        small, large, medium = saved.choices.all()
        create(edition, days=[first_day], answers={saved.pk: [large.pk, medium.pk]})
        assert refusal(question_save, question=saved, choices=[small, large]).code == "choice_answered"
        question_save(question=saved, choices=[large, medium])
        assert list(saved.choices.all()) == [large, medium]

    def test_an_answered_question_is_turned_off_not_deleted(self, edition, first_day):
        answered, unanswered = question(edition), question(edition)
        create(edition, days=[first_day], answers={answered.pk: "Tak"}, questions=[answered, unanswered])
        assert refusal(question_delete, question=answered).code == "question_answered"
        question_delete(question=unanswered)
        assert list(Question.objects.all()) == [answered]

    def test_changes_to_a_question_are_in_the_audit_trail(self, edition):
        saved = question(edition, text_pl="Skąd jesteś?")
        saved.text_pl = "Skąd przyjeżdżasz?"
        question_save(question=saved, choices=[])
        assert list(saved.history.values_list("text_pl", flat=True)) == ["Skąd przyjeżdżasz?", "Skąd jesteś?"]


class TestAnswers:
    def test_answers_are_saved_with_the_sign_up(self, edition, first_day):
        text = question(edition, "long_text")
        size = question(edition, "single_choice", SIZES)
        diet = question(edition, "multiple_choice", SIZES)
        coming = question(edition, "yes_no")
        _small, large = size.choices.all()
        diet_small, diet_large = diet.choices.all()
        values = {
            text.pk: "  Mam pytanie. ",
            size.pk: large.pk,
            diet.pk: [diet_large.pk, diet_small.pk],
            coming.pk: False,
        }
        registration = create(edition, days=[first_day], answers=values)
        stored = dict(registration.answers.values_list("question_id", "value"))
        assert stored == {
            text.pk: "Mam pytanie.",
            size.pk: large.pk,
            diet.pk: sorted([diet_small.pk, diet_large.pk]),
            coming.pk: False,
        }

    def test_a_required_question_needs_an_answer(self, edition, first_day):
        required = question(edition, required=True)
        error = refusal(create, edition=edition, days=[first_day], answers={required.pk: " "})
        assert error.code == "answer_required"
        assert error.params == {"question": required.text}
        assert not Answer.objects.exists()

    def test_a_conditional_question_is_required_only_of_those_who_chose_the_item(
        self, edition, first_day, second_day, visit, evening
    ):
        for_visit = question(edition, item=visit, required=True)
        assert refusal(create, edition=edition, days=[first_day], items=[visit], answers={}).code == (
            "answer_required"
        )
        # Not chosen: not required, and an answer sent anyway is not saved.
        registration = create(edition, days=[first_day], items=[evening], answers={for_visit.pk: "Coś"})
        assert not registration.answers.exists()
        registration = create(edition, days=[first_day], items=[visit], answers={for_visit.pk: "Wegańska"})
        assert list(registration.answers.values_list("value", flat=True)) == ["Wegańska"]

    def test_a_day_counts_as_chosen_when_one_of_its_items_is(self, edition, first_day, second_day, visit):
        visit_day = first_day if visit.day == first_day.date else second_day
        other_day = second_day if visit_day == first_day else first_day
        for_the_day = question(edition, day=visit_day, required=True)
        assert refusal(create, edition=edition, days=[other_day], items=[visit], answers={}).code == (
            "answer_required"
        )
        registration = create(edition, days=[other_day], answers={})
        assert registration.pk is not None
        registration = create(edition, days=[visit_day], answers={for_the_day.pk: "Tak"})
        assert registration.answers.get().value == "Tak"

    @pytest.mark.parametrize(
        ("kind", "value"),
        [
            ("short_text", "x" * 301),
            ("short_text", 5),
            ("yes_no", "yes"),
            ("single_choice", 0),
            ("single_choice", True),
            ("multiple_choice", [0]),
            ("multiple_choice", "1"),
        ],
    )
    def test_an_answer_the_question_does_not_allow_is_refused(self, edition, first_day, kind, value):
        asked = question(edition, kind, SIZES if kind.endswith("choice") else ())
        error = refusal(create, edition=edition, days=[first_day], answers={asked.pk: value})
        assert error.code == "answer_invalid"
        assert not Answer.objects.exists()

    def test_only_the_editions_questions_asked_now_are_taken(self, edition, other_edition, first_day):
        turned_off = question(edition, is_active=False)
        elsewhere = question(other_edition)
        for given in (turned_off, elsewhere):
            error = refusal(
                create, edition=edition, days=[first_day], answers={given.pk: "A"}, questions=[given]
            )
            assert error.code == "question_changed"
        assert not Answer.objects.exists()

    def test_organisers_adding_a_person_need_no_answers(self, edition, first_day):
        question(edition, required=True)
        registration = sign_up(edition, days=[first_day])  # answers=None: nothing asked
        assert not registration.answers.exists()

    def test_the_person_changes_their_answers(self, edition, first_day, visit):
        text = question(edition)
        for_visit = question(edition, "yes_no", item=visit)
        registration = create(
            edition, days=[first_day], items=[visit], answers={text.pk: "A", for_visit.pk: True}
        )
        questions = list(edition.questions.prefetch_related("choices"))
        services.registration_update_person(
            registration=registration,
            person=person(email=registration.email),
            answers=Answers(questions=questions, values={text.pk: "B", for_visit.pk: None}),
        )
        assert dict(registration.answers.values_list("question_id", "value")) == {text.pk: "B"}
        history = Answer.history.filter(registration_id=registration.pk).order_by("history_id")
        assert list(history.values_list("history_type", "value")) == [("~", "B"), ("-", True)]

    def test_an_answer_to_a_question_no_longer_asked_goes_at_the_next_change(self, edition, first_day, visit):
        for_visit = question(edition, item=visit)
        registration = create(edition, days=[first_day], items=[visit], answers={for_visit.pk: "A"})
        services.registration_change_items(registration=registration, item_ids=[], day_ids=[first_day.pk])
        assert registration.answers.count() == 1  # left as it was until the person's details change
        services.registration_update_person(
            registration=registration,
            person=person(email=registration.email),
            answers=Answers(questions=[for_visit], values={for_visit.pk: "A"}),
        )
        assert not registration.answers.exists()

    def test_anonymising_erases_the_answers_and_their_history(self, edition, first_day):
        text = question(edition)
        registration = create(edition, days=[first_day], answers={text.pk: "Mój sekret"})
        services.registration_update_person(
            registration=registration,
            person=person(email=registration.email),
            answers=Answers(questions=[text], values={text.pk: "Mój drugi sekret"}),
        )
        services.registration_anonymise(registration=registration)
        assert not Answer.objects.filter(registration=registration).exists()
        history = Answer.history.filter(registration_id=registration.pk)
        assert history.count() == 2  # the change and the deletion, without what was written
        assert set(history.values_list("value", flat=True)) == {""}

    def test_answers_read_as_text_in_the_active_language(self, edition):
        size = question(edition, "multiple_choice", SIZES)
        small, large = size.choices.all()
        coming = question(edition, "yes_no")
        with translation.override("en"):
            assert answer_text(size, [small.pk, large.pk], answer_labels(size)) == "small; large"
            assert answer_text(coming, True, answer_labels(coming)) == "yes"
        with translation.override("pl"):
            assert answer_text(size, [large.pk, 999], answer_labels(size)) == "duża"


def test_the_demos_reset_takes_the_questions_and_answers_with_the_edition(edition, first_day, visit, evening):
    """A question holds its day or item (RESTRICT), but goes with them when the edition goes."""
    for_visit = question(edition, item=visit)
    question(edition, item=evening)
    question(edition, day=first_day)
    create(edition, days=[first_day], items=[visit], answers={for_visit.pk: "A"})
    with pytest.raises(RestrictedError):
        evening.delete()
    edition_reset(number=edition.number)
    assert not Question.objects.exists()
    assert not Answer.objects.exists()
