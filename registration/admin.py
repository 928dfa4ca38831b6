"""The back office: one admin per model. Registrations carry the organisers' decisions (cancel,
approve or reject a free-ticket claim, record a catering transfer); the catering orders and the
claims are lists to look things up in, plus the bank statement import. Every change goes through
registration.services, registration.catering and registration.payments."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from program.models import CATERING_SETTINGS, CateringOffer, ConferenceDay, ProgramItem
from program.selectors import current_edition

from . import catering, exports, mail, payments, selectors, services
from .admin_support import refusal, refusals_as_messages
from .checkin import normalise_ticket_code
from .forms import ClaimRejectForm, MarkPaidForm, StatementImportForm
from .models import Booking, CateringOrder, Consent, FreeTicketClaim, OutgoingMail, Registration

EXPORT_PERMISSION = "registration.export_registrations"
CHECK_IN_PERMISSION = "registration.check_in"
# Deciding on claims and recording transfers: Organisers (change), not Staff (view only).
DECIDE_CLAIMS_PERMISSION = "registration.change_freeticketclaim"
MARK_PAID_PERMISSION = "registration.change_cateringorder"


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


class CateringFilter(admin.SimpleListFilter):
    """The person's live catering order by state ("meal": any held meal, paid, unpaid or free)."""

    title = _("catering")
    parameter_name = "catering"
    MEAL, NONE = "meal", "none"

    def lookups(self, request, model_admin):
        live = [(status, CateringOrder.Status(status).label) for status in CateringOrder.LIVE]
        return [(self.MEAL, _("Meal ordered (any)")), *live, (self.NONE, _("No catering"))]

    def queryset(self, request, queryset):
        statuses = {self.MEAL: CateringOrder.MEALS, **{status: [status] for status in CateringOrder.LIVE}}
        if self.value() == self.NONE:
            return queryset.exclude(pk__in=_orders(CateringOrder.LIVE))
        if self.value() in statuses:
            return queryset.filter(pk__in=_orders(statuses[self.value()]))
        return queryset


def _orders(statuses):
    return CateringOrder.objects.filter(status__in=statuses).values("registration_id")


class ClaimFilter(admin.SimpleListFilter):
    title = _("Małopolska free ticket")
    parameter_name = "free_ticket"

    def lookups(self, request, model_admin):
        return FreeTicketClaim.Status.choices

    def queryset(self, request, queryset):
        if self.value() in FreeTicketClaim.Status.values:
            claims = FreeTicketClaim.objects.filter(status=self.value())
            return queryset.filter(pk__in=claims.values("registration_id"))
        return queryset


# --- registrations ------------------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    """Shown on the registration's page; changed only through the services."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NoAddOrDelete:
    """Rows that come from the public site and the services and leave by cancellation or
    anonymisation: adding or deleting one here would leave seats, meals or quota places counted."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BookingInline(ReadOnlyInline):
    model = Booking
    fields = ["item", "status", "waitlist_position", "confirmed_at", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item")


class CateringOrderInline(ReadOnlyInline):
    model = CateringOrder
    fields = ["title", "status", "diet", "diet_note", "amount", "payment_due", "paid_on", "cancelled_at"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("offer__edition")

    @admin.display(description=_("transfer title"))
    def title(self, order: CateringOrder) -> str:
        return order.transfer_title


class FreeTicketClaimInline(ReadOnlyInline):
    model = FreeTicketClaim
    fields = [
        "basis",
        "organisation",
        "town",
        "fallback_paid",
        "status",
        "waitlist_position",
        "rejection_reason",
        "decided_at",
    ]
    readonly_fields = fields


class ConsentInline(ReadOnlyInline):
    model = Consent
    fields = ["kind", "granted", "text_version", "recorded_at"]
    readonly_fields = fields


@admin.register(Registration)
class RegistrationAdmin(NoAddOrDelete, SimpleHistoryAdmin):
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
        CateringFilter,
        ClaimFilter,
        "voivodeship",
        "organisation_type",
    ]
    search_fields = ["first_name", "last_name", "email", "organisation_name"]
    search_help_text = _("Name, e-mail, organisation or ticket code.")
    show_full_result_count = False  # one COUNT less on every page
    list_per_page = 100
    inlines = [BookingInline, CateringOrderInline, FreeTicketClaimInline, ConsentInline]
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
    actions = [
        "cancel",
        "send_manage_link",
        "approve_claims",
        "reject_claims",
        "mark_catering_paid",
        "export_csv",
        "export_xlsx",
        "anonymise",
    ]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        code = normalise_ticket_code(search_term)
        if code:  # printed codes come grouped with dashes: ABCD-EFGH-…
            results = queryset.filter(Q(pk__in=results.values("pk")) | Q(ticket_code=code))
        return results, may_have_duplicates

    def has_export_permission(self, request):
        return request.user.has_perm(EXPORT_PERMISSION)

    def has_anonymise_permission(self, request):
        return request.user.has_perm("registration.delete_registration")

    def has_decide_claims_permission(self, request):
        return request.user.has_perm(DECIDE_CLAIMS_PERMISSION)

    def has_mark_paid_permission(self, request):
        return request.user.has_perm(MARK_PAID_PERMISSION)

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

    # --- catering and the free Małopolska tickets ---

    @admin.action(description=_("Approve the Małopolska free ticket claims"), permissions=["decide_claims"])
    def approve_claims(self, request, queryset):
        claims = FreeTicketClaim.objects.filter(
            registration__in=queryset, status=FreeTicketClaim.Status.PENDING
        )
        now = timezone.now()
        approved = self._each_claim(
            request, claims, lambda claim: catering.claim_approve(claim=claim, now=now), _("Claim approved.")
        )
        self._report(request, queryset, approved, _("Approved: %(done)s of %(selected)s selected."))

    @admin.action(
        description=_("Reject the Małopolska free ticket claims (asks for the reason)"),
        permissions=["decide_claims"],
    )
    def reject_claims(self, request, queryset):
        form = ClaimRejectForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._ask(
                request, queryset, "reject_claims", form, _("Reject the Małopolska free ticket claims")
            )
        reason = form.cleaned_data["reason"]
        claims = FreeTicketClaim.objects.filter(
            registration__in=queryset,
            status__in=[FreeTicketClaim.Status.PENDING, FreeTicketClaim.Status.WAITLISTED],
        )
        now = timezone.now()
        rejected = self._each_claim(
            request,
            claims,
            lambda claim: catering.claim_reject(claim=claim, reason=reason, now=now),
            _("Claim rejected."),
        )
        self._report(request, queryset, rejected, _("Rejected: %(done)s of %(selected)s selected."))
        return None

    @admin.action(description=_("Mark the catering paid (asks for the date)"), permissions=["mark_paid"])
    def mark_catering_paid(self, request, queryset):
        form = MarkPaidForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._ask(request, queryset, "mark_catering_paid", form, _("Mark the catering paid"))
        orders = CateringOrder.objects.filter(
            registration__in=queryset, status=CateringOrder.Status.AWAITING_PAYMENT
        )
        marked = catering.catering_orders_mark_paid(orders=orders, paid_on=form.cleaned_data["paid_on"])
        for order in marked:
            self.log_change(request, order.registration, _("Catering marked paid (admin action)."))
        self._report(request, queryset, len(marked), _("Marked paid: %(done)s of %(selected)s selected."))
        return None

    def _each_claim(self, request, claims, decide, log_message) -> int:
        done = 0
        for claim in claims.select_related("registration").order_by("pk"):
            try:
                decide(claim)
            except services.RegistrationError as error:  # decided or cancelled meanwhile
                self.message_user(request, f"“{claim.registration}”: {error.message}", messages.WARNING)
                continue
            self.log_change(request, claim.registration, log_message)
            done += 1
        return done

    def _report(self, request, queryset, done: int, text) -> None:
        # The rest had nothing to decide or to mark (no claim in that state, no transfer due).
        selected = queryset.count()
        level = messages.SUCCESS if done == selected else messages.WARNING
        self.message_user(request, text % {"done": done, "selected": selected}, level)

    def _ask(self, request, queryset, action: str, form, title) -> TemplateResponse:
        """The intermediate page of an action that needs a reason or a date: the selection goes
        back with the answer, and the action runs again with `apply` set."""
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "queryset": queryset.order_by("last_name", "first_name", "pk"),
            "action": action,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/registration/registration/action_form.html", context)

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


# --- catering -----------------------------------------------------------------------------------


@admin.register(CateringOffer)
class CateringOfferAdmin(admin.ModelAdmin):
    list_display = ["edition", "day", "price", "capacity", "paid_taken", "free_ticket_quota", "free_taken"]
    readonly_fields = ["paid_taken", "free_taken", "free_waitlist_length", "diet_counts"]

    @admin.display(description=_("meals per diet"))
    def diet_counts(self, offer: CateringOffer) -> str:
        counts = selectors.catering_diet_counts(offer.edition)
        return ", ".join(f"{CateringOrder.Diet(diet).label}: {count}" for diet, count in counts.items())

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # Only the settings: the counters change under the row lock in registration.catering.
        try:
            with transaction.atomic():
                CateringOffer.objects.select_for_update().get(pk=obj.pk)
                obj.save(update_fields=CATERING_SETTINGS)
        except IntegrityError:
            messages.error(
                request, _("Not saved: the capacity or the quota would be lower than what people have taken.")
            )


@admin.register(CateringOrder)
class CateringOrderAdmin(NoAddOrDelete, admin.ModelAdmin):
    """Orders to look up (the dashboard's diet figures link here) and the bank statement import.
    Recording a single transfer is the registrations' action "Mark the catering paid"."""

    list_display = [
        "title",
        "registration",
        "status",
        "diet",
        "amount",
        "payment_due",
        "paid_on",
        "invoice_name",
    ]
    list_filter = ["offer__edition", "status", "diet"]
    search_fields = ["registration__email", "registration__last_name", "invoice_name", "invoice_nip"]
    list_select_related = ["registration", "offer__edition"]
    show_full_result_count = False
    readonly_fields = [
        "registration",
        "offer",
        "status",
        "amount",
        "payment_due",
        "paid_on",
        "reminder_sent_at",
        "created_at",
        "cancelled_at",
    ]
    fields = [*readonly_fields, "diet", "diet_note", "invoice_name", "invoice_nip", "invoice_address"]
    change_list_template = "admin/registration/cateringorder/change_list.html"

    @admin.display(description=_("transfer title"))
    def title(self, order: CateringOrder) -> str:
        return order.transfer_title

    def get_urls(self):
        return [
            path(
                "import-statement/",
                self.admin_site.admin_view(self.import_statement),
                name="registration_cateringorder_import_statement",
            ),
            *super().get_urls(),
        ]

    def import_statement(self, request):
        """Upload and map → preview → confirm. Nothing changes before the confirmation."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        edition = current_edition()
        form = StatementImportForm(request.POST or None, request.FILES or None)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form}
        if request.method == "POST" and form.is_valid():
            try:
                lines = payments.statement_parse(content=form.file_content(), spec=form.spec())
            except payments.StatementError as error:
                form.add_error(None, error.message)
            else:
                if "confirm" in request.POST:
                    marked = payments.statement_import(edition=edition, lines=lines)
                    messages.success(request, _("Marked paid: %(count)s.") % {"count": len(marked)})
                    return redirect("admin:registration_cateringorder_changelist")
                context["preview"] = payments.statement_preview(edition=edition, lines=lines)
                # The same settings and the file's content, hidden: confirming imports what was shown.
                context["confirm_form"] = StatementImportForm(
                    initial={**form.cleaned_data, "statement": None}
                )
        return render(request, "admin/registration/cateringorder/import_statement.html", context)


@admin.register(FreeTicketClaim)
class FreeTicketClaimAdmin(NoAddOrDelete, admin.ModelAdmin):
    """Claims to look up, read-only. Approving and rejecting are actions on the registrations
    (filter "Małopolska free ticket"), where the person's catering is seen beside the claim."""

    list_display = [
        "registration",
        "basis",
        "organisation",
        "town",
        "status",
        "waitlist_position",
        "created_at",
    ]
    list_filter = ["offer__edition", "status", "basis"]
    search_fields = ["registration__email", "registration__last_name", "organisation", "town"]
    list_select_related = ["registration"]
    show_full_result_count = False
    readonly_fields = [
        "registration",
        "offer",
        "basis",
        "organisation",
        "town",
        "fallback_paid",
        "status",
        "waitlist_position",
        "rejection_reason",
        "decided_at",
        "created_at",
    ]


# --- outgoing mail ------------------------------------------------------------------------------


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
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
