from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EditionQuerySet(models.QuerySet):
    def current(self) -> "Edition | None":
        return self.filter(is_current=True).first()


class AccessibilityCompliance(models.TextChoices):
    FULL = "full", _("fully compliant")
    PARTIAL = "partial", _("partially compliant")
    NONE = "none", _("not compliant")


class Edition(models.Model):
    """One yearly edition of the conference; exactly one is current and shown on the site."""

    number = models.PositiveSmallIntegerField(_("edition number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    slogan = models.CharField(_("slogan"), max_length=200, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    audience = models.TextField(_("who it is for"), blank=True)
    city = models.CharField(_("city"), max_length=100)
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    registration_opens_at = models.DateTimeField(_("registration opens"))
    registration_closes_at = models.DateTimeField(_("registration closes"))
    changes_close_at = models.DateTimeField(
        _("changes close"),
        null=True,
        blank=True,
        help_text=_(
            "From then on attendees can no longer change their items or days, leave a waiting list "
            "or cancel online: they write to the contact e-mail, and organisers make the change. "
            "Empty: changes stay open."
        ),
    )
    registrations_need_approval = models.BooleanField(
        _("registrations need approval"),
        default=False,
        help_text=_(
            "New registrations wait for an organiser's approval: their seats are held meanwhile, "
            "and the ticket comes with the approval."
        ),
    )
    participation_terms = models.TextField(_("participation terms"), blank=True)
    terms_version = models.CharField(
        _("version of the terms"),
        max_length=50,
        default="1",
        help_text=_("Change it whenever the terms or the privacy clause change; consents record it."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    # The data controller of the registration (privacy clause); the main organiser as a rule.
    controller_name = models.CharField(_("data controller"), max_length=300, blank=True)
    controller_address = models.CharField(_("data controller's address"), max_length=300, blank=True)
    dpo_email = models.EmailField(_("data protection officer's e-mail"), blank=True)
    data_retention = models.TextField(
        _("how long registration data is kept"),
        blank=True,
        help_text=_("E.g. the period the funding agreement requires. Shown in the privacy information."),
    )
    # The accessibility statement (deklaracja dostępności) the act of 4 April 2019 requires.
    accessibility_compliance = models.CharField(
        _("compliance with the act on digital accessibility"),
        max_length=20,
        choices=AccessibilityCompliance.choices,
        default=AccessibilityCompliance.PARTIAL,
    )
    accessibility_published_on = models.DateField(_("website published on"), null=True, blank=True)
    accessibility_updated_on = models.DateField(_("website last updated on"), null=True, blank=True)
    accessibility_statement_date = models.DateField(
        _("accessibility statement prepared on"), null=True, blank=True
    )
    accessibility_contact_name = models.CharField(
        _("accessibility contact person"), max_length=200, blank=True
    )
    accessibility_exceptions = models.TextField(
        _("content that is not accessible"),
        blank=True,
        help_text=_("What is not accessible, why, and the accessible alternative."),
    )
    accessibility_architecture = models.TextField(
        _("architectural accessibility of the venue"),
        blank=True,
        help_text=_("Entrances, lifts, toilets, parking, induction loops, assistance dogs, interpreters."),
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("reminder days before each day"),
        default=2,
        help_text=_(
            "This many days before each day of the edition, everybody registered for it gets a "
            "reminder e-mail: their items, the venue with a map link, their ticket and a calendar "
            "file. 0: no reminders."
        ),
    )
    is_current = models.BooleanField(_("current edition"), default=False)
    # Calendar files carry it as LAST-MODIFIED, so calendar apps update the days' events.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_edition"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="edition_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="registration_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title} ({self.starts_on.year})"

    def clean(self):
        super().clean()
        opens, deadline = self.registration_opens_at, self.changes_close_at
        if deadline is not None and opens is not None and deadline <= opens:
            raise ValidationError({"changes_close_at": _("Changes cannot close before registration opens.")})

    def is_registration_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.registration_opens_at <= at < self.registration_closes_at

    def are_changes_closed(self, at=None) -> bool:
        """After `changes_close_at` attendees change nothing online; organisers still can."""
        return self.changes_close_at is not None and (at or timezone.now()) >= self.changes_close_at

    def is_over(self, at=None) -> bool:
        """From the day after the last day, in the site's time zone (certificates, the survey)."""
        return timezone.localdate(at or timezone.now()) > self.ends_on


class EditionLink(models.Model):
    """An external page about the edition, e.g. the partners' sign-up pages."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(_("label"), max_length=200)
    url = models.URLField(_("address"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label


class ConferenceDay(models.Model):
    """A day of an edition; people register per day and are checked in per day."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200, help_text=_("E.g. “Side events” or “Conference”."))
    hours = models.CharField(_("hours"), max_length=50, blank=True, help_text=_("E.g. 9:00–17:00."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("conference day")
        verbose_name_plural = _("conference days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["edition", "date"], name="unique_day_per_edition")]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} — {self.title}"


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=300, unique=True)
    url = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EditionRole(models.Model):
    """The part an organisation plays in an edition (organiser, funder, partner…)."""

    class Role(models.TextChoices):
        MAIN_ORGANISER = "main_organiser", _("Main organiser")
        CO_ORGANISER = "co_organiser", _("Co-organiser")
        FUNDER = "funder", _("Funder")
        CONTENT_PARTNER = "content_partner", _("Content partner")
        MEDIA_PARTNER = "media_partner", _("Media partner")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="roles")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    note = models.CharField(
        _("note"), max_length=500, blank=True, help_text=_("E.g. the programme that funds the edition.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("organisation's role")
        verbose_name_plural = _("organisations' roles")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "organisation", "role"], name="unique_edition_role")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_role_display()}"


class ProgramItem(models.Model):
    """Anything in the program. `capacity` empty: open to all; a number: sign-up required and limited."""

    class Kind(models.TextChoices):
        STUDY_VISIT = "study_visit", _("Study visit")
        WORKSHOP = "workshop", _("Workshop")
        NETWORKING = "networking", _("Networking meeting")
        INSPIRATION_SESSION = "inspiration_session", _("Inspiration session")
        INAUGURATION = "inauguration", _("Inauguration")
        PANEL = "panel", _("Panel")
        BREAK = "break", _("Break")
        OTHER = "other", _("Other")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="items")
    slug = models.SlugField(_("short name in the address"), max_length=120)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    hosts = models.ManyToManyField(
        Organisation, verbose_name=_("hosts"), blank=True, related_name="hosted_items"
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Empty: no sign-up needed. A number: sign-up required, limited."),
    )
    # Kept by registration.services under a row lock; the check constraint is the last line of defence.
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    waitlist_length = models.PositiveIntegerField(_("waiting list length"), default=0, editable=False)
    # Set by registration.services.item_cancel, which releases every seat and waiting place; a
    # cancelled item stays in the program, marked as such, and cannot be booked.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    assumptions = models.TextField(
        _("to be confirmed"),
        blank=True,
        help_text=_(
            "What in this entry was assumed (time, capacity…) and needs the organisers' confirmation."
        ),
    )
    # Not touched by the seat counters (saved with update_fields): it changes when organisers edit.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("program item")
        verbose_name_plural = _("program items")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="unique_item_slug_per_edition"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="item_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True, seats_taken=0, waitlist_length=0)
                | Q(capacity__isnull=False, seats_taken__lte=models.F("capacity")),
                name="item_never_overbooked",
            ),
        ]
        indexes = [models.Index(fields=["edition", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("program:item", kwargs={"slug": self.slug})

    @property
    def is_limited(self) -> bool:
        return self.capacity is not None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)

    @property
    def day(self):
        return timezone.localtime(self.starts_at).date()

    def overlaps(self, other: "ProgramItem") -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at
