"""The questions organisers add to an edition's sign-up form, with their choices. The admin's forms
check them with registration.questions' rules (each problem beside what caused it), and the
admin saves and deletes them through its services."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from program.selectors import current_edition
from registration import questions
from registration.errors import DomainError, QuestionError
from registration.models import Question, QuestionChoice

from .support import refusal, refusals_as_messages


class QuestionForm(forms.ModelForm):
    def _post_clean(self):
        super()._post_clean()  # the fields' own checks, and the instance built from them
        if self.errors:  # the rules below read a whole question
            return
        try:
            questions.question_check(question=self.instance)
        except QuestionError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)


class QuestionChoiceFormSet(BaseInlineFormSet):
    def kept(self) -> list[QuestionChoice]:
        """The choices the question is to have: the rows kept and the new rows filled in."""
        deleted = self.deleted_forms
        return [
            form.instance
            for form in self.forms
            if (form.instance.pk is not None or form.has_changed()) and form not in deleted
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        try:
            questions.question_choices_check(question=self.instance, choices=self.kept())
        except QuestionError as error:
            raise ValidationError(error.message) from error


class QuestionChoiceInline(TranslationTabularInline):
    model = QuestionChoice
    formset = QuestionChoiceFormSet
    fields = ["label", "order"]
    extra = 2


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin, TranslationAdmin):
    """Saved by `question_save` with all its choices at once, deleted by `question_delete`."""

    form = QuestionForm
    inlines = [QuestionChoiceInline]
    list_display = ["text", "kind", "required", "condition", "is_active", "order"]
    list_editable = ["is_active", "order"]
    list_filter = ["edition", "is_active", "kind"]
    list_select_related = ["day", "item"]
    search_fields = ["text_pl", "text_en"]
    fieldsets = [
        (None, {"fields": ["edition", "text", "help_text", "kind", "required", "is_active", "order"]}),
        (
            _("Asked only of some people"),
            {
                "fields": ["day", "item"],
                "description": _(
                    "Choose a day or a program item to ask the question only of the people who "
                    "chose it. Without JavaScript everybody sees it, but only they have to answer."
                ),
            },
        ),
    ]

    def get_changeform_initial_data(self, request):
        edition = current_edition()
        return {"edition": edition.pk if edition else None, **super().get_changeform_initial_data(request)}

    @admin.display(description=_("asked of"))
    def condition(self, question: Question) -> str:
        if question.item_id is not None:
            return str(question.item)
        if question.day_id is not None:
            return str(question.day)
        return _("everybody")

    @refusals_as_messages
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)

    @refusals_as_messages
    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, extra_context)

    @refusals_as_messages
    def delete_view(self, request, object_id, extra_context=None):
        return super().delete_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        """Saved with its choices, in `save_related`: the service takes both at once."""

    def save_related(self, request, form, formsets, change):
        if formsets:
            [choices] = formsets
            choices.save(commit=False)  # what the admin's history message lists; nothing is written
            kept = choices.kept()
        else:  # the list's editable columns: the choices stay as they are
            kept = list(form.instance.choices.all())
        self._save(form.instance, kept)

    def _save(self, question: Question, choices: list[QuestionChoice]) -> None:
        try:
            questions.question_save(question=question, choices=choices)
        except DomainError as error:  # the forms checked the same rules: changed meanwhile
            raise refusal(question, error) from error

    def delete_model(self, request, obj):
        try:
            questions.question_delete(question=obj)
        except DomainError as error:
            raise refusal(obj, error) from error

    def delete_queryset(self, request, queryset):
        for question in queryset:
            self.delete_model(request, question)
