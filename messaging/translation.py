"""The organisers write each message in Polish and English (as program/translation.py's texts)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Message


@register(Message)
class MessageTranslation(TranslationOptions):
    fields = ("subject", "body")
