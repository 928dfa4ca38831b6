"""Organiser-entered texts in Polish and English; English falls back to Polish when empty."""

from modeltranslation.translator import TranslationOptions, register

from .models import ConferenceDay, Edition, EditionLink, EditionRole, ProgramItem


@register(Edition)
class EditionTranslation(TranslationOptions):
    fields = (
        "title",
        "subtitle",
        "slogan",
        "intro",
        "audience",
        "participation_terms",
        "data_retention",
        "accessibility_exceptions",
        "accessibility_architecture",
    )


@register(EditionLink)
class EditionLinkTranslation(TranslationOptions):
    fields = ("label",)


@register(EditionRole)
class EditionRoleTranslation(TranslationOptions):
    fields = ("note",)


@register(ProgramItem)
class ProgramItemTranslation(TranslationOptions):
    fields = ("title", "description", "place")


@register(ConferenceDay)
class ConferenceDayTranslation(TranslationOptions):
    fields = ("title",)
