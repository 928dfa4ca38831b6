"""Form fields copied for each form without `copy.deepcopy`'s machinery."""

import copy
from typing import TypeVar

from django import forms
from django.forms.widgets import ChoiceWidget, Widget

# Fields and widgets whose __deepcopy__ is one of Django's own make only the parts `field_copy`
# makes; any other is deep-copied as before.
_FIELD_COPIES = (forms.Field.__deepcopy__, forms.ChoiceField.__deepcopy__)
_WIDGET_COPIES = (Widget.__deepcopy__, ChoiceWidget.__deepcopy__)


def _shallow(obj):
    """copy.copy() for a plain object (no __slots__, no __copy__), without its dispatch."""
    copied = object.__new__(type(obj))
    copied.__dict__.update(obj.__dict__)
    return copied


def field_copy(field: forms.Field) -> forms.Field:
    """The copy of `field` a form instance works on, as Django's `Field.__deepcopy__` makes it: its
    own widget with its own attributes (crispy-forms adds classes to them as it renders), error
    messages, validators and choices list; the choices' items, immutable, are shared."""
    widget = field.widget
    if type(field).__deepcopy__ not in _FIELD_COPIES or type(widget).__deepcopy__ not in _WIDGET_COPIES:
        return copy.deepcopy(field)
    copied = _shallow(field)
    copied.widget = _shallow(widget)
    copied.widget.attrs = widget.attrs.copy()
    if isinstance(widget, ChoiceWidget):  # normalised already: past the setter that normalises
        copied.widget._choices = copy.copy(widget._choices)
    copied.error_messages = field.error_messages.copy()
    copied.validators = field.validators[:]
    if isinstance(field, forms.ChoiceField):
        copied._choices = copy.copy(field._choices)
    return copied


class LightlyCopiedFields(dict):
    """A form class's `base_fields`, which `BaseForm.__init__` deep-copies for every form it
    builds: here each field is copied by `field_copy`, for less (docs/performance.md: the sign-up
    form is built on every sign-up POST)."""

    def __deepcopy__(self, memo):
        return {name: field_copy(field) for name, field in self.items()}


F = TypeVar("F", bound=type[forms.BaseForm])


def lightly_copied(form_class: F) -> F:
    """Class decorator: the form's instances get their fields through `field_copy`."""
    form_class.base_fields = LightlyCopiedFields(form_class.base_fields)
    return form_class
