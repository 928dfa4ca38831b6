"""The organisers' messages to a group of attendees, and who each was sent to."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """A message the organisers wrote to a group, in Polish and English (messaging.translation):
    each person gets it in the language they registered in. Written once, by
    messaging.services.message_send, with a mail per person; never changed afterwards."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone registered")
        DAY = "day", _("People coming on a day")
        SEATED = "seated", _("People with a seat on an item")
        WAITING = "waiting", _("People on an item's waiting list")
        UNPAID = "unpaid", _("Catering buyers who have not paid")
        SELECTED = "selected", _("People selected in the list")

    # Names, not imports, as in the catering's models: the rows above are the upper apps' business.
    edition = models.ForeignKey("program.Edition", on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(_("to"), max_length=20, choices=Audience.choices)
    # Only for the audiences that need them; a day or item deleted later leaves the message and
    # its recipients as they were.
    day = models.ForeignKey(
        "program.ConferenceDay",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("day"),
    )
    item = models.ForeignKey(
        "program.ProgramItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("program item"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), max_length=10000)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    # Carried from the preview to the send button: a second click sends nothing again.
    submission_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("message to attendees")
        verbose_name_plural = _("messages to attendees")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject

    @property
    def audience_label(self) -> str:
        """The group as the organisers chose it: "People on an item's waiting list: Visit …"."""
        target = self.day if self.audience == self.Audience.DAY else self.item
        label = self.get_audience_display()
        return f"{label}: {target}" if target is not None else label


class MessageRecipient(models.Model):
    """One person a message was sent to, and the mail queued for them (its state is the delivery).
    Holds no personal data of its own: an anonymised person stays a recipient, without their mail
    (registration_anonymise deletes a person's mails)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="recipients")
    registration = models.ForeignKey(
        "registration.Registration",
        on_delete=models.CASCADE,
        related_name="messages_received",
        verbose_name=_("registration"),
    )
    mail = models.ForeignKey(
        "outbox.OutgoingMail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("e-mail"),
    )

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "registration"], name="one_mail_per_person_and_message"
            )
        ]

    def __str__(self) -> str:
        return str(self.registration)
