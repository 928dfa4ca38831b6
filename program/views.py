from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from . import ical, selectors
from .models import EditionRole


@require_safe
def home(request):
    edition = selectors.current_edition_or_404()
    roles = selectors.roles_by_kind(edition)
    return render(
        request,
        "program/home.html",
        {
            "days": edition.days.all(),
            "links": edition.links.all(),
            "role_groups": [
                (label, roles[value]) for value, label in EditionRole.Role.choices if value in roles
            ],
        },
    )


@require_safe
def program(request):
    """The busiest public page, served whole from the cache: it carries no per-visitor state (the
    language switch is a plain link, and messages wait for the next uncached page)."""
    html = selectors.cached_program_page(
        get_language(),
        lambda program_days: render_to_string(
            "program/program.html", {"program_days": program_days, "messages": ()}, request=request
        ),
    )
    return HttpResponse(html)


@require_safe
def item_detail(request, slug: str):
    edition = selectors.current_edition_or_404()
    item = get_object_or_404(selectors.items_with_hosts(edition), slug=slug)
    return render(request, "program/item_detail.html", {"item": item})


@require_safe
def program_ics(request):
    edition = selectors.current_edition_or_404()
    base_url = request.build_absolute_uri("/").rstrip("/")
    body = ical.calendar_for_items(edition, selectors.items_with_hosts(edition), base_url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="miejsca-otwarte-{edition.number}.ics"'
    return response


def accessibility(request):
    """The accessibility statement (deklaracja dostępności) in the structure the act requires."""
    selectors.current_edition_or_404()
    return render(request, "program/accessibility.html", {"site_url": settings.SITE_URL})


def contact(request):
    selectors.current_edition_or_404()
    return render(request, "program/contact.html")
