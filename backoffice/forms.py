"""The back office's own forms: the bank statement import and the admin actions that ask first."""

import base64

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catering.bank_statements import StatementFormat
from catering.models import FreeTicketClaim


class StatementImportForm(forms.Form):
    """A bank statement in CSV and how to read it; the file travels on to the confirmation step
    in `content` so that the organiser confirms exactly what was previewed."""

    statement = forms.FileField(label=_("Bank statement (CSV)"), required=False)
    content = forms.CharField(widget=forms.HiddenInput, required=False)
    date_column = forms.IntegerField(label=_("Column with the booking date"), min_value=1, initial=1)
    amount_column = forms.IntegerField(label=_("Column with the amount"), min_value=1, initial=2)
    title_column = forms.IntegerField(label=_("Column with the transfer title"), min_value=1, initial=3)
    delimiter = forms.ChoiceField(
        label=_("Delimiter"), choices=[(";", ";"), (",", ","), ("\t", _("tab"))], initial=";"
    )
    decimal_comma = forms.BooleanField(
        label=_("Amounts use a decimal comma (120,00)"), required=False, initial=True
    )
    skip_rows = forms.IntegerField(label=_("Header rows to skip"), min_value=0, initial=1)
    encoding = forms.ChoiceField(
        label=_("Encoding"), choices=[("utf-8", "UTF-8"), ("cp1250", "Windows-1250")], initial="utf-8"
    )

    MAX_SIZE = 5 * 1024 * 1024

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("statement")
        if upload is not None:
            if upload.size > self.MAX_SIZE:
                raise forms.ValidationError(_("The file is larger than 5 MB."))
            cleaned["content"] = base64.b64encode(upload.read()).decode()
        elif not cleaned.get("content"):
            self.add_error("statement", _("Choose the file."))
        return cleaned

    def file_content(self) -> bytes:
        return base64.b64decode(self.cleaned_data["content"])

    def spec(self) -> StatementFormat:
        names = (
            "date_column",
            "amount_column",
            "title_column",
            "delimiter",
            "decimal_comma",
            "skip_rows",
            "encoding",
        )
        return StatementFormat(**{name: self.cleaned_data[name] for name in names})


# --- admin actions that ask first ------------------------------------------------------------------


class ClaimRejectForm(forms.Form):
    """The reason for rejecting free-ticket claims; each person reads it in their e-mail."""

    reason = forms.CharField(
        label=_("Reason for rejection"),
        max_length=FreeTicketClaim._meta.get_field("rejection_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The people are told this reason in the e-mail."),
    )


class MarkPaidForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Paid on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The date the transfer reached the account."),
    )


class AnonymiseConfirmForm(forms.Form):
    """Erasing personal data cannot be undone: the organiser says so first."""

    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone"),
        help_text=_(
            "Erased: names, e-mail, phone, organisation name, role, accessibility needs, notes, diet "
            "notes, invoice data and the person's e-mails, also in the history and the admin's log. "
            "Kept for the figures: the edition, days, check-ins, items, voivodeship, town, type of "
            "organisation and the catering's amounts. Seats of people still registered are released."
        ),
    )
