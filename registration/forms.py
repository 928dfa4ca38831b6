import uuid

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from program.models import ConferenceDay, ProgramItem

from . import services
from .models import Registration

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


class PersonForm(forms.ModelForm):
    """The personal data, shared by the sign-up form and the management page."""

    class Meta:
        model = Registration
        fields = PERSON_FIELDS
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }
        help_texts = {
            "organisation_name": _("Leave empty if you come as a resident."),
            "role": _("E.g. animator, coordinator, volunteer, official."),
        }

    phone_validator_message = _("Enter a phone number: digits, spaces and an optional + at the start.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        autocomplete = {
            "first_name": "given-name",
            "last_name": "family-name",
            "email": "email",
            "organisation_name": "organization",
            "town": "address-level2",
        }
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        self.fields["voivodeship"].choices = [("", _("— choose —")), *self.fields["voivodeship"].choices[1:]]

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


class ItemChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, item: ProgramItem):
        return item.title


class ItemsMixin(forms.Form):
    """Days and limited program items, shared by sign-up and the management page."""

    days = forms.ModelMultipleChoiceField(
        label=_("Days you attend"),
        queryset=ConferenceDay.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    items = ItemChoiceField(
        label=_("Study visits, workshops and sessions with limited places"),
        queryset=ProgramItem.objects.none(),
        required=False,
        help_text=_(
            "Items at the same time cannot both be chosen. A full item puts you on its waiting list."
        ),
    )

    def setup_items(self, edition, items: list[ProgramItem]):
        self.edition = edition
        self.item_objects = {item.pk: item for item in items}
        self.fields["days"].queryset = edition.days.all()
        self.fields["days"].label_from_instance = lambda day: f"{day.date:%d.%m.%Y} — {day.title}"
        self.fields["items"].queryset = ProgramItem.objects.filter(pk__in=self.item_objects)

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


class RegistrationForm(ItemsMixin, PersonForm):
    accept_terms = forms.BooleanField(required=True)
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

    class Meta(PersonForm.Meta):
        pass

    def __init__(self, *args, edition, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_items(edition, items)
        self.fields["accept_terms"].label = format_html(
            _(
                'I accept the <a href="{terms}">participation terms</a> and have read the '
                '<a href="{privacy}">privacy information</a>.'
            ),
            terms=reverse("program:home") + "#terms-heading",
            privacy=reverse("registration:privacy"),
        )
        self.fields["accept_terms"].error_messages["required"] = _(
            "You have to accept the participation terms and the privacy information."
        )

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
