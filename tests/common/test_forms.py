"""common.forms: a form's fields copied as Django's deepcopy copies them."""

import copy

from attendees.forms import RegistrationForm
from common.forms import field_copy


def test_each_field_is_copied_as_deepcopy_copies_it():
    for name, field in RegistrationForm.base_fields.items():
        light, deep = field_copy(field), copy.deepcopy(field)
        assert type(light) is type(deep) and light.__dict__.keys() == deep.__dict__.keys(), name
        for part in ("widget", "error_messages", "validators"):
            assert getattr(light, part) is not getattr(field, part), (name, part)
        assert light.widget.attrs == field.widget.attrs and light.widget.attrs is not field.widget.attrs
        assert getattr(light, "choices", None) == getattr(deep, "choices", None), name


def test_a_form_changes_its_own_widgets_only():
    form = RegistrationForm.base_fields["first_name"]
    first = field_copy(form)
    first.widget.attrs["class"] = "is-invalid"
    assert "class" not in field_copy(form).widget.attrs
