from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from program.models import ConferenceDay, ProgramItem
from program.selectors import current_edition

from . import exports, mail, services
from .admin_support import refusal, refusals_as_messages
from .checkin import normalise_ticket_code
from .models import Booking, Consent, OutgoingMail, Registration

EXPORT_PERMISSION = "registration.export_registrations"
CHECK_IN_PERMISSION = "registration.check_in"


# --- filters ------------------------------------------------------------------------------------
# Item and place (seat / waiting) filter the same booking, day and "checked in" the same day:
# one .filter() call each, or Django would match them on different rows.


class ItemFilter(admin.SimpleListFilter):
    title = _("program item")
    parameter_name = "item"

    def lookups(self, request, model_admin):
        edition = current_edition()
        items = ProgramItem.objects.filter(edition=edition, capacity__isnull=False).order_by("starts_at")
        return [(str(item.pk), f"{timezone.localtime(item.starts_at):%d.%m %H:%M} {item}") for item in items]

    def queryset(self, request, queryset):
        if self.value():
            lookup = {"bookings__item": self.value()}
            if request.GET.get(PlaceFilter.parameter_name) in Booking.Status.values:
                lookup["bookings__status"] = request.GET[PlaceFilter.parameter_name]
            return queryset.filter(**lookup)
        return queryset


class PlaceFilter(admin.SimpleListFilter):
    title = _("place")
    parameter_name = "place"

    def lookups(self, request, model_admin):
        return Booking.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Booking.Status.values and not request.GET.get(ItemFilter.parameter_name):
            return queryset.filter(bookings__status=self.value())
        return queryset


class DayFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        return [(str(day.pk), str(day)) for day in ConferenceDay.objects.filter(edition=current_edition())]

    def queryset(self, request, queryset):
        if self.value():
            lookup = {"days__day": self.value()}
            checked_in = request.GET.get(CheckedInFilter.parameter_name)
            if checked_in in ("yes", "no"):
                lookup["days__checked_in_at__isnull"] = checked_in == "no"
            return queryset.filter(**lookup)
        return queryset


class CheckedInFilter(admin.SimpleListFilter):
    title = _("checked in")
    parameter_name = "checked_in"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if request.GET.get(DayFilter.parameter_name):
            return queryset
        if self.value() == "yes":
            return queryset.filter(days__checked_in_at__isnull=False).distinct()
        if self.value() == "no":
            return queryset.exclude(days__checked_in_at__isnull=False)
        return queryset


# --- registrations ------------------------------------------------------------------------------


class BookingInline(admin.TabularInline):
    model = Booking
    fields = ["item", "status", "waitlist_position", "confirmed_at", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item")


class ConsentInline(admin.TabularInline):
    model = Consent
    fields = ["kind", "granted", "text_version", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    list_display = [
        "last_name",
        "first_name",
        "email",
        "organisation_name",
        "organisation_type",
        "town",
        "voivodeship",
        "status",
        "created_at",
    ]
    list_display_links = ["last_name", "first_name"]
    list_filter = [
        "edition",
        "status",
        ItemFilter,
        PlaceFilter,
        DayFilter,
        CheckedInFilter,
        "voivodeship",
        "organisation_type",
    ]
    search_fields = ["first_name", "last_name", "email", "organisation_name"]
    search_help_text = _("Name, e-mail, organisation or ticket code.")
    show_full_result_count = False  # one COUNT less on every page
    list_per_page = 100
    inlines = [BookingInline, ConsentInline]
    readonly_fields = [
        "edition",
        "status",
        "ticket_code",
        "language",
        "created_at",
        "updated_at",
        "cancelled_at",
        "anonymised_at",
    ]
    fieldsets = [
        (None, {"fields": ["edition", "status", "ticket_code", "language"]}),
        (
            _("Person"),
            {
                "fields": [
                    ("first_name", "last_name"),
                    ("email", "phone"),
                    ("organisation_name", "organisation_type"),
                    "role",
                    ("town", "voivodeship"),
                ]
            },
        ),
        (
            _("Needs"),
            {
                "fields": [
                    ("needs_wheelchair_access", "needs_sign_language"),
                    ("needs_induction_loop", "needs_assistant"),
                    "accessibility_other",
                    "note",
                ]
            },
        ),
        (_("Dates"), {"fields": ["created_at", "updated_at", "cancelled_at", "anonymised_at"]}),
    ]
    actions = ["cancel", "send_manage_link", "export_csv", "export_xlsx", "anonymise"]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        code = normalise_ticket_code(search_term)
        if code:  # printed codes come grouped with dashes: ABCD-EFGH-…
            results = queryset.filter(Q(pk__in=results.values("pk")) | Q(ticket_code=code))
        return results, may_have_duplicates

    # Registrations come from the public form and leave by cancellation or anonymisation: deleting
    # a row here would leave its seats counted.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_export_permission(self, request):
        return request.user.has_perm(EXPORT_PERMISSION)

    def has_anonymise_permission(self, request):
        return request.user.has_perm("registration.delete_registration")

    @refusals_as_messages
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            services.registration_update_person(
                registration=obj, person=services.Person.from_mapping(form.cleaned_data)
            )
        except services.RegistrationError as error:
            raise refusal(obj, error) from error

    @admin.action(description=_("Cancel the selected registrations"), permissions=["change"])
    def cancel(self, request, queryset):
        cancelled = 0
        for registration in queryset.filter(status=Registration.Status.ACTIVE):
            try:
                services.registration_cancel(registration=registration)
            except services.RegistrationError as error:  # cancelled meanwhile by the person
                self.message_user(request, f"“{registration}”: {error.message}", messages.WARNING)
                continue
            self.log_change(request, registration, _("Cancelled (admin action)."))
            cancelled += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d registration cancelled; freed seats went to the next people waiting.",
                "%(count)d registrations cancelled; freed seats went to the next people waiting.",
                cancelled,
            )
            % {"count": cancelled},
            messages.SUCCESS,
        )

    @admin.action(description=_("Send the management link again"), permissions=["change"])
    def send_manage_link(self, request, queryset):
        sent = 0
        for registration in queryset.filter(status=Registration.Status.ACTIVE).select_related("edition"):
            services.manage_link_send(edition=registration.edition, email=registration.email)
            self.log_change(request, registration, _("Management link sent again (admin action)."))
            sent += 1
        self.message_user(
            request,
            ngettext("%(count)d link queued.", "%(count)d links queued.", sent) % {"count": sent},
            messages.SUCCESS,
        )

    @admin.action(description=_("Export the selection (CSV)"), permissions=["export"])
    def export_csv(self, request, queryset):
        return self._export(queryset, "csv")

    @admin.action(description=_("Export the selection (Excel)"), permissions=["export"])
    def export_xlsx(self, request, queryset):
        return self._export(queryset, "xlsx")

    @admin.action(description=_("Anonymise the selected registrations (RODO)"), permissions=["anonymise"])
    def anonymise(self, request, queryset):
        for registration in queryset.filter(anonymised_at__isnull=True):
            services.registration_anonymise(registration=registration)
            self.log_change(request, registration, _("Anonymised (admin action)."))

    def get_urls(self):
        export = path(
            "export.<str:file_format>",
            self.admin_site.admin_view(self.export_view),
            name="registration_registration_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request, file_format: str):
        """The list as filtered and searched on the changelist (same query string)."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        if file_format not in ("csv", "xlsx"):
            raise Http404
        queryset = self.get_changelist_instance(request).get_queryset(request)
        return self._export(queryset, file_format)

    def _export(self, queryset, file_format: str):
        edition = current_edition()
        sheet = exports.attendee_list(edition=edition, queryset=queryset)
        return exports.sheet_response(sheet, f"attendees-{edition.starts_on.year}", file_format)


# --- outgoing mail ------------------------------------------------------------------------------


@admin.register(OutgoingMail)
class OutgoingMailAdmin(SimpleHistoryAdmin):
    list_display = [
        "created_at",
        "kind",
        "to",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["state", "kind"]
    search_fields = ["to"]
    show_full_result_count = False
    readonly_fields = [field.name for field in OutgoingMail._meta.fields]
    actions = ["retry", "abort"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send again"), permissions=["change"])
    def retry(self, request, queryset):
        retryable = (OutgoingMail.State.FAILED, OutgoingMail.State.ABORTED, OutgoingMail.State.AWAITING_RETRY)
        count = 0
        for outgoing in queryset.filter(state__in=retryable):
            mail.retry(outgoing)
            self.log_change(request, outgoing, _("Queued again (admin action)."))
            count += 1
        self.message_user(
            request, ngettext("%(count)d mail queued.", "%(count)d mails queued.", count) % {"count": count}
        )

    @admin.action(description=_("Do not send (abort)"), permissions=["change"])
    def abort(self, request, queryset):
        count = 0
        for outgoing in queryset.exclude(state__in=(OutgoingMail.State.SENT, OutgoingMail.State.ABORTED)):
            mail.abort(outgoing)
            self.log_change(request, outgoing, _("Aborted (admin action)."))
            count += 1
        self.message_user(
            request, ngettext("%(count)d mail aborted.", "%(count)d mails aborted.", count) % {"count": count}
        )
