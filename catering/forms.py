"""The catering's questions on the attendee's forms: the choice, the free ticket's claim, the diet
and the invoice data."""

from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from stdnum.pl import nip

from common.forms import field_copy
from program.validators import validate_nip

from .models import CateringOffer, CateringOrder, FreeTicketClaim
from .services import CateringRequest, ClaimRequest, InvoiceData, can_order_paid


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
    catering neither builds nor checks nine fields it has no use for (docs/performance.md)."""

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
    # The groups of questions and the choices each belongs to. The page shows a group only while
    # one of its choices is chosen (`show_when`, static/js/disclosure.js); the form ignores what a
    # group holds for the other choices, so an answer left in a hidden group never stops a sign-up.
    GROUPS = {
        "claim": (("claim_basis", "claim_organisation", "claim_town", "claim_fallback_paid"), (FREE,)),
        "meal": (("diet", "diet_note", "invoice_name", "invoice_nip", "invoice_address"), (PAID, FREE)),
    }

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
                    (detail, field_copy(CateringDetails.base_fields[detail])) for detail in self.DETAILS
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
                "A free ticket for Małopolska: none left — join the waiting list; a ticket freed is "
                "given in order"
            )
            if offer.free_waitlist_length:
                free_label = ngettext(
                    "A free ticket for Małopolska: none left — join the waiting list (%(waiting)s "
                    "person waiting); a ticket freed is given in order",
                    "A free ticket for Małopolska: none left — join the waiting list (%(waiting)s "
                    "people waiting); a ticket freed is given in order",
                    offer.free_waitlist_length,
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

    def show_when(self) -> dict[str, str]:
        """Each group's rule for the page's script: "catering=paid,free"."""
        return {group: "catering=" + ",".join(choices) for group, (_names, choices) in self.GROUPS.items()}

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("catering") or self.NONE
        for names, choices in self.GROUPS.values():
            if choice not in choices:
                for name in names:
                    self._errors.pop(name, None)
                    cleaned.pop(name, None)
        # Whether a paid meal is left is decided under the offer's lock (services.catering_take).
        if choice == self.FREE:
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


class CateringManageForm(DietMixin, InvoiceMixin):
    """Diet and invoice data on the management page; the same fields order the paid catering."""
