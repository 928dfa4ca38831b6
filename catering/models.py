"""Conference-day catering and the free Małopolska tickets: the offer, people's orders and claims."""

import datetime as dt

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Deferrable, Q
from django.utils.translation import gettext_lazy as _

from program.validators import compact_iban, compact_nip, validate_nip, validate_polish_iban

# What organisers set; the counters beside them belong to catering.services.
CATERING_SETTINGS = (
    "day",
    "price",
    "capacity",
    "free_ticket_quota",
    "account_holder",
    "account_number",
    "recipient_nip",
    "payment_days",
    "reminder_days",
    "assumptions",
)


class CateringOffer(models.Model):
    """The paid conference-day catering and the free Małopolska tickets (which include it).

    Also the lock row for both: catering.services changes the counters only while holding this
    row `FOR UPDATE` (rank 3 of registration.locking), and the check constraints refuse anything
    over the limits. The free
    tickets are reserved out of the caterer's capacity, so a free ticket always has a meal:
    paid meals may use at most `capacity − free_ticket_quota`.
    """

    edition = models.OneToOneField("program.Edition", on_delete=models.CASCADE, related_name="catering")
    day = models.ForeignKey(
        "program.ConferenceDay",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("catering day"),
        help_text=_("Only people who attend this day can order catering."),
    )
    price = models.DecimalField(
        _("price (PLN, gross)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    capacity = models.PositiveIntegerField(
        _("meals the caterer can serve"), help_text=_("Paid meals and free tickets together.")
    )
    free_ticket_quota = models.PositiveIntegerField(
        _("free tickets for Małopolska"),
        default=0,
        help_text=_("Reserved out of the meals above; each free ticket includes the catering."),
    )
    account_holder = models.CharField(_("account holder"), max_length=200)
    account_number = models.CharField(
        _("account number (IBAN)"),
        max_length=34,
        validators=[validate_polish_iban],
        help_text=_(
            "The demo data holds an example number, PL50 1090 1014 0000 0000 1234 5678: "
            "replace it with the real account before anybody orders."
        ),
    )
    recipient_nip = models.CharField(
        _("account holder's NIP"),
        max_length=10,
        blank=True,
        validators=[validate_nip],
        help_text=_("Optional; goes into the QR code."),
    )
    payment_days = models.PositiveSmallIntegerField(
        _("days to pay"),
        default=7,
        help_text=_("After ordering; never later than the day before the conference starts."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind this many days before the deadline"), default=2
    )
    assumptions = models.TextField(_("to be confirmed"), blank=True)
    # Kept by catering.services under this row's lock; the constraints are the last line of defence.
    paid_taken = models.PositiveIntegerField(_("paid meals taken"), default=0, editable=False)
    free_taken = models.PositiveIntegerField(_("free tickets taken"), default=0, editable=False)
    free_waitlist_length = models.PositiveIntegerField(
        _("waiting for a free ticket"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("catering")
        verbose_name_plural = _("catering")
        constraints = [
            models.CheckConstraint(
                condition=Q(free_ticket_quota__lte=models.F("capacity")),
                name="catering_quota_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(paid_taken__lte=models.F("capacity") - models.F("free_ticket_quota")),
                name="catering_paid_never_overbooked",
            ),
            models.CheckConstraint(
                condition=Q(free_taken__lte=models.F("free_ticket_quota")),
                name="catering_free_never_over_quota",
            ),
        ]
        # The tables keep the names they had under program and registration: a move of code, not data.
        db_table = "program_cateringoffer"

    def __str__(self) -> str:
        return f"{self.edition} — {self.day.date:%d.%m.%Y}"

    def clean(self):
        # Stored without spaces: the QR code and the bank's statements use the compact form.
        self.account_number = compact_iban(self.account_number)
        self.recipient_nip = compact_nip(self.recipient_nip)

    @property
    def paid_left(self) -> int:
        return max(self.capacity - self.free_ticket_quota - self.paid_taken, 0)

    @property
    def free_left(self) -> int:
        return max(self.free_ticket_quota - self.free_taken, 0)

    @property
    def last_payment_day(self) -> dt.date:
        return self.edition.starts_on - dt.timedelta(days=1)

    def payment_due(self, ordered_on: dt.date) -> dt.date:
        return min(ordered_on + dt.timedelta(days=self.payment_days), self.last_payment_day)


def transfer_title(edition_number: int, order_id: int) -> str:
    return f"MO{edition_number}-{order_id:06d}"


class CateringOrder(models.Model):
    """A registration's conference-day catering: a paid meal, the meal of a free ticket, or, while
    the person waits for a free ticket without paying meanwhile, only their diet (no meal held).
    Cancelled orders stay for the bank reconciliation; a person has at most one live order."""

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        PAID = "paid", _("Paid")
        FREE = "free", _("Free (Małopolska ticket)")
        WAITING = "waiting", _("Waiting for a free ticket")
        CANCELLED = "cancelled", _("Cancelled")

    class Diet(models.TextChoices):
        STANDARD = "standard", _("Standard")
        VEGETARIAN = "vegetarian", _("Vegetarian")
        VEGAN = "vegan", _("Vegan")
        GLUTEN_FREE = "gluten_free", _("Gluten-free")
        LACTOSE_FREE = "lactose_free", _("Lactose-free")
        OTHER = "other", _("Other (describe)")

    PAID_MEAL = (Status.AWAITING_PAYMENT, Status.PAID)
    MEALS = (*PAID_MEAL, Status.FREE)  # a meal is held for the person: the caterer counts these
    LIVE = (Status.AWAITING_PAYMENT, Status.PAID, Status.FREE, Status.WAITING)

    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.CASCADE, related_name="catering_orders"
    )
    offer = models.ForeignKey(CateringOffer, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    diet = models.CharField(_("diet"), max_length=20, choices=Diet.choices, default=Diet.STANDARD)
    diet_note = models.CharField(_("diet details"), max_length=300, blank=True)
    amount = models.DecimalField(_("amount (PLN)"), max_digits=8, decimal_places=2, default=0)
    payment_due = models.DateField(_("pay by"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    invoice_name = models.CharField(_("buyer's name"), max_length=300, blank=True)
    invoice_nip = models.CharField(_("buyer's NIP"), max_length=10, blank=True, validators=[validate_nip])
    invoice_address = models.CharField(_("buyer's address"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("ordered"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("catering order")
        verbose_name_plural = _("catering orders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=~Q(status="cancelled"),
                name="one_live_catering_order_per_registration",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["awaiting_payment", "paid"])
                | Q(payment_due__isnull=False, amount__gt=0),
                name="paid_catering_has_amount_and_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False), name="paid_catering_has_date"
            ),
        ]
        indexes = [models.Index(fields=["offer", "status"])]
        db_table = "registration_cateringorder"

    def __str__(self) -> str:
        return f"{self.transfer_title} — {self.get_status_display()}"

    @property
    def transfer_title(self) -> str:
        """The reference people write in the transfer: unique, short, easy to read out."""
        return transfer_title(self.offer.edition.number, self.pk)

    @property
    def awaits_payment(self) -> bool:
        return self.status == self.Status.AWAITING_PAYMENT


class FreeTicketClaim(models.Model):
    """A claim to a free Małopolska ticket (which includes the catering). A pending or approved
    claim holds a place of the edition's quota; a waitlisted one a numbered waiting place."""

    class Basis(models.TextChoices):
        RESIDENT = "resident", _("I live in Małopolska")
        ORGANISATION = "organisation", _("My organisation or institution operates in Małopolska")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("On the waiting list")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    HOLDS_PLACE = (Status.PENDING, Status.APPROVED)

    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.CASCADE, related_name="ticket_claims"
    )
    offer = models.ForeignKey(CateringOffer, on_delete=models.PROTECT, related_name="claims")
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    organisation = models.CharField(_("organisation or institution"), max_length=300, blank=True)
    town = models.CharField(_("town"), max_length=100)
    fallback_paid = models.BooleanField(
        _("pays for the catering if no free ticket"),
        default=False,
        help_text=_(
            "Paid catering while on the waiting list, and instead of the ticket if the claim is rejected."
        ),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    waitlist_position = models.PositiveIntegerField(_("waiting list position"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("claimed"), auto_now_add=True)

    class Meta:
        verbose_name = _("free ticket claim")
        verbose_name_plural = _("free ticket claims")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(status__in=["pending", "approved", "waitlisted"]),
                name="one_live_claim_per_registration",
            ),
            # Deferred: closing a gap shifts every later position by one inside one statement.
            models.UniqueConstraint(
                fields=["offer", "waitlist_position"],
                name="unique_claim_waitlist_position",
                deferrable=Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                condition=Q(status="waitlisted", waitlist_position__gte=1)
                | (~Q(status="waitlisted") & Q(waitlist_position__isnull=True)),
                name="claim_waitlisted_iff_position",
            ),
        ]
        indexes = [models.Index(fields=["offer", "status"])]
        db_table = "registration_freeticketclaim"

    def __str__(self) -> str:
        return f"{self.registration} — {self.get_status_display()}"

    @property
    def holds_place(self) -> bool:
        return self.status in self.HOLDS_PLACE
