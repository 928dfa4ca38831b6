"""Messages to a group of attendees in the back office: the page "Write to attendees" (preview,
then send, through messaging.services) and the messages sent, read-only, with their recipients."""

import uuid

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from attendees.emails import message_previews
from messaging.models import Message, MessageRecipient
from messaging.services import MessageDraft, message_draft, message_send
from outbox.models import OutgoingMail
from program.selectors import current_edition_or_404
from registration.errors import DomainError
from registration.models import Registration

from ..forms import MessageForm
from ..params import id_param
from .support import ReadOnlyInline, form_page

# How many of the recipients the preview names.
PREVIEW_NAMES = 10
MAIL_WAITING = (OutgoingMail.State.QUEUED, OutgoingMail.State.SENDING, OutgoingMail.State.AWAITING_RETRY)
MAIL_FAILED = (OutgoingMail.State.FAILED, OutgoingMail.State.ABORTED)


class RecipientInline(ReadOnlyInline):
    model = MessageRecipient
    fields = ["registration", "email", "mail_state"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("registration", "mail")

    @admin.display(description=_("e-mail"))
    def email(self, recipient: MessageRecipient) -> str:
        return recipient.registration.email

    @admin.display(description=_("e-mail's state"))
    def mail_state(self, recipient: MessageRecipient) -> str:
        """The state, linked to the mail in the outbox (attempts, last error, send again)."""
        if recipient.mail is None:  # the person's data was erased, and their mails with it
            return "—"
        url = reverse("admin:outbox_outgoingmail_change", args=[recipient.mail_id])
        return format_html('<a href="{}">{}</a>', url, recipient.mail.get_state_display())


@admin.register(Message)
class MessageAdmin(SimpleHistoryAdmin):
    """Messages are written on the add page, which is "Write to attendees", and sent there through
    message_send with their mails: nothing here changes or deletes one."""

    list_display = ["created_at", "subject", "audience_label", "sent_by", "recipient_count", "delivery"]
    list_filter = ["edition", "audience"]
    search_fields = ["subject_pl", "subject_en", "body_pl", "body_en"]
    list_select_related = ["sent_by", "day", "item"]
    show_full_result_count = False
    fields = [
        "edition",
        "audience_label",
        "sent_by",
        "created_at",
        "recipient_count",
        "delivery",
        "subject_pl",
        "body_pl",
        "subject_en",
        "body_en",
    ]
    readonly_fields = fields
    inlines = [RecipientInline]

    def get_queryset(self, request):
        state = "recipients__mail__state"
        return (
            super()
            .get_queryset(request)
            .annotate(
                mails_sent=Count("recipients", filter=Q(**{state: OutgoingMail.State.SENT})),
                mails_waiting=Count("recipients", filter=Q(**{f"{state}__in": MAIL_WAITING})),
                mails_failed=Count("recipients", filter=Q(**{f"{state}__in": MAIL_FAILED})),
            )
        )

    @admin.display(description=_("to"))
    def audience_label(self, message: Message) -> str:
        return message.audience_label

    @admin.display(description=_("e-mails"))
    def delivery(self, message: Message) -> str:
        return _("%(sent)s sent, %(waiting)s waiting, %(failed)s failed") % {
            "sent": message.mails_sent,
            "waiting": message.mails_waiting,
            "failed": message.mails_failed,
        }

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """The page "Write to attendees": write → preview (the count, some names, the mail as one
        of them gets it, in both languages) → send. The links to it prefill the group
        (`?audience=waiting&item=…`); the registration list's action posts its selection."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        edition = current_edition_or_404()
        if request.method != "POST":
            return self._write_page(request, MessageForm(edition=edition, initial=_prefill(request.GET)))
        form = MessageForm(request.POST, edition=edition)
        if "edit" in request.POST or not form.is_valid():
            return self._write_page(request, form)
        if "send" in request.POST:
            sent = self._send(request, form, edition)
            if sent is not None:
                return sent
        try:
            draft = message_draft(edition=edition, **form.message())
        except DomainError as error:
            form.add_refusal(error)
            return self._write_page(request, form)
        return self._preview_page(request, form, draft, edition)

    def _send(self, request, form: MessageForm, edition):
        """The message's page once sent; the form with the refusal; or None when the group changed
        since the preview, which is then shown again with the new count."""
        try:
            message = message_send(edition=edition, sent_by=request.user, **form.message(), **form.sending())
        except DomainError as error:
            if error.code == "group_changed":
                self.message_user(request, error.message, messages.WARNING)
                return None
            form.add_refusal(error)
            return self._write_page(request, form)
        count = message.recipient_count
        log = ngettext("Sent to %(count)d person.", "Sent to %(count)d people.", count)
        self.log_addition(request, message, log % {"count": count})
        done = ngettext(
            "The message “%(subject)s” is on its way to %(count)d person.",
            "The message “%(subject)s” is on its way to %(count)d people.",
            count,
        )
        self.message_user(request, done % {"subject": message, "count": count}, messages.SUCCESS)
        return redirect(reverse("admin:messaging_message_change", args=[message.pk]))

    def write_to_selection(self, request, registrations) -> TemplateResponse:
        """The registration list's action: the page with the people selected there as the group."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        edition = current_edition_or_404()
        selected = registrations.filter(edition=edition, status=Registration.Status.ACTIVE)
        initial = {
            "audience": Message.Audience.SELECTED,
            "registrations": list(selected.values_list("pk", flat=True)),
        }
        return self._write_page(request, MessageForm(edition=edition, initial=initial))

    def _write_page(self, request, form: MessageForm) -> TemplateResponse:
        return self._page(request, {"form": form})

    def _preview_page(self, request, form: MessageForm, draft: MessageDraft, edition) -> TemplateResponse:
        count = len(draft.recipients)
        previews = message_previews(message=draft.message, registration=draft.recipients[0])
        # The same message hidden, with what this preview showed: the send button sends exactly it.
        confirm_form = MessageForm(
            edition=edition,
            initial={
                **form.cleaned_data,
                "expected_recipients": count,
                "submission_key": form.cleaned_data["submission_key"] or uuid.uuid4(),
            },
        )
        languages = dict(settings.LANGUAGES)
        context = {
            "form": confirm_form,
            "count": count,
            "names": draft.recipients[:PREVIEW_NAMES],
            "more": max(count - PREVIEW_NAMES, 0),
            "example": draft.recipients[0],
            "previews": [(languages[language], mail) for language, mail in previews.items()],
        }
        return self._page(request, context)

    def _page(self, request, context: dict) -> TemplateResponse:
        template = "admin/messaging/message/write.html"
        return form_page(self, request, template, title=_("Write to attendees"), **context)


def _prefill(query) -> dict:
    """The group a link asks for; a value that is not one is left out (the form starts empty)."""
    audience = query.get("audience")
    initial = {"day": id_param(query.get("day")), "item": id_param(query.get("item"))}
    if audience in Message.Audience.values and audience != Message.Audience.SELECTED:
        initial["audience"] = audience
    return initial
