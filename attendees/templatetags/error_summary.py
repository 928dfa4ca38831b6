"""The error summary's wording."""

from django import template
from django.utils.html import strip_tags

register = template.Library()


@register.filter(is_safe=True)
def summary_label(label) -> str:
    """A field's label as the summary puts it before the error: without its links and without a
    full stop of its own ("…personal data.: You have to…" read badly)."""
    return strip_tags(str(label)).strip().rstrip(".:").rstrip()
