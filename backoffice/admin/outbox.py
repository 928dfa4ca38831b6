"""The outbox in the back office: every queued mail with its state, to send again or abort."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from outbox.models import OutgoingMail
from outbox.services import mail_abort, mail_retry

from .support import PlainActionCheckboxes


@admin.register(OutgoingMail)
class OutgoingMailAdmin(PlainActionCheckboxes, admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "to",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["state", "kind"]
    search_fields = ["to"]
    show_full_result_count = False
    readonly_fields = [field.name for field in OutgoingMail._meta.fields]
    actions = ["retry", "abort"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send again"), permissions=["change"])
    def retry(self, request, queryset):
        retryable = (OutgoingMail.State.FAILED, OutgoingMail.State.ABORTED, OutgoingMail.State.AWAITING_RETRY)
        count = 0
        for outgoing in queryset.filter(state__in=retryable):
            mail_retry(outgoing=outgoing)
            self.log_change(request, outgoing, _("Queued again (admin action)."))
            count += 1
        self.message_user(
            request, ngettext("%(count)d mail queued.", "%(count)d mails queued.", count) % {"count": count}
        )

    @admin.action(description=_("Do not send (abort)"), permissions=["change"])
    def abort(self, request, queryset):
        count = 0
        for outgoing in queryset.exclude(state__in=(OutgoingMail.State.SENT, OutgoingMail.State.ABORTED)):
            mail_abort(outgoing=outgoing)
            self.log_change(request, outgoing, _("Aborted (admin action)."))
            count += 1
        self.message_user(
            request, ngettext("%(count)d mail aborted.", "%(count)d mails aborted.", count) % {"count": count}
        )
