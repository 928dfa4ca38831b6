"""The durable queue of e-mails: one row per mail, written in the transaction that causes it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    """An e-mail to send, written in the same transaction as the change that causes it.
    The worker renders and sends it; failures are retried with backoff (outbox.tasks)."""

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
        APPROVED = "approved", _("Registration approved")
        REJECTED = "rejected", _("Registration not accepted")
        REMINDER = "reminder", _("Reminder before the day")
        MESSAGE = "message", _("Message from the organisers")
        ITEM_CHANGED = "item_changed", _("Program item changed")
        ITEM_CANCELLED = "item_cancelled", _("Program item cancelled")
        CERTIFICATE = "certificate", _("Certificate of attendance")
        FEEDBACK_INVITATION = "feedback_invitation", _("Invitation to the feedback survey")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        AWAITING_RETRY = "awaiting_retry", _("Awaiting retry")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        ABORTED = "aborted", _("Aborted")

    # By name, not by import: the outbox sits below registration and never imports it; a person's
    # mails go with their registration.
    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.CASCADE, related_name="mails", null=True, blank=True
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
        # The table keeps the name it had under registration: the move was one of code, not data.
        db_table = "registration_outgoingmail"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to}"
