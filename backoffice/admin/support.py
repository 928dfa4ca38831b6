"""Glue between the admin and the services: refusals become messages, never a server error."""

import functools

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from registration.errors import DomainError


class Refused(Exception):
    """A service said no while the admin was saving; `text` names what was refused."""

    def __init__(self, text: str):
        self.text = text
        super().__init__(text)


def refusals_as_messages(view):
    """Wrap an admin view that saves through services. The admin saves inside one transaction,
    so a refusal rolls back everything from that request; the page says so and shows again."""

    @functools.wraps(view)
    def wrapper(model_admin, request, *args, **kwargs):
        try:
            return view(model_admin, request, *args, **kwargs)
        except Refused as refusal:
            nothing_saved = _("Nothing was saved.")  # outside the f-string, where makemessages sees it
            model_admin.message_user(request, f"{refusal.text} {nothing_saved}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    return wrapper


def refusal(obj, error: DomainError) -> Refused:
    return Refused(f"“{obj}”: {error.message}")


class ReadOnlyInline(admin.TabularInline):
    """Shown on the registration's page; changed only through the services."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NoAddOrDelete:
    """Rows that come from the public site and the services and leave by cancellation or
    anonymisation: adding or deleting one here would leave seats, meals or quota places counted."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlainActionCheckboxes:
    """A long list's checkboxes for its actions written as Django's CheckboxInput renders them,
    without rendering the widget's template once per row (what that cost the registration list:
    docs/performance.md)."""

    def action_checkbox(self, obj):
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )


def form_page(model_admin, request, template: str, *, title, form, **context) -> TemplateResponse:
    """A page of our own around one form, in the admin's layout: the site's context, the model's
    options (breadcrumbs), the form's media."""
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "opts": model_admin.model._meta,
            "form": form,
            "media": model_admin.media + form.media,
            **context,
        },
    )
