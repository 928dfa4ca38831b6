"""The organisers' questions are written in Polish and English (as program/translation.py's texts)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Question, QuestionChoice


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "help_text")


@register(QuestionChoice)
class QuestionChoiceTranslation(TranslationOptions):
    fields = ("label",)
