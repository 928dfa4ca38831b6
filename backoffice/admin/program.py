"""Editions, their days, organisations and program items in the back office. An item's capacity
goes through registration.services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from messaging.models import Message
from program import services as program_services
from program.models import ConferenceDay, Edition, EditionLink, EditionRole, Organisation, ProgramItem
from registration import services
from registration.errors import DomainError

from .. import editions
from ..forms import EditionCopyForm
from ..params import date_param
from ..permissions import WRITE_MESSAGES_PERMISSION
from .support import refusal, refusals_as_messages


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
class EditionAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = [
        "number",
        "title",
        "city",
        "starts_on",
        "ends_on",
        "registration_opens_at",
        "registration_closes_at",
        "changes_close_at",
        "is_current",
    ]
    list_filter = ["is_current", "city"]
    search_fields = ["title", "city"]
    date_hierarchy = "starts_on"
    inlines = [ConferenceDayInline, EditionRoleInline, EditionLinkInline]
    actions = ["prepare_next", "make_current"]

    def save_model(self, request, obj, form, change):
        # One edition is current: ticking the box here moves it from the other one.
        make_current = obj.is_current and "is_current" in form.changed_data
        if make_current:
            obj.is_current = False
        super().save_model(request, obj, form, change)
        if make_current:
            program_services.edition_make_current(edition=obj)

    @admin.action(
        description=_("Make it the current edition (the public site shows it)"), permissions=["change"]
    )
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose one edition."), messages.WARNING)
            return
        edition = program_services.edition_make_current(edition=queryset.get())
        self.log_change(request, edition, _("Made the current edition."))
        self.message_user(
            request, _("%(edition)s is the current edition now.") % {"edition": edition}, messages.SUCCESS
        )

    @admin.action(description=_("Prepare the next edition from this one"), permissions=["add"])
    def prepare_next(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose one edition."), messages.WARNING)
            return None
        return redirect(reverse("admin:program_edition_copy", args=[queryset.get().pk]))

    def get_urls(self):
        copy = path(
            "<int:edition_id>/copy/", self.admin_site.admin_view(self.copy_view), name="program_edition_copy"
        )
        return [copy, *super().get_urls()]

    def copy_view(self, request, edition_id: int):
        """ "Prepare the next edition from this one": the form asks, `edition_copy` decides."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        edition = get_object_or_404(Edition, pk=edition_id)
        form = EditionCopyForm(request.POST if request.method == "POST" else None, edition=edition)
        if form.is_valid():
            try:
                copy = editions.edition_copy(edition=edition, **form.cleaned_data)
            except DomainError as error:
                form.add_refusal(error)
            else:
                self.log_addition(request, copy, _("Copied from %(edition)s.") % {"edition": edition})
                self.message_user(
                    request,
                    _("%(edition)s is ready. Check its dates and texts, then make it current to publish it.")
                    % {"edition": copy},
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:program_edition_change", args=[copy.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Prepare the next edition from %(edition)s") % {"edition": edition},
            "opts": self.model._meta,
            "edition": edition,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/program/edition/copy.html", context)


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
        if day := date_param(self.value()):  # not a date (?day=abc, typed by hand): ignored
            return queryset.filter(starts_at__date=day)
        return queryset


@admin.register(ProgramItem)
class ProgramItemAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = [
        "title",
        "kind",
        "starts_at",
        "capacity",
        "seats_taken",
        "seats_free",
        "waitlist_length",
        "needs_confirmation",
    ]
    list_editable = ["capacity"]
    list_filter = ["edition", DayFilter, "kind", NeedsConfirmationFilter]
    search_fields = ["title", "description", "place", "hosts__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["hosts"]
    readonly_fields = ["seats_taken", "waitlist_length"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["promote_next"]

    def get_list_display(self, request):
        if request.user.has_perm(WRITE_MESSAGES_PERMISSION):
            return [*self.list_display, "write_to"]
        return self.list_display

    @admin.display(description=_("write"))
    def write_to(self, item: ProgramItem) -> str:
        """Links to "Write to attendees" with the item's seated people or its waiting list chosen."""
        if item.capacity is None:
            return "—"
        url = reverse("admin:messaging_message_add")
        link = '<a href="{}?audience={}&amp;item={}">{}</a>'
        return format_html(
            f"{link} · {link}",
            *(url, Message.Audience.SEATED, item.pk, _("to those with a seat")),
            *(url, Message.Audience.WAITING, item.pk, _("to the waiting list")),
        )

    @admin.display(boolean=True, description=_("to be confirmed"))
    def needs_confirmation(self, item: ProgramItem) -> bool:
        return bool(item.assumptions)

    @admin.display(description=_("free"))
    def seats_free(self, item: ProgramItem) -> int | None:
        return item.seats_left

    # Capacity and the seat counters belong to registration.services: a raise promotes people
    # from the waiting list at once, a cut below the seats taken is refused (the whole save,
    # list or form, rolls back and says why).
    @refusals_as_messages
    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, extra_context)

    @refusals_as_messages
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # Only the edited columns: a full save would write back counters read before the edit.
        fields = [
            name
            for name in form.changed_data
            if name != "capacity"
            and getattr(obj._meta.get_field(name), "concrete", False)
            and not obj._meta.get_field(name).many_to_many
        ]
        if fields:
            obj.save(update_fields=fields)
        if "capacity" in form.changed_data:
            try:
                services.item_set_capacity(item=obj, capacity=form.cleaned_data["capacity"])
            except DomainError as error:
                raise refusal(obj, error) from error

    @admin.action(description=_("Move the next person up from the waiting list"), permissions=["change"])
    def promote_next(self, request, queryset):
        for item in queryset:
            try:
                booking = services.waitlist_promote_next(item=item)
            except DomainError as error:
                self.message_user(request, error.message, messages.WARNING)
                continue
            self.log_change(
                request,
                item,
                _("Promoted %(person)s from the waiting list.") % {"person": booking.registration},
            )
            self.message_user(
                request,
                _("“%(person)s” has a seat on “%(item)s” now.")
                % {"person": booking.registration, "item": item},
                messages.SUCCESS,
            )
