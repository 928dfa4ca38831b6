import base64
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Deferrable, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from localflavor.pl.pl_voivodeships import VOIVODESHIP_CHOICES

from program.models import CateringOffer, ConferenceDay, Edition, ProgramItem
from program.validators import validate_nip

OUTSIDE_POLAND = "outside_poland"
MALOPOLSKA = "lesser_poland"
VOIVODESHIPS = [*VOIVODESHIP_CHOICES, (OUTSIDE_POLAND, _("outside Poland"))]


def new_manage_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def new_ticket_code() -> str:
    # 128 bits in base32 without padding: 26 letters and digits, no case to get wrong at the door.
    return base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=")


class Registration(models.Model):
    """One person's registration for an edition. The e-mail address is the identity."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")

    class OrganisationType(models.TextChoices):
        NGO = "ngo", _("NGO (foundation, association)")
        LOCAL_GOVERNMENT = "local_government", _("Local government")
        PUBLIC_INSTITUTION = "public_institution", _("Public or cultural institution")
        INFORMAL_GROUP = "informal_group", _("Informal group / neighbours")
        BUSINESS = "business", _("Business")
        OTHER = "other", _("Other")

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="registrations")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    manage_token = models.CharField(max_length=64, default=new_manage_token, editable=False)
    ticket_code = models.CharField(
        _("ticket code"), max_length=32, unique=True, default=new_ticket_code, editable=False
    )
    # A value the form carries so that a second click or the back button never registers twice.
    submission_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    organisation_name = models.CharField(_("organisation or institution"), max_length=300, blank=True)
    organisation_type = models.CharField(
        _("organisation type"), max_length=30, choices=OrganisationType.choices, blank=True
    )
    role = models.CharField(_("role"), max_length=200, blank=True)
    town = models.CharField(_("town"), max_length=100)
    voivodeship = models.CharField(_("voivodeship"), max_length=30, choices=VOIVODESHIPS)

    needs_wheelchair_access = models.BooleanField(_("wheelchair access"), default=False)
    needs_sign_language = models.BooleanField(_("Polish Sign Language interpreter"), default=False)
    needs_induction_loop = models.BooleanField(_("induction loop"), default=False)
    needs_assistant = models.BooleanField(_("assistant"), default=False)
    accessibility_other = models.CharField(_("other accessibility needs"), max_length=500, blank=True)
    note = models.TextField(_("note to the organisers"), max_length=2000, blank=True)

    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="pl")
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "edition",
                condition=Q(status="active"),
                name="one_active_registration_per_email",
            )
        ]
        indexes = [
            models.Index(fields=["edition", "status"]),
            models.Index(Lower("email"), name="reg_email_ci"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def get_manage_url(self) -> str:
        return reverse(
            "registration:manage", kwargs={"public_id": self.public_id, "token": self.manage_token}
        )

    def get_absolute_manage_url(self) -> str:
        return settings.SITE_URL + self.get_manage_url()


class DayAttendance(models.Model):
    """A day the person comes on; check-in at the door is per day."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="days")
    day = models.ForeignKey(ConferenceDay, on_delete=models.PROTECT, related_name="attendances")
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance on a day")
        verbose_name_plural = _("attendance on days")
        ordering = ["day__date"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "day"], name="unique_day_per_registration")
        ]

    def __str__(self) -> str:
        return f"{self.registration} — {self.day}"


class Booking(models.Model):
    """A person's place on a limited program item: a seat, or a numbered place on its waiting list."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="bookings")
    item = models.ForeignKey(ProgramItem, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    waitlist_position = models.PositiveIntegerField(_("waiting list position"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["item__starts_at", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "item"], name="one_booking_per_person_and_item"),
            # Deferred: closing a gap shifts every later position by one inside one statement.
            models.UniqueConstraint(
                fields=["item", "waitlist_position"],
                name="unique_waitlist_position",
                deferrable=Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                condition=(Q(status="confirmed", waitlist_position__isnull=True))
                | Q(status="waitlisted", waitlist_position__gte=1),
                name="waitlisted_iff_position",
            ),
        ]
        indexes = [models.Index(fields=["item", "status"])]

    def __str__(self) -> str:
        return f"{self.registration} — {self.item}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


class Consent(models.Model):
    """What the person agreed to, when, and in which version of the text."""

    class Kind(models.TextChoices):
        TERMS = "terms", _("Participation terms")
        PRIVACY = "privacy", _("Privacy information clause")
        IMAGE = "image", _("Use of my image (photos, video)")
        NEWSLETTER = "newsletter", _("Newsletter")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent"), max_length=20, choices=Kind.choices)
    granted = models.BooleanField(_("granted"))
    text_version = models.CharField(_("version of the text"), max_length=50)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.granted}"


class OutgoingMail(models.Model):
    """An e-mail to send, written in the same transaction as the change that causes it.
    The worker renders and sends it; failures are retried with backoff (registration.mail)."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Registration confirmation")
        PROMOTION = "promotion", _("Seat from the waiting list")
        CHANGED = "changed", _("Registration changed")
        CANCELLED = "cancelled", _("Registration cancelled")
        MANAGE_LINK = "manage_link", _("Management link")
        CLAIM_APPROVED = "claim_approved", _("Free ticket confirmed")
        CLAIM_REJECTED = "claim_rejected", _("Free ticket not granted")
        CLAIM_PROMOTED = "claim_promoted", _("Free ticket from the waiting list")
        PAYMENT_REMINDER = "payment_reminder", _("Catering payment reminder")
        PAYMENT_RECEIVED = "payment_received", _("Catering payment received")
        CATERING_RELEASED = "catering_released", _("Unpaid catering released")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        AWAITING_RETRY = "awaiting_retry", _("Awaiting retry")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        ABORTED = "aborted", _("Aborted")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="mails", null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    to = models.EmailField(_("recipient"), max_length=254)
    context = models.JSONField(_("details"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to}"


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

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="catering_orders")
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

    def __str__(self) -> str:
        return f"{self.transfer_title} — {self.get_status_display()}"

    @property
    def transfer_title(self) -> str:
        """The reference people write in the transfer: unique, short, easy to read out."""
        return transfer_title(self.offer.edition.number, self.pk)

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    @property
    def holds_meal(self) -> bool:
        return self.status in self.MEALS

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

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="ticket_claims")
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

    def __str__(self) -> str:
        return f"{self.registration} — {self.get_status_display()}"

    @property
    def holds_place(self) -> bool:
        return self.status in self.HOLDS_PLACE
