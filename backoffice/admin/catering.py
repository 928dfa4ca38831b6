"""The catering in the back office: the offer's settings, the orders and claims to look things up
in, and the bank statement import. Every change goes through catering.services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from catering import bank_statements, selectors, services
from catering.models import CATERING_SETTINGS, CateringOffer, CateringOrder, FreeTicketClaim
from program.selectors import current_edition
from registration.errors import DomainError

from ..forms import StatementImportForm
from .support import NoAddOrDelete, refusal, refusals_as_messages


@admin.register(CateringOffer)
class CateringOfferAdmin(admin.ModelAdmin):
    list_display = ["edition", "day", "price", "capacity", "paid_taken", "free_ticket_quota", "free_taken"]
    readonly_fields = ["paid_taken", "free_taken", "free_waitlist_length", "diet_counts"]

    @admin.display(description=_("meals per diet"))
    def diet_counts(self, offer: CateringOffer) -> str:
        counts = selectors.catering_diet_counts(offer.edition)
        return ", ".join(f"{CateringOrder.Diet(diet).label}: {count}" for diet, count in counts.items())

    # The settings go through catering.services under the offer's lock: fewer meals than are held
    # is refused (the whole save rolls back and says why), a larger quota promotes people at once.
    @refusals_as_messages
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        try:
            services.catering_offer_update(
                offer=obj, values={name: getattr(obj, name) for name in CATERING_SETTINGS}
            )
        except DomainError as error:
            raise refusal(obj, error) from error


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
    change_list_template = "admin/catering/cateringorder/change_list.html"

    @admin.display(description=_("transfer title"))
    def title(self, order: CateringOrder) -> str:
        return order.transfer_title

    def get_urls(self):
        return [
            path(
                "import-statement/",
                self.admin_site.admin_view(self.import_statement),
                name="catering_cateringorder_import_statement",
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
                lines = bank_statements.statement_parse(content=form.file_content(), spec=form.spec())
            except bank_statements.StatementError as error:
                form.add_error(None, error.message)
            else:
                if "confirm" in request.POST:
                    marked = bank_statements.statement_import(edition=edition, lines=lines)
                    messages.success(request, _("Marked paid: %(count)s.") % {"count": len(marked)})
                    return redirect("admin:catering_cateringorder_changelist")
                context["preview"] = bank_statements.statement_preview(edition=edition, lines=lines)
                # The same settings and the file's content, hidden: confirming imports what was shown.
                context["confirm_form"] = StatementImportForm(
                    initial={**form.cleaned_data, "statement": None}
                )
        return render(request, "admin/catering/cateringorder/import_statement.html", context)


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
