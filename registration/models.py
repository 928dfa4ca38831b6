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

from program.models import ConferenceDay, Edition, ProgramItem

from .errors import QuestionError

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
    cancellation_reason = models.CharField(
        _("reason for cancellation"),
        max_length=500,
        blank=True,
        help_text=_("Given by the organiser who cancelled; the person reads it in the e-mail."),
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # Editions with Edition.registrations_need_approval: seats are held, no ticket until approved.
    awaiting_approval = models.BooleanField(_("awaiting approval"), default=False)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

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
            # The admin list's order (newest first, the primary key breaking ties): its first page
            # without sorting every registration.
            models.Index(fields=["-created_at", "-id"], name="registration_newest_first"),
        ]

    def __str__(self) -> str:
        if self.anonymised_at is not None:
            return str(_("anonymised person"))
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def has_ticket(self) -> bool:
        return self.is_active and not self.awaiting_approval

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
    # The staff member at the door (registration.checkin); kept if their account goes.
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    # Set in the transaction that queues the reminder for the day (registration.reminders): once only.
    reminder_queued_at = models.DateTimeField(_("reminder queued"), null=True, blank=True, editable=False)

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
    # An organiser seated the person on a full item on purpose: the item's capacity grew by one.
    over_capacity = models.BooleanField(_("seat over capacity"), default=False)

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


class Question(models.Model):
    """A question the organisers add to an edition's sign-up form, beside the built-in fields. It
    may be asked only of the people who chose a given day or item. What a question may be is
    checked by registration.questions (`question_check`), through which the admin saves it."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        SINGLE_CHOICE = "single_choice", _("One choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Several choices")
        YES_NO = "yes_no", _("Yes or no")

    WITH_CHOICES = (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE)

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(
        _("explanation"), max_length=500, blank=True, help_text=_("Shown under the question; optional.")
    )
    required = models.BooleanField(
        _("answer required"),
        default=False,
        help_text=_("A question asked only of some people is required only of them."),
    )
    # RESTRICT: a day or an item a question depends on is not deleted from under it, but goes
    # with its edition (a cascade from the edition deletes the question too).
    day = models.ForeignKey(
        ConferenceDay,
        verbose_name=_("only for those who attend on"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="questions",
    )
    item = models.ForeignKey(
        ProgramItem,
        verbose_name=_("only for those who chose"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="questions",
        limit_choices_to={"capacity__isnull": False},
        help_text=_("Empty (and no day): everybody is asked. A seat or a place on the waiting list counts."),
    )
    is_active = models.BooleanField(
        _("asked"),
        default=True,
        help_text=_("Untick to stop asking it; the answers given stay."),
    )

    class Meta:
        verbose_name = _("question on the form")
        verbose_name_plural = _("questions on the form")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(day__isnull=True) | Q(item__isnull=True),
                name="question_day_or_item",
                violation_error_message=QuestionError.MESSAGES["day_and_item"],
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in self.WITH_CHOICES


class QuestionChoice(models.Model):
    """One of the answers a choice question offers."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("choice"), max_length=200)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label


class Answer(models.Model):
    """A person's answer to a question. `value` holds text for the text questions, true or false
    for yes or no, a choice's id, or a list of choices' ids (registration.questions reads it)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="answers")
    # RESTRICT: a question people have answered is turned off, not deleted (the answers are data).
    question = models.ForeignKey(Question, on_delete=models.RESTRICT, related_name="answers")
    value = models.JSONField(_("answer"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return str(self.question)
