"""A minimal back office for the catering: settings, orders with the bank statement import, and
free-ticket claims. Every change goes through registration.catering and registration.payments."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from program.models import CATERING_SETTINGS, CateringOffer
from program.selectors import current_edition

from . import catering, payments, selectors, services
from .forms import StatementImportForm
from .models import CateringOrder, FreeTicketClaim


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
class CateringOrderAdmin(admin.ModelAdmin):
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
    actions = ["mark_paid_today"]
    change_list_template = "admin/registration/cateringorder/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("transfer title"))
    def title(self, order: CateringOrder) -> str:
        return order.transfer_title

    @admin.action(description=_("Mark paid today"))
    def mark_paid_today(self, request, queryset):
        marked = catering.catering_orders_mark_paid(orders=queryset, paid_on=timezone.localdate())
        messages.success(request, _("Marked paid: %(count)s.") % {"count": len(marked)})

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
class FreeTicketClaimAdmin(admin.ModelAdmin):
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
    actions = ["approve"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Approve the claims (the people are e-mailed)"))
    def approve(self, request, queryset):
        now = timezone.now()
        for claim in queryset:
            try:
                catering.claim_approve(claim=claim, now=now)
            except services.RegistrationError as error:
                messages.warning(request, f"{claim}: {error.message}")
