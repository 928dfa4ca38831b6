"""Organisers set the reminder days on the edition's admin page; a value that is not a number of
days is refused with a message and changes nothing."""

import pytest
from django.forms import MultiWidget
from django.urls import reverse

from program.models import Edition

pytestmark = pytest.mark.django_db


def change_form_data(response) -> dict:
    """What the browser would send back from the admin's change form, unchanged."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value, key = form[name].value(), form.add_prefix(name)
            if isinstance(field.widget, MultiWidget):  # a date and a time
                for index, part in enumerate(field.widget.decompress(value)):
                    data[f"{key}_{index}"] = "" if part is None else part
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(name): value for name, value in management.initial.items()})
        for form in formset.forms:
            add(form)
    return data


def test_organisers_set_the_reminder_days_on_the_edition(organiser_client, edition):
    url = reverse("admin:program_edition_change", args=[edition.pk])
    page = organiser_client.get(url)
    assert 'name="reminder_days_before" value="2"' in page.content.decode()
    assert "0: no reminders." in page.content.decode()
    data = change_form_data(page)

    response = organiser_client.post(url, {**data, "reminder_days_before": "5"})

    assert response.status_code == 302
    assert Edition.objects.get(pk=edition.pk).reminder_days_before == 5
    refused = organiser_client.post(url, {**data, "reminder_days_before": "-1"})
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["reminder_days_before"] == [
        "Ensure this value is greater than or equal to 0."
    ]
    assert Edition.objects.get(pk=edition.pk).reminder_days_before == 5
