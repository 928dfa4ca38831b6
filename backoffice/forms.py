"""The back office's own forms: the bank statement import, the admin actions that ask first, and
a person added by hand (the admin's "Add a person", the door's walk-in)."""

import base64

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendees.forms import PersonChecks
from catering.bank_statements import StatementFormat
from catering.models import FreeTicketClaim
from program.models import ConferenceDay, ProgramItem
from registration.errors import DomainError
from registration.models import Consent, Registration


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


class CancelReasonForm(forms.Form):
    """Why the organisers cancel on the people's behalf; each person reads it in their e-mail."""

    reason = forms.CharField(
        label=_("Reason for cancellation"),
        max_length=Registration._meta.get_field("cancellation_reason").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional. The people are told this reason in the cancellation e-mail; their seats go "
            "to the next people waiting."
        ),
    )


class ItemCancelForm(forms.Form):
    """Why a program item is cancelled; each of its people reads it in the notice."""

    reason = forms.CharField(
        label=_("Reason for cancellation"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional. Every person with a seat or a waiting place is told that it is released, "
            "with this reason."
        ),
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


# --- a person added by hand -----------------------------------------------------------------------


def _registration_field(name: str) -> forms.Field:
    return Registration._meta.get_field(name).formfield()


class PersonByHandForm(PersonChecks, forms.Form):
    """A person an organiser or the door adds: it collects, `registration_create(by_organiser=True)`
    decides. The person accepted nothing online: only what the organiser confirms here is recorded
    as granted (the terms and the privacy information, which the service requires)."""

    first_name = _registration_field("first_name")
    last_name = _registration_field("last_name")
    email = _registration_field("email")
    town = _registration_field("town")
    voivodeship = _registration_field("voivodeship")
    organisation_name = _registration_field("organisation_name")
    accepted = forms.BooleanField(
        label=_("The person accepted the participation terms and the privacy information"),
        error_messages={
            "required": _(
                "Confirm that the person accepted the participation terms and the privacy information."
            )
        },
    )
    notify = forms.BooleanField(label=_("Send the confirmation e-mail"), required=False)

    # Which field a refusal of registration_create belongs to; the rest go above the form.
    REFUSAL_FIELDS = {
        "duplicate_email": "email",
        "clash": "items",
        "unknown_item": "items",
        "no_day": "days",
        "consent_required": "accepted",
    }

    def consents(self) -> dict[str, bool]:
        accepted = self.cleaned_data["accepted"]
        granted = {Consent.Kind.TERMS: accepted, Consent.Kind.PRIVACY: accepted}
        return {kind: granted.get(kind, False) for kind in Consent.Kind.values}

    def add_refusal(self, error: DomainError) -> None:
        """A refusal of the service as an error on the form, in the organiser's language."""
        field = self.REFUSAL_FIELDS.get(error.code)
        if error.code == "duplicate_email":  # the public text sends the person to their link
            message = _(
                "This e-mail address is already registered for this edition: find the person on the list."
            )
        else:
            message = error.message
        self.add_error(field if field in self.fields else None, message)


class AddPersonForm(PersonByHandForm):
    """The admin's "Add a person": a speaker, a guest, someone who could not sign up online."""

    days = forms.ModelMultipleChoiceField(
        label=_("Days"),
        queryset=ConferenceDay.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    items = forms.ModelMultipleChoiceField(
        label=_("Limited program items"),
        queryset=ProgramItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A full item puts the person on its waiting list."),
    )

    field_order = [
        "first_name",
        "last_name",
        "email",
        "town",
        "voivodeship",
        "organisation_name",
        "days",
        "items",
        "accepted",
        "notify",
    ]

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notify"].initial = True
        self.fields["days"].queryset = edition.days.order_by("date")
        self.fields["items"].queryset = ProgramItem.objects.filter(
            edition=edition, capacity__isnull=False, cancelled_at__isnull=True
        ).order_by("starts_at", "pk")
        self.fields["items"].label_from_instance = lambda item: (
            f"{timezone.localtime(item.starts_at):%d.%m %H:%M} {item.title}"
        )


class WalkInForm(PersonByHandForm):
    """The door's walk-in: registered for the day shown and checked in at once; no mail unless
    asked. The e-mail address is required, as for everybody: it is the person's identity (one
    registration per address), and it finds a person who signed up online already."""

    prefix = "walk_in"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the door's page is Bootstrap's, not the admin's
            widget = field.widget
            widget.attrs["class"] = {"checkbox": "form-check-input", "select": "form-select"}.get(
                widget.input_type, "form-control"
            )
