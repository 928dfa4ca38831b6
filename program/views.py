from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from . import ical, selectors
from .models import EditionRole
from .pages import shared_page


@require_safe
def home(request):
    def context():
        edition = selectors.current_edition_or_404()
        roles = selectors.roles_by_kind(edition)
        return {
            "days": edition.days.all(),
            "links": edition.links.all(),
            "role_groups": [
                (label, roles[value]) for value, label in EditionRole.Role.choices if value in roles
            ],
        }

    return shared_page(request, "home", "program/home.html", context)


@require_safe
def program(request):
    """The busiest public page."""
    return shared_page(
        request,
        "program",
        "program/program.html",
        lambda: {"program_days": selectors.program_by_day(selectors.current_edition_or_404())},
    )


@require_safe
def item_detail(request, slug: str):
    def context():
        edition = selectors.current_edition_or_404()
        return {"item": get_object_or_404(selectors.items_with_hosts(edition), slug=slug)}

    return shared_page(request, f"item:{slug}", "program/item_detail.html", context)


@require_safe
def program_ics(request):
    """The whole program as a calendar feed, from the cache like the pages (one copy per address
    the site is reached at: the events link back to it)."""
    edition = selectors.current_edition_or_404()
    base_url = request.build_absolute_uri("/").rstrip("/")
    body = selectors.cached_page(
        f"ics:{base_url}",
        get_language(),
        lambda: ical.calendar_for_items(edition, selectors.items_with_hosts(edition), base_url),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="miejsca-otwarte-{edition.number}.ics"'
    return response


def accessibility(request):
    """The accessibility statement (deklaracja dostępności) in the structure the act requires."""
    selectors.current_edition_or_404()
    return shared_page(
        request, "accessibility", "program/accessibility.html", lambda: {"site_url": settings.SITE_URL}
    )


def contact(request):
    selectors.current_edition_or_404()
    return shared_page(request, "contact", "program/contact.html", dict)
