"""The organisers' own questions on the sign-up form, and the answers people give.

Organisers add questions to an edition in the admin, which saves them through `question_save` and
deletes them through `question_delete`; `question_check` and `question_choices_check` are the
rules, which the admin's forms also call to show each problem beside what caused it. A question
may depend on a day or a program item: it is asked (`asked`) only of the people who come on that
day or hold a seat or a waiting place on that item, and is required only of them.

The answers are written with the registration, in its transaction and under its lock:
`services.registration_create(answers=…)` and `services.registration_update_person(answers=…)`
check them with `answers_check`. Anonymising a registration deletes them
(`services.registration_anonymise`); audit.receivers blanks their history.

Nothing here takes a lock: a question decides no seat or place, and two organisers saving the same
question one after the other leave the second one's version, both in the audit trail.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from program.models import Edition

from .errors import QuestionError
from .models import Answer, Question, QuestionChoice, Registration

# The longest answer each text question takes (the forms say the same).
ANSWER_MAX_LENGTH = {Question.Kind.SHORT_TEXT: 300, Question.Kind.LONG_TEXT: 2000}
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class Answers:
    """What a form collected: `values` by question id (None, "" or []: not answered) to
    `questions`, the edition's active questions as the caller loaded them (the sign-up form reads
    them from its cache, with their choices). A value is text for the text questions, True or
    False for yes or no, a choice's id, or a list of choices' ids."""

    questions: Sequence[Question]
    values: Mapping[int, object]


# --- the organisers' questions --------------------------------------------------------------------


def question_check(*, question: Question) -> None:
    """Refuse a question that cannot be asked as written: its wording missing in a language, a
    condition on a day or item of another edition, or on an item nobody signs up for; and, once
    people have answered it, a change of its kind of answer. `QuestionError.field` names the
    field at fault. (A day and an item both chosen is refused by a constraint, with the message
    of "day_and_item".)"""
    for code in LANGUAGE_CODES:
        if not (getattr(question, f"text_{code}") or "").strip():
            raise QuestionError("text_missing", field=f"text_{code}")
    if question.day_id is not None and question.day.edition_id != question.edition_id:
        raise QuestionError("condition_elsewhere", field="day")
    if question.item_id is not None:
        if question.item.edition_id != question.edition_id:
            raise QuestionError("condition_elsewhere", field="item")
        if not question.item.is_limited:
            raise QuestionError("item_not_limited", field="item")
    if question.pk is not None:
        stored_kind = Question.objects.filter(pk=question.pk).values_list("kind", flat=True).first()
        if stored_kind != question.kind and question.answers.exists():
            raise QuestionError("kind_answered", field="kind")


def question_choices_check(*, question: Question, choices: Sequence[QuestionChoice]) -> None:
    """Refuse `choices` (all the choices the question is to have) that do not fit it: fewer than
    two for a choice question, or one without its wording in a language; any for another kind;
    and a choice people have chosen left out."""
    if question.has_choices:
        if len(choices) < 2:
            raise QuestionError("choices_missing")
        for choice in choices:
            if not all((getattr(choice, f"label_{code}") or "").strip() for code in LANGUAGE_CODES):
                raise QuestionError("choice_text_missing")
    elif choices:
        raise QuestionError("choices_unused")
    if question.pk is not None:
        for removed in question.choices.exclude(pk__in=[choice.pk for choice in choices if choice.pk]):
            if _chosen(removed):
                raise QuestionError("choice_answered", choice=removed.label)


def _chosen(choice: QuestionChoice) -> bool:
    """Whether someone's answer holds the choice (one choice: its id; several: a list with it)."""
    return Answer.objects.filter(
        Q(value=choice.pk) | Q(value__contains=[choice.pk]), question_id=choice.question_id
    ).exists()


def question_save(*, question: Question, choices: Sequence[QuestionChoice]) -> Question:
    """Save an organiser's question with its `choices`: all of them, in order; a choice it had
    and `choices` leaves out is removed. Refuses as `question_check` and `question_choices_check`
    do, saving nothing."""
    with transaction.atomic():
        question_check(question=question)
        question_choices_check(question=question, choices=choices)
        question.save()
        # delete() on the rows, not one query: each removal goes into the audit trail.
        question.choices.exclude(pk__in=[choice.pk for choice in choices if choice.pk]).delete()
        for choice in choices:
            choice.question = question
            choice.save()
    return question


def question_delete(*, question: Question) -> None:
    """Delete a question nobody has answered; one with answers is turned off instead (`is_active`)."""
    with transaction.atomic():
        if question.answers.exists():
            raise QuestionError("question_answered", question=question.text)
        question.delete()


# --- the answers ----------------------------------------------------------------------------------


def asked(question: Question, *, day_ids: Collection[int], item_ids: Collection[int]) -> bool:
    """Whether a person who comes on `day_ids` and holds a seat or a waiting place on `item_ids`
    is asked the question."""
    if question.item_id is not None:
        return question.item_id in item_ids
    if question.day_id is not None:
        return question.day_id in day_ids
    return True


def answers_check(
    *, answers: Answers, edition: Edition, day_ids: Collection[int], item_ids: Collection[int]
) -> dict[int, object]:
    """The answers to keep, by question id: to the questions the person is asked (`asked`), each
    checked against its question's kind and choices. A required question asked and left without
    an answer is refused; an answer to a question not asked is left out. Reads nothing: the
    questions come with their choices."""
    kept = {}
    for question in answers.questions:
        if question.edition_id != edition.pk or not question.is_active:
            raise QuestionError("question_changed")
        if not asked(question, day_ids=day_ids, item_ids=item_ids):
            continue
        value = _answer_value(question, answers.values.get(question.pk))
        if value is not None:
            kept[question.pk] = value
        elif question.required:
            raise QuestionError("answer_required", question=question.text)
    return kept


def _answer_value(question: Question, value):
    """The value as it is stored, or None for no answer; refuses one the question does not allow."""
    if value is None or value in ("", [], ()):
        return None
    kind = question.kind
    if kind in ANSWER_MAX_LENGTH:
        if isinstance(value, str) and len(value.strip()) <= ANSWER_MAX_LENGTH[kind]:
            return value.strip() or None
    elif kind == Question.Kind.YES_NO:
        if isinstance(value, bool):
            return value
    else:
        choice_ids = {choice.pk for choice in question.choices.all()}
        if kind == Question.Kind.SINGLE_CHOICE and type(value) is int and value in choice_ids:
            return value
        if (
            kind == Question.Kind.MULTIPLE_CHOICE
            and isinstance(value, list | tuple)
            and all(type(v) is int for v in value)
            and set(value) <= choice_ids
        ):
            return sorted(set(value))
    raise QuestionError("answer_invalid", question=question.text)


def answers_create(*, registration: Registration, kept: Mapping[int, object]) -> None:
    """The sign-up's answers (`answers_check`), in one statement, in the caller's transaction: like
    the sign-up's days, they are part of the new registration (the audit trail records changes)."""
    Answer.objects.bulk_create(
        Answer(registration=registration, question_id=question_id, value=value)
        for question_id, value in kept.items()
    )


def answers_replace(*, registration: Registration, answers: Answers, kept: Mapping[int, object]) -> None:
    """Make the person's answers to `answers.questions` the `kept` ones: new ones are added,
    changed ones changed, and an earlier answer to a question now left empty or no longer asked
    is deleted. Answers to other questions (turned off since) stay. Runs in the caller's
    transaction, under the registration's lock; row by row, so each change is in the audit trail."""
    existing = {answer.question_id: answer for answer in registration.answers.all()}
    for question in answers.questions:
        answer = existing.get(question.pk)
        if question.pk not in kept:
            if answer is not None:
                answer.delete()
        elif answer is None:
            Answer.objects.create(registration=registration, question=question, value=kept[question.pk])
        elif answer.value != kept[question.pk]:
            answer.value = kept[question.pk]
            answer.save(update_fields=["value", "updated_at"])


def answer_labels(question: Question) -> dict:
    """What each stored value of a yes-or-no or choice question reads as, in the active language
    (the question's choices as prefetched); empty for a text question."""
    if question.kind == Question.Kind.YES_NO:
        return {True: _("yes"), False: _("no")}
    return {choice.pk: choice.label for choice in question.choices.all()}


def answer_text(question: Question, value, labels: Mapping) -> str:
    """An answer as a person reads it: its text, "yes" or "no", or its choices' labels (`labels`:
    `answer_labels(question)`, made once per question for a list). A choice removed since reads
    as nothing."""
    if question.kind in ANSWER_MAX_LENGTH:
        return value
    if question.kind == Question.Kind.MULTIPLE_CHOICE:
        return "; ".join(labels[choice_id] for choice_id in value if choice_id in labels)
    return labels.get(value, "")
