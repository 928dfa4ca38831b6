import base64
import copy
import uuid

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from stdnum.pl import nip

from program.models import CateringOffer, ProgramItem
from program.validators import validate_nip

from . import payments, services
from .catering import CateringRequest, ClaimRequest, InvoiceData, can_order_paid
from .models import CateringOrder, FreeTicketClaim, Registration

PERSON_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "organisation_name",
    "organisation_type",
    "role",
    "town",
    "voivodeship",
    "needs_wheelchair_access",
    "needs_sign_language",
    "needs_induction_loop",
    "needs_assistant",
    "accessibility_other",
    "note",
]


# What browsers may fill in for the person (the phone's widget says it itself).
AUTOCOMPLETE = {
    "first_name": "given-name",
    "last_name": "family-name",
    "email": "email",
    "organisation_name": "organization",
    "town": "address-level2",
}


def _person_formfield(db_field, **kwargs):
    """Select boxes open on "— choose —" rather than Django's dashes, and the fields browsers can
    fill in say so. Set once, on the class: the sign-up form is built on every sign-up POST, the
    hottest path of the site."""
    field = db_field.formfield(**kwargs)
    if isinstance(field, forms.ChoiceField):
        field.choices = [("", _("— choose —")), *field.choices[1:]]
    if db_field.name in AUTOCOMPLETE:
        field.widget.attrs["autocomplete"] = AUTOCOMPLETE[db_field.name]
    return field


class PersonChecks:
    """What the sign-up form and the management page check in the personal data."""

    phone_validator_message = _("Enter a phone number: digits, spaces and an optional + at the start.")

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not all(ch.isdigit() or ch in " -()" for ch in phone.removeprefix("+")):
            raise forms.ValidationError(self.phone_validator_message)
        return phone

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):  # add_error removes the field from cleaned
            if isinstance(value, str) and any(ord(ch) < 32 and ch not in "\r\n\t" for ch in value):
                self.add_error(name, _("Remove the control characters from this field."))
        return cleaned

    def person(self) -> services.Person:
        return services.Person.from_mapping(self.cleaned_data)


class PersonForm(PersonChecks, forms.ModelForm):
    """The personal data on the management page, saved to the registration."""

    class Meta:
        model = Registration
        fields = PERSON_FIELDS
        formfield_callback = _person_formfield
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }
        help_texts = {
            "organisation_name": _("Leave empty if you come as a resident."),
            "role": _("E.g. animator, coordinator, volunteer, official."),
        }


# The same fields on a plain form, for sign-up: it only collects the data (the service creates the
# registration, and the database's unique index decides on the address). A ModelForm would build
# a throwaway Registration and validate the same fields against it again: 4 % of a sign-up's CPU.
PersonFields = type(
    "PersonFields", (PersonChecks, forms.Form), {"__module__": __name__, **PersonForm.base_fields}
)


class LoadedChoicesField(forms.MultipleChoiceField):
    """Checkboxes over objects the view has loaded already: no query to render or to validate
    (the sign-up POST is the hottest path of the site). Cleans to the chosen objects. The labels
    are written only when the checkboxes are shown: a POST that goes through shows none."""

    widget = forms.CheckboxSelectMultiple

    def set_objects(self, objects, label) -> None:
        self.objects = {str(obj.pk): obj for obj in objects}
        self.choices = lambda: [(key, label(obj)) for key, obj in self.objects.items()]

    def valid_value(self, value) -> bool:
        return str(value) in self.objects

    def clean(self, value):
        return [self.objects[key] for key in super().clean(value)]


class ItemsMixin(forms.Form):
    """Days and limited program items, shared by sign-up and the management page."""

    days = LoadedChoicesField(label=_("Days you attend"), required=False)
    items = LoadedChoicesField(
        label=_("Study visits, workshops and sessions with limited places"),
        required=False,
        help_text=_(
            "Items at the same time cannot both be chosen. A full item puts you on its waiting list."
        ),
    )

    def setup_items(self, edition, items: list[ProgramItem]):
        self.edition = edition
        self.item_objects = {item.pk: item for item in items}
        self.fields["days"].set_objects(edition.days.all(), lambda day: f"{day.date:%d.%m.%Y} — {day.title}")
        self.fields["items"].set_objects(items, lambda item: item.title)

    def item_groups(self):
        """The item checkboxes grouped by day, each with its item (for seats left)."""
        groups: dict = {}
        for widget in self["items"]:
            item = self.item_objects[int(str(widget.data["value"]))]
            groups.setdefault(item.day, []).append((widget, item))
        return sorted(groups.items())

    def clean(self):
        cleaned = super().clean()
        items = cleaned.get("items")
        if items:
            try:
                services.check_clashes(items)
            except services.RegistrationError as error:
                self.add_error("items", error.message)
        if "days" in cleaned and "items" in cleaned and not cleaned["days"] and not cleaned["items"]:
            self.add_error("days", _("Choose at least one day you will attend."))
        return cleaned


class DietMixin(forms.Form):
    # Not required: the sign-up form without catering has nothing to say about meals.
    diet = forms.ChoiceField(
        label=_("Diet"), choices=CateringOrder.Diet.choices, initial="standard", required=False
    )
    diet_note = forms.CharField(
        label=_("Diet details"),
        max_length=300,
        required=False,
        help_text=_("Required for “other”: e.g. allergies the caterer must know about."),
    )

    def clean_diet(self):
        return self.cleaned_data["diet"] or CateringOrder.Diet.STANDARD

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("diet") == CateringOrder.Diet.OTHER and not cleaned.get("diet_note"):
            self.add_error("diet_note", _("Describe the diet you need."))
        return cleaned


class InvoiceMixin(forms.Form):
    invoice_name = forms.CharField(label=_("Buyer's name"), max_length=300, required=False)
    invoice_nip = forms.CharField(
        label=_("Buyer's NIP"), max_length=20, required=False, validators=[validate_nip]
    )
    invoice_address = forms.CharField(label=_("Buyer's address"), max_length=500, required=False)

    def clean_invoice_nip(self):
        return nip.compact(self.cleaned_data["invoice_nip"])

    def clean(self):
        cleaned = super().clean()
        if any(cleaned.get(name) for name in ("invoice_name", "invoice_nip", "invoice_address")):
            for name in ("invoice_name", "invoice_address"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Needed for the invoice."))
        return cleaned

    def invoice(self) -> InvoiceData | None:
        if not self.cleaned_data.get("invoice_name"):
            return None
        return InvoiceData(
            name=self.cleaned_data["invoice_name"],
            nip=self.cleaned_data["invoice_nip"],
            address=self.cleaned_data["invoice_address"],
        )


class CateringDetails(DietMixin, InvoiceMixin):
    """The questions that go with the catering on the sign-up form: the free ticket's claim, the
    diet and the invoice."""

    claim_basis = forms.ChoiceField(
        label=_("Why you qualify"),
        choices=FreeTicketClaim.Basis.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    claim_organisation = forms.CharField(
        label=_("Organisation or institution in Małopolska"), max_length=300, required=False
    )
    claim_town = forms.CharField(
        label=_("Town in Małopolska"),
        max_length=100,
        required=False,
        help_text=_("Where you live, or where your organisation operates."),
    )
    claim_fallback_paid = forms.BooleanField(
        label=_(
            "If no free ticket is left, or my claim is not accepted, I will pay for the catering "
            "(it becomes free if a ticket is mine later)."
        ),
        required=False,
    )


class CateringMixin(DietMixin, InvoiceMixin):
    """The catering and the free Małopolska ticket on the sign-up form. Its questions
    (CateringDetails) join the form when it is shown or when catering is chosen: a sign-up without
    catering neither builds nor checks nine fields it has no use for (5 % of its instructions)."""

    NONE, PAID, FREE = "", "paid", "free"
    DETAILS = (
        "claim_basis",
        "claim_organisation",
        "claim_town",
        "claim_fallback_paid",
        "diet",
        "diet_note",
        "invoice_name",
        "invoice_nip",
        "invoice_address",
    )
    CATERING_FIELDS = ("catering", *DETAILS)

    # Declared on CateringDetails; checked here (the mixins' clean methods) when on the form.
    diet = diet_note = invoice_name = invoice_nip = invoice_address = None
    catering = forms.ChoiceField(
        label=_("Catering on the conference day"), widget=forms.RadioSelect, required=False
    )

    def _ask_details(self) -> None:
        if "diet" in self.fields:  # asked already, since the data chose catering: keep them bound
            return
        fields = {}
        for name, field in self.fields.items():
            fields[name] = field
            if name == "catering":  # in the page's order, for the error summary
                fields.update(
                    (detail, copy.deepcopy(CateringDetails.base_fields[detail])) for detail in self.DETAILS
                )
        self.fields = fields

    def setup_catering(self, offer: CateringOffer | None, *, shown: bool):
        """The catering choice with the meals as `offer` counts them; its questions too when the
        form is to be `shown` or its data chose catering."""
        self.offer = offer
        if offer is None:
            for name in self.CATERING_FIELDS:
                self.fields.pop(name, None)
            return
        if shown or self.data.get("catering"):
            self._ask_details()
        price = number_format(offer.price, 2)
        paid_open = can_order_paid(offer, timezone.now())
        paid_label = _("Catering, %(price)s zł gross, paid by bank transfer") % {"price": price}
        if not paid_open or offer.paid_left == 0:
            paid_label = _("Paid catering: sold out") if paid_open else _("Paid catering: orders closed")
        free_label = _("A free ticket for Małopolska, catering included")
        if offer.free_left == 0:
            free_label = _(
                "A free ticket for Małopolska: none left — join the waiting list "
                "(%(waiting)s waiting); a ticket freed is given in order"
            ) % {"waiting": offer.free_waitlist_length}
        self.fields["catering"].choices = [
            (self.NONE, _("No catering")),
            (self.PAID, paid_label),
            (self.FREE, free_label),
        ]
        self.fields["catering"].help_text = _(
            "Served on %(date)s. Free tickets are for people who live in Małopolska or whose "
            "organisation or institution operates there; the organisers check each claim."
        ) % {"date": f"{offer.day.date:%d.%m.%Y}"}

    def clean(self):
        cleaned = super().clean()
        # Whether a paid meal is left is decided under the offer's lock (catering.catering_take).
        if cleaned.get("catering") == self.FREE:
            if not cleaned.get("claim_basis"):
                self.add_error("claim_basis", _("Tell us why you qualify for a free ticket."))
            if not cleaned.get("claim_town"):
                self.add_error("claim_town", _("Give the town in Małopolska."))
            if cleaned.get("claim_basis") == FreeTicketClaim.Basis.ORGANISATION and not cleaned.get(
                "claim_organisation"
            ):
                self.add_error("claim_organisation", _("Give the name of the organisation or institution."))
        return cleaned

    def catering_request(self) -> CateringRequest | None:
        choice = self.cleaned_data.get("catering")
        if not choice:
            return None
        claim = None
        if choice == self.FREE:
            basis = self.cleaned_data["claim_basis"]
            claim = ClaimRequest(
                basis=basis,
                town=self.cleaned_data["claim_town"],
                organisation=self.cleaned_data["claim_organisation"] if basis == "organisation" else "",
                fallback_paid=self.cleaned_data["claim_fallback_paid"],
            )
        return CateringRequest(
            diet=self.cleaned_data["diet"],
            diet_note=self.cleaned_data["diet_note"],
            claim=claim,
            invoice=self.invoice(),
        )


def _terms_label() -> str:
    return format_html(
        _(
            'I accept the <a href="{terms}">participation terms</a> and have read the '
            '<a href="{privacy}">privacy information</a>.'
        ),
        terms=reverse("program:home") + "#terms-heading",
        privacy=reverse("registration:privacy"),
    )


class RegistrationForm(CateringMixin, ItemsMixin, PersonFields):
    accept_terms = forms.BooleanField(
        # Written when shown, in the page's language.
        label=lazy(_terms_label, SafeString)(),
        error_messages={
            "required": _("You have to accept the participation terms and the privacy information.")
        },
    )
    image_consent = forms.BooleanField(
        required=False,
        label=_(
            "I agree that photos and video of me taken at the conference may be published by the organisers."
        ),
    )
    newsletter = forms.BooleanField(
        required=False, label=_("I want to receive the organisers' newsletter about Miejsca Otwarte.")
    )
    # A field people never see; bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this field empty"), max_length=200)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, edition, items, catering_offer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_items(edition, items)
        self.setup_catering(catering_offer, shown=not self.is_bound)

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("The form could not be sent. Please try again."))
        return ""

    def consents(self) -> dict[str, bool]:
        accepted = self.cleaned_data["accept_terms"]
        return {
            "terms": accepted,
            "privacy": accepted,
            "image": self.cleaned_data["image_consent"],
            "newsletter": self.cleaned_data["newsletter"],
        }


class ChangeItemsForm(ItemsMixin, forms.Form):
    def __init__(self, *args, edition, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_items(edition, items)


class ResendLinkForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address you registered with"), max_length=254)


class CateringManageForm(DietMixin, InvoiceMixin):
    """Diet and invoice data on the management page; the same fields order the paid catering."""


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

    def spec(self) -> payments.StatementFormat:
        names = (
            "date_column",
            "amount_column",
            "title_column",
            "delimiter",
            "decimal_comma",
            "skip_rows",
            "encoding",
        )
        return payments.StatementFormat(**{name: self.cleaned_data[name] for name in names})


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
