"""Registrations in the back office. They carry the organisers' decisions (cancel, approve or
reject a free-ticket claim, record a catering transfer); every change goes through
registration.services and catering.services."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from aftercare import services as aftercare_services
from attendees.selectors import registration_answers
from catering import services as catering_services
from catering.models import CateringOrder, FreeTicketClaim
from messaging.models import Message
from program.models import ConferenceDay, ProgramItem
from program.selectors import current_edition, current_edition_or_404
from registration import services
from registration.checkin import normalise_ticket_code
from registration.errors import DomainError
from registration.models import Booking, Consent, Registration

from .. import exports
from ..forms import (
    AddPersonForm,
    AnonymiseConfirmForm,
    CancelReasonForm,
    ClaimRejectForm,
    MarkPaidForm,
    MoveBookingForm,
    RejectRegistrationForm,
)
from ..params import id_param
from ..permissions import (
    ADD_PERSON_PERMISSION,
    DECIDE_CLAIMS_PERMISSION,
    EXPORT_PERMISSION,
    MARK_PAID_PERMISSION,
    WRITE_MESSAGES_PERMISSION,
)
from .support import (
    NoAddOrDelete,
    PlainActionCheckboxes,
    ReadOnlyInline,
    form_page,
    refusal,
    refusals_as_messages,
)

# --- filters ------------------------------------------------------------------------------------
# Item and place (seat / waiting) filter the same booking, day and "checked in" the same day:
# one .filter() call each, or Django would match them on different rows. An item or a day that is
# not an id (?item=abc, typed by hand) is ignored, as an unknown place or state is.


class ItemFilter(admin.SimpleListFilter):
    title = _("program item")
    parameter_name = "item"

    def lookups(self, request, model_admin):
        edition = current_edition()
        items = ProgramItem.objects.filter(edition=edition, capacity__isnull=False).order_by("starts_at")
        return [(str(item.pk), f"{timezone.localtime(item.starts_at):%d.%m %H:%M} {item}") for item in items]

    def queryset(self, request, queryset):
        if item_id := id_param(self.value()):
            lookup = {"bookings__item": item_id}
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
        if self.value() in Booking.Status.values and not id_param(request.GET.get(ItemFilter.parameter_name)):
            return queryset.filter(bookings__status=self.value())
        return queryset


class DayFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        return [(str(day.pk), str(day)) for day in ConferenceDay.objects.filter(edition=current_edition())]

    def queryset(self, request, queryset):
        if day_id := id_param(self.value()):
            lookup = {"days__day": day_id}
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
        if id_param(request.GET.get(DayFilter.parameter_name)):
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


class ApprovalFilter(admin.SimpleListFilter):
    title = _("approval")
    parameter_name = "approval"
    AWAITING = "awaiting"

    def lookups(self, request, model_admin):
        return [(self.AWAITING, _("Awaiting approval"))]

    def queryset(self, request, queryset):
        if self.value() == self.AWAITING:
            return queryset.filter(awaiting_approval=True)
        return queryset


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


class BookingInline(ReadOnlyInline):
    model = Booking
    fields = ["item", "status", "waitlist_position", "over_capacity", "confirmed_at", "created_at", "move"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item")

    @admin.display(description=_("move"))
    def move(self, booking: Booking) -> str:
        url = reverse("admin:registration_registration_move", args=[booking.registration_id, booking.pk])
        label = _("Move or seat…") if booking.is_confirmed else _("Move or seat now…")
        return format_html('<a href="{}">{}</a>', url, label)


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
class RegistrationAdmin(PlainActionCheckboxes, NoAddOrDelete, SimpleHistoryAdmin):
    # The type of organisation and the voivodeship are filters; as columns they pushed the status
    # off the screen.
    list_display = [
        "last_name",
        "first_name",
        "email",
        "organisation_name",
        "town",
        "status",
        "created_at",
    ]
    list_display_links = ["last_name", "first_name"]
    list_filter = [
        "edition",
        "status",
        ApprovalFilter,
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
        "cancellation_reason",
        "anonymised_at",
        "awaiting_approval",
        "approved_at",
        "answers_given",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "edition",
                    "status",
                    ("awaiting_approval", "approved_at"),
                    "ticket_code",
                    "language",
                ]
            },
        ),
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
        (_("Answers to the questions on the form"), {"fields": ["answers_given"]}),
        (_("Dates"), {"fields": ["created_at", "updated_at", "cancelled_at", "anonymised_at"]}),
        (_("Cancellation"), {"fields": ["cancellation_reason"]}),
    ]
    actions = [
        "approve",
        "reject",
        "cancel",
        "send_manage_link",
        "write_message",
        "approve_claims",
        "reject_claims",
        "mark_catering_paid",
        "send_certificates",
        "invite_to_feedback",
        "export_csv",
        "export_xlsx",
        "anonymise",
    ]

    @admin.display(description=_("answers"))
    def answers_given(self, registration: Registration) -> str:
        """Read-only: the person gives and changes them (the form, the management page)."""
        rows = [(answer["question"], answer["answer"]) for answer in registration_answers(registration)]
        if not rows:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}: <strong>{}</strong>", rows)

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        code = normalise_ticket_code(search_term)
        if code:  # printed codes come grouped with dashes: ABCD-EFGH-…
            results = queryset.filter(Q(pk__in=results.values("pk")) | Q(ticket_code=code))
        return results, may_have_duplicates

    def get_list_display(self, request):
        edition = current_edition()
        if edition is not None and edition.registrations_need_approval:
            return [*self.list_display[:-1], "awaiting_approval", self.list_display[-1]]
        return self.list_display

    def get_actions(self, request):
        actions = super().get_actions(request)
        edition = current_edition()
        if edition is None or not edition.registrations_need_approval:  # nothing to decide
            actions.pop("approve", None)
            actions.pop("reject", None)
        return actions

    def has_export_permission(self, request):
        return request.user.has_perm(EXPORT_PERMISSION)

    def has_anonymise_permission(self, request):
        return request.user.has_perm("registration.delete_registration")

    def has_decide_claims_permission(self, request):
        return request.user.has_perm(DECIDE_CLAIMS_PERMISSION)

    def has_mark_paid_permission(self, request):
        return request.user.has_perm(MARK_PAID_PERMISSION)

    def has_write_message_permission(self, request):
        return request.user.has_perm(WRITE_MESSAGES_PERMISSION)

    @refusals_as_messages
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            services.registration_update_person(
                registration=obj, person=services.Person.from_mapping(form.cleaned_data)
            )
        except DomainError as error:
            raise refusal(obj, error) from error

    @admin.action(description=_("Cancel the selected registrations"), permissions=["change"])
    def cancel(self, request, queryset):
        form = CancelReasonForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._ask(request, queryset, "cancel", form, _("Cancel the selected registrations"))
        reason = form.cleaned_data["reason"]
        cancelled = 0
        for registration in queryset.filter(status=Registration.Status.ACTIVE):
            try:
                # Organisers cancel after the deadline for changes too (the person asked them to).
                services.registration_cancel(registration=registration, by_organiser=True, reason=reason)
            except DomainError as error:  # cancelled meanwhile by the person
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
        return None

    @admin.action(description=_("Approve the selected registrations"), permissions=["change"])
    def approve(self, request, queryset):
        now = timezone.now()
        approved = self._decide_each(
            request,
            queryset.filter(awaiting_approval=True, status=Registration.Status.ACTIVE),
            lambda registration: services.registration_approve(registration=registration, now=now),
            _("Approved (admin action)."),
        )
        self._report(request, queryset, approved, _("Approved: %(done)s of %(selected)s selected."))

    @admin.action(
        description=_("Reject the selected registrations (asks for the reason)"), permissions=["change"]
    )
    def reject(self, request, queryset):
        form = RejectRegistrationForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._ask(request, queryset, "reject", form, _("Reject the selected registrations"))
        reason, now = form.cleaned_data["reason"], timezone.now()
        rejected = self._decide_each(
            request,
            queryset.filter(awaiting_approval=True, status=Registration.Status.ACTIVE),
            lambda person: services.registration_reject(registration=person, reason=reason, now=now),
            _("Rejected (admin action)."),
        )
        self._report(request, queryset, rejected, _("Rejected: %(done)s of %(selected)s selected."))
        return None

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

    @admin.action(description=_("Write a message to the selected people"), permissions=["write_message"])
    def write_message(self, request, queryset):
        return self.admin_site.get_model_admin(Message).write_to_selection(request, queryset)

    # --- catering and the free Małopolska tickets ---

    @admin.action(description=_("Approve the Małopolska free ticket claims"), permissions=["decide_claims"])
    def approve_claims(self, request, queryset):
        claims = FreeTicketClaim.objects.filter(
            registration__in=queryset, status=FreeTicketClaim.Status.PENDING
        )
        now = timezone.now()
        approved = self._each_claim(
            request,
            claims,
            lambda claim: catering_services.claim_approve(claim=claim, now=now),
            _("Claim approved."),
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
            lambda claim: catering_services.claim_reject(claim=claim, reason=reason, now=now),
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
        marked = catering_services.catering_orders_mark_paid(
            orders=orders, paid_on=form.cleaned_data["paid_on"]
        )
        for order in marked:
            self.log_change(request, order.registration, _("Catering marked paid (admin action)."))
        self._report(request, queryset, len(marked), _("Marked paid: %(done)s of %(selected)s selected."))
        return None

    def _each_claim(self, request, claims, decide, log_message) -> int:
        claims = claims.select_related("registration")
        return self._decide_each(request, claims, decide, log_message, person=lambda c: c.registration)

    def _decide_each(self, request, rows, decide, log_message, person=lambda row: row) -> int:
        """Decide each row in turn; one decided or cancelled meanwhile is reported and skipped."""
        done = 0
        for row in rows.order_by("pk"):
            try:
                decide(row)
            except DomainError as error:
                self.message_user(request, f"“{person(row)}”: {error.message}", messages.WARNING)
                continue
            self.log_change(request, person(row), log_message)
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
        return form_page(
            self,
            request,
            "admin/registration/registration/action_form.html",
            title=title,
            form=form,
            queryset=queryset.order_by("last_name", "first_name", "pk"),
            action=action,
            action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
        )

    # --- after the conference ---

    @admin.action(description=_("Send certificates of attendance"), permissions=["change"])
    def send_certificates(self, request, queryset):
        sent = aftercare_services.certificates_send(registrations=self._people(queryset))
        self._report_sent(
            request,
            sent,
            _("Certificate of attendance sent (admin action)."),
            ngettext(
                "Certificate of attendance queued for %(count)d person.",
                "Certificates of attendance queued for %(count)d people.",
                len(sent.done),
            ),
            ngettext(
                "%(count)d person already had one and was skipped.",
                "%(count)d people already had one and were skipped.",
                sent.already,
            ),
        )

    @admin.action(description=_("Invite to the feedback survey"), permissions=["change"])
    def invite_to_feedback(self, request, queryset):
        sent = aftercare_services.feedback_invite(registrations=self._people(queryset))
        self._report_sent(
            request,
            sent,
            _("Invited to the feedback survey (admin action)."),
            ngettext(
                "Invitation to the survey queued for %(count)d person.",
                "Invitations to the survey queued for %(count)d people.",
                len(sent.done),
            ),
            ngettext(
                "%(count)d person had been invited already and was skipped.",
                "%(count)d people had been invited already and were skipped.",
                sent.already,
            ),
        )

    def _people(self, queryset):
        return queryset.select_related("edition").order_by("pk")

    def _report_sent(self, request, sent, log_message, done_text, already_text) -> None:
        for registration in sent.done:
            self.log_change(request, registration, log_message)
        self.message_user(request, done_text % {"count": len(sent.done)}, messages.SUCCESS)
        if sent.already:
            self.message_user(request, already_text % {"count": sent.already}, messages.INFO)
        if sent.not_eligible:
            skipped = ngettext(
                "%(count)d person was skipped: not checked in at the conference, cancelled, or the "
                "edition is not over yet.",
                "%(count)d people were skipped: not checked in at the conference, cancelled, or the "
                "edition is not over yet.",
                sent.not_eligible,
            )
            self.message_user(request, skipped % {"count": sent.not_eligible}, messages.WARNING)

    @admin.action(description=_("Export the selection (CSV)"), permissions=["export"])
    def export_csv(self, request, queryset):
        return self._export(queryset, "csv")

    @admin.action(description=_("Export the selection (Excel)"), permissions=["export"])
    def export_xlsx(self, request, queryset):
        return self._export(queryset, "xlsx")

    @admin.action(description=_("Anonymise the selected registrations (RODO)"), permissions=["anonymise"])
    def anonymise(self, request, queryset):
        form = AnonymiseConfirmForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._ask(
                request, queryset, "anonymise", form, _("Anonymise the selected registrations (RODO)")
            )
        done = 0
        for registration in queryset.filter(anonymised_at__isnull=True):
            anonymised = services.registration_anonymise(registration=registration)
            self.log_change(request, anonymised, _("Anonymised (admin action)."))
            done += 1
        self._report(request, queryset, done, _("Anonymised: %(done)s of %(selected)s selected."))
        return None

    def get_urls(self):
        export = path(
            "export.<str:file_format>",
            self.admin_site.admin_view(self.export_view),
            name="registration_registration_export",
        )
        add_person = path(
            "add-person/",
            self.admin_site.admin_view(self.add_person_view),
            name="registration_registration_add_person",
        )
        move = path(
            "<int:registration_id>/move/<int:booking_id>/",
            self.admin_site.admin_view(self.move_view),
            name="registration_registration_move",
        )
        return [export, add_person, move, *super().get_urls()]

    def move_view(self, request, registration_id: int, booking_id: int):
        """Move a person's seat or waiting place, or seat them over capacity: `booking_move`."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        booking = get_object_or_404(
            Booking.objects.select_related("registration", "item"),
            pk=booking_id,
            registration_id=registration_id,
        )
        registration = booking.registration
        form = MoveBookingForm(request.POST if request.method == "POST" else None, booking=booking)
        if form.is_valid():
            try:
                moved = services.booking_move(
                    booking=booking,
                    to_item=form.cleaned_data["to_item"],
                    over_capacity=form.cleaned_data["over_capacity"],
                    notify=form.cleaned_data["notify"],
                )
            except DomainError as error:
                form.add_refusal(error)
            else:
                if moved.is_confirmed:
                    done = _("%(person)s has a seat on “%(item)s”.")
                else:
                    done = _("%(person)s is on the waiting list of “%(item)s”, position %(position)s.")
                done %= {"person": registration, "item": moved.item, "position": moved.waitlist_position}
                if moved.over_capacity:
                    done += " " + _("The seat is over capacity: the item's capacity is now %(capacity)s.") % {
                        "capacity": moved.item.capacity
                    }
                self.log_change(request, registration, _("Moved by an organiser: %(what)s") % {"what": done})
                self.message_user(request, done, messages.SUCCESS)
                return redirect(reverse("admin:registration_registration_change", args=[registration.pk]))
        return form_page(
            self,
            request,
            "admin/registration/registration/move_booking.html",
            title=_("Move %(person)s") % {"person": registration},
            form=form,
            registration=registration,
            booking=booking,
        )

    def add_person_view(self, request):
        """The page "Add a person" (a walk-in, a speaker, a guest): the form collects, the sign-up
        service decides, with the public sign-up's rules but outside its window (`by_organiser`).
        Django's own add page stays off (`NoAddOrDelete`): it would save the row around the
        services."""
        if not request.user.has_perm(ADD_PERSON_PERMISSION):
            raise PermissionDenied
        edition = current_edition_or_404()
        form = AddPersonForm(request.POST if request.method == "POST" else None, edition=edition)
        if form.is_valid():
            try:
                registration = services.registration_create(
                    edition=edition,
                    person=form.person(),
                    days=list(form.cleaned_data["days"]),
                    items=list(form.cleaned_data["items"]),
                    consents=form.consents(),
                    notify=form.cleaned_data["notify"],
                    by_organiser=True,
                )
            except DomainError as error:
                form.add_refusal(error)
            else:
                self.log_addition(request, registration, _("Added by hand (Add a person)."))
                self.message_user(
                    request, _("%(name)s has been registered.") % {"name": registration}, messages.SUCCESS
                )
                return redirect(reverse("admin:registration_registration_change", args=[registration.pk]))
        return form_page(
            self,
            request,
            "admin/registration/registration/add_person.html",
            title=_("Add a person"),
            form=form,
            edition=edition,
        )

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
