from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from .models import ConferenceDay, Edition, EditionLink, EditionRole, Organisation, ProgramItem


class EditionLinkInline(TranslationTabularInline):
    model = EditionLink
    extra = 0


class ConferenceDayInline(TranslationTabularInline):
    model = ConferenceDay
    extra = 0


class EditionRoleInline(TranslationStackedInline):
    model = EditionRole
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Edition)
class EditionAdmin(TranslationAdmin):
    list_display = [
        "number",
        "title",
        "city",
        "starts_on",
        "ends_on",
        "registration_opens_at",
        "registration_closes_at",
        "is_current",
    ]
    list_filter = ["is_current", "city"]
    search_fields = ["title", "city"]
    date_hierarchy = "starts_on"
    inlines = [ConferenceDayInline, EditionRoleInline, EditionLinkInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "url"]
    search_fields = ["name"]


class NeedsConfirmationFilter(admin.SimpleListFilter):
    title = _("to be confirmed")
    parameter_name = "assumed"

    def lookups(self, request, model_admin):
        return [("yes", _("Needs confirmation")), ("no", _("Confirmed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(assumptions="")
        if self.value() == "no":
            return queryset.filter(assumptions="")
        return queryset


class DayFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        dates = ProgramItem.objects.dates("starts_at", "day")
        return [(d.isoformat(), d.strftime("%d.%m.%Y")) for d in dates]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(starts_at__date=self.value())
        return queryset


@admin.register(ProgramItem)
class ProgramItemAdmin(TranslationAdmin):
    list_display = [
        "title",
        "kind",
        "starts_at",
        "ends_at",
        "capacity",
        "seats_taken",
        "waitlist_length",
        "needs_confirmation",
    ]
    list_filter = ["edition", DayFilter, "kind", NeedsConfirmationFilter]
    search_fields = ["title", "description", "place", "hosts__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["hosts"]
    readonly_fields = ["seats_taken", "waitlist_length"]
    prepopulated_fields = {"slug": ["title"]}

    @admin.display(boolean=True, description=_("to be confirmed"))
    def needs_confirmation(self, item: ProgramItem) -> bool:
        return bool(item.assumptions)
