import uuid

from django import forms
from django.urls import reverse
from django.utils import dateformat
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from aftercare.certificates import item_time
from aftercare.models import COMMENT_MAX_LENGTH, RATINGS
from aftercare.selectors import Attendance
from catering.forms import CateringMixin
from common.forms import lightly_copied
from program.models import ProgramItem
from registration import services
from registration.errors import RegistrationError
from registration.models import Registration

from .questions import QuestionsMixin

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


# Django's own says "email"; the label, and the rest of the site, says "e-mail".
INVALID_EMAIL = _("Enter a valid e-mail address.")


def _person_formfield(db_field, **kwargs):
    """Select boxes open on "— choose —" rather than Django's dashes, and the fields browsers can
    fill in say so. Set once, on the class: the sign-up form is built on every sign-up POST, the
    hottest path of the site."""
    field = db_field.formfield(**kwargs)
    if isinstance(field, forms.ChoiceField):
        field.choices = [("", _("— choose —")), *field.choices[1:]]
    if db_field.name in AUTOCOMPLETE:
        field.widget.attrs["autocomplete"] = AUTOCOMPLETE[db_field.name]
    if isinstance(field, forms.EmailField):
        field.error_messages["invalid"] = INVALID_EMAIL
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


class PersonForm(QuestionsMixin, PersonChecks, forms.ModelForm):
    """The personal data on the management page, saved to the registration, and the answers to
    the organisers' questions (`setup_questions`)."""

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
# a throwaway Registration and validate the same fields against it again (docs/performance.md).
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
            except RegistrationError as error:
                self.add_error("items", error.message)
        if "days" in cleaned and "items" in cleaned and not cleaned["days"] and not cleaned["items"]:
            self.add_error("days", _("Choose at least one day you will attend."))
        return cleaned


def _terms_label() -> str:
    return format_html(
        _(
            'I accept the <a href="{terms}">participation terms</a> and have read the '
            '<a href="{privacy}">privacy information</a>.'
        ),
        terms=reverse("program:home") + "#terms-heading",
        privacy=reverse("registration:privacy"),
    )


@lightly_copied
class RegistrationForm(CateringMixin, ItemsMixin, QuestionsMixin, PersonFields):
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

    def __init__(self, *args, edition, items, catering_offer=None, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_items(edition, items)
        self.setup_catering(catering_offer, shown=not self.is_bound)
        self.setup_questions(questions, before="needs_wheelchair_access")

    def renew_submission_key(self) -> None:
        """The form shown again goes out with a new key: the one sent belongs to an earlier
        submission ("submission_reused", registration.services)."""
        self.data = self.data.copy()
        self.data["submission_key"] = str(uuid.uuid4())

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
    email = forms.EmailField(
        label=_("E-mail address you registered with"),
        max_length=254,
        error_messages={"invalid": INVALID_EMAIL},
    )


class FeedbackForm(forms.Form):
    """The survey: a rating from 1 to 5 of each day and item the person attended, none required
    ("no answer" is a choice, so a click can be taken back), and a comment. Whether the answer
    says anything at all is the service's rule (`aftercare.services.feedback_submit`)."""

    comment = forms.CharField(
        label=_("Anything else you would like to tell us?"),
        help_text=_("What was good, what we could do better next time. Please do not sign it."),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, attendance: Attendance, **kwargs):
        super().__init__(*args, **kwargs)
        self.rated = {"day": {}, "item": {}}
        for day in attendance.days:
            self._add_rating("day", day, f"{dateformat.format(day.date, 'l, j E')} — {day.title}")
        for item in attendance.items:
            self._add_rating("item", item, f"{item_time(item)} — {item.title}")

    def _add_rating(self, kind: str, subject, label: str) -> None:
        name = f"{kind}_{subject.pk}"
        self.fields[name] = forms.TypedChoiceField(
            label=label,
            choices=[("", _("no answer")), *((n, str(n)) for n in RATINGS)],
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        )
        self.rated[kind][subject.pk] = name

    def day_fields(self):
        return [self[name] for name in self.rated["day"].values()]

    def item_fields(self):
        return [self[name] for name in self.rated["item"].values()]

    def ratings(self, kind: str) -> dict[int, int]:
        """The ratings given, by the day's or item's id."""
        chosen = {pk: self.cleaned_data[name] for pk, name in self.rated[kind].items()}
        return {pk: rating for pk, rating in chosen.items() if rating is not None}
