"""The back office's own forms: the bank statement import, the admin actions that ask first, a
person added by hand (the admin's "Add a person", the door's walk-in), a move of a person's place,
the next edition, and a message to a group."""

import base64

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from attendees.forms import PersonChecks
from catering.bank_statements import StatementFormat
from catering.models import FreeTicketClaim
from messaging.models import Message
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


def _reason(label, *, max_length: int, help_text, required: bool = False) -> forms.CharField:
    """The reason an action asks for, which the people it concerns read in their e-mail."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


class ClaimRejectForm(forms.Form):
    """The reason for rejecting free-ticket claims; each person reads it in their e-mail."""

    reason = _reason(
        _("Reason for rejection"),
        max_length=FreeTicketClaim._meta.get_field("rejection_reason").max_length,
        help_text=_("The people are told this reason in the e-mail."),
        required=True,
    )


class CancelReasonForm(forms.Form):
    """Why the organisers cancel on the people's behalf; each person reads it in their e-mail."""

    reason = _reason(
        _("Reason for cancellation"),
        max_length=Registration._meta.get_field("cancellation_reason").max_length,
        help_text=_(
            "Optional. The people are told this reason in the cancellation e-mail; their seats go "
            "to the next people waiting."
        ),
    )


class RejectRegistrationForm(forms.Form):
    """Why the organisers do not accept a registration; the person reads it in their e-mail."""

    reason = _reason(
        _("Reason"),
        max_length=Registration._meta.get_field("cancellation_reason").max_length,
        help_text=_(
            "Optional. The people are told this reason by e-mail; the seats held for them are freed."
        ),
    )


class ItemCancelForm(forms.Form):
    """Why a program item is cancelled; each of its people reads it in the notice."""

    reason = _reason(
        _("Reason for cancellation"),
        max_length=500,
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


def _item_label(item: ProgramItem) -> str:
    when = timezone.localtime(item.starts_at)
    return f"{when:%d.%m %H:%M} {item.title} ({item.seats_taken}/{item.capacity})"


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
        self.fields["items"].label_from_instance = _item_label


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


class MoveBookingForm(forms.Form):
    """Where an organiser moves a person's seat or waiting place (`booking_move` decides)."""

    to_item = forms.ModelChoiceField(label=_("Move to"), queryset=ProgramItem.objects.none())
    over_capacity = forms.BooleanField(
        label=_("Give a seat even if the item is full (over capacity)"),
        required=False,
        help_text=_("The item's capacity grows by one for this person. The change is recorded."),
    )
    notify = forms.BooleanField(label=_("Tell the person by e-mail"), required=False, initial=True)

    def __init__(self, *args, booking, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_item"].queryset = ProgramItem.objects.filter(
            edition_id=booking.registration.edition_id, capacity__isnull=False, cancelled_at__isnull=True
        ).order_by("starts_at", "pk")
        self.fields["to_item"].initial = booking.item_id
        self.fields["to_item"].label_from_instance = _item_label

    def add_refusal(self, error: DomainError) -> None:
        field = "to_item" if error.code in ("clash", "unknown_item", "already_on_item") else None
        self.add_error(field, error.message)


class EditionCopyForm(forms.Form):
    """The next edition's number and first day (`edition_copy` moves every date by as much)."""

    number = forms.IntegerField(label=_("Number of the new edition"), min_value=1)
    starts_on = forms.DateField(
        label=_("First day of the new edition"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Every day, item and registration date moves by as many days as the first day."),
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].initial = edition.number + 1
        self.fields["starts_on"].initial = edition.starts_on.replace(year=edition.starts_on.year + 1)

    def add_refusal(self, error: DomainError) -> None:
        self.add_error(
            {"number_taken": "number", "starts_in_the_past": "starts_on"}[error.code], error.message
        )


# --- a message to a group of attendees ------------------------------------------------------------


class MessageForm(forms.Form):
    """The page "Write to attendees": the group and the texts in both languages. messaging.services
    decides (`message_draft` for the preview, `message_send`). The preview hands the count it showed
    and a submission key on to the send button, so that what is sent is what was previewed, once."""

    audience = forms.ChoiceField(label=_("To"), choices=Message.Audience.choices, widget=forms.RadioSelect)
    day = forms.ModelChoiceField(
        label=_("Day"),
        queryset=ConferenceDay.objects.none(),
        required=False,
        help_text=_("For the people coming on a day."),
    )
    item = forms.ModelChoiceField(
        label=_("Program item"),
        queryset=ProgramItem.objects.none(),
        required=False,
        help_text=_("For the people with a seat on an item or on its waiting list."),
    )
    registrations = forms.ModelMultipleChoiceField(
        queryset=Registration.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )
    subject_pl = forms.CharField(
        label=_("Subject in Polish"), max_length=Message._meta.get_field("subject").max_length
    )
    body_pl = forms.CharField(
        label=_("Message in Polish"),
        max_length=Message._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "The e-mail starts with “Hello” and the person's first name, and ends with their program "
            "and the link to their registration."
        ),
    )
    subject_en = forms.CharField(
        label=_("Subject in English"), max_length=Message._meta.get_field("subject").max_length
    )
    body_en = forms.CharField(
        label=_("Message in English"),
        max_length=Message._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    expected_recipients = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    # Which field a refusal of messaging.services belongs to; the rest go above the form.
    REFUSAL_FIELDS = {"day_required": "day", "item_required": "item"}
    MESSAGE_FIELDS = (
        "audience",
        "day",
        "item",
        "registrations",
        "subject_pl",
        "subject_en",
        "body_pl",
        "body_en",
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].queryset = edition.days.order_by("date")
        self.fields["item"].queryset = ProgramItem.objects.filter(
            edition=edition, capacity__isnull=False
        ).order_by("starts_at", "pk")
        self.fields["item"].label_from_instance = _item_label
        self.fields["registrations"].queryset = Registration.objects.filter(edition=edition)
        selected = len(self["registrations"].value() or ())
        choices = [
            (value, label) for value, label in Message.Audience.choices if value != Message.Audience.SELECTED
        ]
        if selected:  # only when people were selected on the registration list
            label = ngettext(
                "The %(count)d person selected in the list",
                "The %(count)d people selected in the list",
                selected,
            ) % {"count": selected}
            choices.append((Message.Audience.SELECTED, label))
        self.fields["audience"].choices = choices

    def message(self) -> dict:
        """The message's group and texts, as `message_draft` takes them."""
        return {name: self.cleaned_data[name] for name in self.MESSAGE_FIELDS}

    def sending(self) -> dict:
        """What `message_send` takes besides the message: what the preview showed."""
        return {
            "expected_recipients": self.cleaned_data["expected_recipients"],
            "submission_key": self.cleaned_data["submission_key"],
        }

    def add_refusal(self, error: DomainError) -> None:
        field = self.REFUSAL_FIELDS.get(error.code)
        self.add_error(field, error.message)
