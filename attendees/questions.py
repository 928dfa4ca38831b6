"""The organisers' questions on the attendee's forms: a field per question, in the page's language,
rendered, checked and summarised like the built-in fields (registration.questions has the rules)."""

from dataclasses import dataclass

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext as _

from registration.models import Question
from registration.questions import ANSWER_MAX_LENGTH, Answers, asked

YES, NO = "yes", "no"
FIELD_PREFIX = "question_"


def _yes(value: str) -> bool:
    return value == YES


def question_field(question: Question, *, required: bool, condition: str = "") -> forms.Field:
    """The field that asks the question, labelled in the active language; `condition` says whom
    it is for (read when the page's script cannot hide it)."""
    help_text = " ".join(text for text in (question.help_text, condition) if text)
    common = {"label": question.text, "help_text": help_text, "required": required}
    kind = question.kind
    if kind == Question.Kind.SHORT_TEXT:
        return forms.CharField(max_length=ANSWER_MAX_LENGTH[kind], **common)
    if kind == Question.Kind.LONG_TEXT:
        return forms.CharField(
            max_length=ANSWER_MAX_LENGTH[kind], widget=forms.Textarea(attrs={"rows": 3}), **common
        )
    if kind == Question.Kind.YES_NO:
        return forms.TypedChoiceField(
            choices=[(YES, _("Yes")), (NO, _("No"))],
            coerce=_yes,
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    choices = [(choice.pk, choice.label) for choice in question.choices.all()]
    if kind == Question.Kind.SINGLE_CHOICE:
        return forms.TypedChoiceField(
            choices=choices, coerce=int, empty_value=None, widget=forms.RadioSelect, **common
        )
    return forms.TypedMultipleChoiceField(
        choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple, **common
    )


@dataclass(frozen=True)
class QuestionEntry:
    """A question's field on the page, with the days and items that show it (none: always shown)."""

    field: BoundField
    question: Question
    days: list[int]
    items: list[int]


class QuestionsMixin(forms.Form):
    """A field per question the organisers ask, after the form's own fields. Asks nothing until
    `setup_questions` is called."""

    questions: list[Question] = []  # the ones on the form
    all_questions: list[Question] = []

    def setup_questions(
        self,
        questions,
        *,
        holds: tuple[set[int], set[int]] | None = None,
        initial=None,
        before: str | None = None,
    ):
        """Ask `questions` (the edition's active ones, with their choices, day and item).

        `holds`, the ids of the days and items the person holds (the management page): only the
        questions they are asked are on the form. Without it (the sign-up form, where the days
        and items are being chosen) every question is, but one on an item the form does not
        offer; one that depends on a day or an item is marked for static/js/questions.js to show
        only when it is chosen, and is required only when the data sent chooses it, as
        registration.questions.answers_check will require it. `initial`: the answers given, by
        question id, as stored. `before`: the field the questions come before on the page (and so
        in the error summary); none: at the end."""
        day_ids, item_ids = holds if holds is not None else self._chosen_in_data()
        self.all_questions, self.questions, self.question_conditions = list(questions), [], {}
        for question in self.all_questions:
            is_asked = asked(question, day_ids=day_ids, item_ids=item_ids)
            if holds is not None and not is_asked:
                continue
            if holds is None and question.item_id is not None and question.item_id not in self.item_objects:
                continue  # a cancelled item: nobody can choose it
            name = f"{FIELD_PREFIX}{question.pk}"
            self.fields[name] = question_field(
                question,
                required=question.required and (is_asked or not self.is_bound),
                condition=self._condition_text(question),
            )
            if initial and question.pk in initial:
                self.initial[name] = _initial(question, initial[question.pk])
            self.questions.append(question)
            self.question_conditions[name] = self._shown_by(question)
        if before in self.fields:
            names = [f"{FIELD_PREFIX}{question.pk}" for question in self.questions]
            ordered = [name for name in self.fields if name not in names]
            at = ordered.index(before)
            self.order_fields([*ordered[:at], *names, *ordered[at:]])

    def _chosen_in_data(self) -> tuple[set[int], set[int]]:
        """The days and items the data sent chooses (a chosen item's day counts as chosen, as
        registration.services counts it); nothing for a form not sent."""
        if not self.is_bound or "days" not in self.fields:
            return set(), set()
        chosen = {}
        for name in ("days", "items"):
            field = self.fields[name]
            keys = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            chosen[name] = [field.objects[key] for key in keys if key in field.objects]
        item_dates = {item.day for item in chosen["items"]}
        days = self.fields["days"].objects.values()
        day_ids = {day.pk for day in chosen["days"]} | {day.pk for day in days if day.date in item_dates}
        return day_ids, {item.pk for item in chosen["items"]}

    def _shown_by(self, question: Question) -> tuple[list[int], list[int]]:
        """The days and items whose checkboxes show the question (a day's items count for it)."""
        if question.item_id is not None:
            return [], [question.item_id]
        if question.day_id is not None:
            offered = getattr(self, "item_objects", {}).values()
            on_the_day = [item.pk for item in offered if item.day == question.day.date]
            return [question.day_id], on_the_day
        return [], []

    @staticmethod
    def _condition_text(question: Question) -> str:
        if question.item_id is not None:
            return _("For those who chose “%(item)s”.") % {"item": question.item.title}
        if question.day_id is not None:
            return _("For those who attend on %(date)s.") % {"date": f"{question.day.date:%d.%m.%Y}"}
        return ""

    def question_entries(self) -> list[QuestionEntry]:
        entries = []
        for question in self.questions:
            name = f"{FIELD_PREFIX}{question.pk}"
            days, items = self.question_conditions[name]
            entries.append(QuestionEntry(field=self[name], question=question, days=days, items=items))
        return entries

    def clean(self):
        cleaned = super().clean()
        # The form shown again marks each question as the organisers set it: the script may show
        # one the data sent did not choose.
        for question in self.questions:
            self.fields[f"{FIELD_PREFIX}{question.pk}"].required = question.required
        return cleaned

    def answers(self) -> Answers:
        """The answers, for registration.services, which checks them again and keeps the ones the
        person is asked: to every question given, so that an earlier answer to one the person is
        no longer asked is dropped."""
        values = {q.pk: self.cleaned_data.get(f"{FIELD_PREFIX}{q.pk}") for q in self.questions}
        return Answers(questions=self.all_questions, values=values)


def _initial(question: Question, value):
    if question.kind == Question.Kind.YES_NO:
        return YES if value else NO
    return value
