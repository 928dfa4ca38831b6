"""Editions, their days, organisations and program items in the back office. An item's capacity,
its time, place and hosts (which its people are told about) and its cancellation go through
registration.services."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from attendees.emails import item_change_rows
from messaging.models import Message
from program import services as program_services
from program.models import ConferenceDay, Edition, EditionLink, EditionRole, Organisation, ProgramItem
from registration import selectors, services
from registration.errors import DomainError, ItemChangeClash

from .. import editions
from ..forms import EditionCopyForm, ItemCancelForm
from ..params import date_param, id_param
from ..permissions import WRITE_MESSAGES_PERMISSION
from .support import form_page, refusal, refusals_as_messages

# What an item's people are told about when it changes (registration.services.item_change).
PLACE_FIELDS = [f"place_{code}" for code, _name in settings.LANGUAGES]
NOTICE_FIELDS = {"starts_at", "ends_at", "address", "hosts", *PLACE_FIELDS}


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
        return form_page(
            self,
            request,
            "admin/program/edition/copy.html",
            title=_("Prepare the next edition from %(edition)s") % {"edition": edition},
            form=form,
            edition=edition,
        )


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
        "starts_at",
        "capacity",
        "seats_taken",
        "waitlist_length",
        "needs_confirmation",
        "is_cancelled",
    ]
    list_editable = ["capacity"]
    list_filter = ["edition", DayFilter, "kind", NeedsConfirmationFilter]
    search_fields = ["title", "description", "place", "hosts__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["hosts"]
    readonly_fields = ["seats_taken", "waitlist_length", "cancelled_at"]
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

    @admin.display(boolean=True, description=_("cancelled"))
    def is_cancelled(self, item: ProgramItem) -> bool:
        return item.is_cancelled

    # Capacity and the seat counters belong to registration.services: a raise promotes people
    # from the waiting list at once, a cut below the seats taken is refused (the whole save,
    # list or form, rolls back and says why).
    @refusals_as_messages
    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, extra_context)

    @refusals_as_messages
    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except AskFirst as ask:  # raised inside the save's transaction: nothing was saved
            return ask.page

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # First the change its people are told about: it locks them, then the item (the order
        # of docs/locking.md), so nothing below may lock the item before it.
        if NOTICE_FIELDS & set(form.changed_data):
            self._change_with_notices(request, obj, form)
        # Only the edited columns: a full save would write back counters read before the edit.
        fields = [
            name
            for name in form.changed_data
            if name != "capacity"
            and name not in NOTICE_FIELDS
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

    def _change_with_notices(self, request, obj, form) -> None:
        """Time, place, address or hosts: with people on the item, the organiser first sees what
        changes and whom the notice goes to (and who would get two items at once); the form is
        posted again with `_notify` (and `_confirm_clashes`) to save."""
        cleaned = form.cleaned_data
        new = {
            "starts_at": cleaned["starts_at"],
            "ends_at": cleaned["ends_at"],
            "place": {name.removeprefix("place_"): cleaned.get(name) or "" for name in PLACE_FIELDS},
            "address": cleaned["address"],
            "hosts": list(cleaned["hosts"]),
        }
        if "_notify" not in request.POST and (affected := selectors.item_affected(item=obj)):
            raise AskFirst(self._notice_page(request, obj, new, affected))
        try:
            notified = services.item_change(
                item=obj, **new, confirm_clashes="_confirm_clashes" in request.POST
            )
        except ItemChangeClash:  # someone's items changed since the page was shown: show it again
            raise AskFirst(self._notice_page(request, obj, new, selectors.item_affected(item=obj))) from None
        except DomainError as error:
            raise refusal(obj, error) from error
        if notified:
            self.message_user(
                request,
                ngettext(
                    "A notice of the change was queued for %(count)d person.",
                    "A notice of the change was queued for %(count)d people.",
                    len(notified),
                )
                % {"count": len(notified)},
                messages.SUCCESS,
            )

    def _notice_page(self, request, obj, new, affected) -> TemplateResponse:
        stored = ProgramItem.objects.get(pk=obj.pk)  # `obj` holds the form's new values already
        clashes = selectors.item_change_clashes(
            item=stored, starts_at=new["starts_at"], ends_at=new["ends_at"], affected=affected
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Tell the people of this item about the change?"),
            "opts": self.model._meta,
            "original": stored,
            "changes": item_change_rows(selectors.item_changes(item=stored, **new)),
            "affected": affected,
            "clashes": clashes,
            # The form as posted goes back with the answer (the page has its own CSRF token).
            "posted": [
                (name, value)
                for name, values in request.POST.lists()
                if name != "csrfmiddlewaretoken"
                for value in values
            ],
        }
        return TemplateResponse(request, "admin/program/programitem/notice_confirmation.html", context)

    # --- cancelling an item ---

    def get_urls(self):
        cancel = path(
            "<path:object_id>/cancel/",
            self.admin_site.admin_view(self.cancel_view),
            name="program_programitem_cancel",
        )
        return [cancel, *super().get_urls()]

    def cancel_view(self, request, object_id):
        """ "Cancel this item": the page lists whom it concerns and asks for an optional reason;
        `item_cancel` releases every seat and waiting place and tells each person."""
        item = get_object_or_404(ProgramItem, pk=id_param(object_id))  # typed by hand: 404, not 500
        if not self.has_change_permission(request, item):
            raise PermissionDenied
        change_url = reverse("admin:program_programitem_change", args=[item.pk])
        form = ItemCancelForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                affected = services.item_cancel(item=item, reason=form.cleaned_data["reason"])
            except DomainError as error:
                self.message_user(request, refusal(item, error).text, messages.ERROR)
                return redirect(change_url)
            text = ngettext(
                "Cancelled; %(count)d person was told and their place released.",
                "Cancelled; %(count)d people were told and their places released.",
                len(affected),
            ) % {"count": len(affected)}
            self.log_change(request, item, text)
            self.message_user(request, f"“{item}”: {text}", messages.SUCCESS)
            return redirect(change_url)
        return form_page(
            self,
            request,
            "admin/program/programitem/cancel.html",
            title=_("Cancel this item"),
            form=form,
            original=item,
            affected=selectors.item_affected(item=item),
            change_url=change_url,
        )


class AskFirst(Exception):
    """The save stops to ask the organiser (`page`); the admin's transaction rolls back."""

    def __init__(self, page: TemplateResponse):
        self.page = page
        super().__init__("ask first")
