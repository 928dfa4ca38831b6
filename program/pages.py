"""Public pages rendered once and served whole to every visitor, with what belongs to one visitor
(a form's CSRF token) put in afterwards."""

from collections.abc import Callable, Mapping

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language

from . import selectors

# What the shared copy holds where a form's {% csrf_token %} goes. Letters only: escaping keeps it
# as it is, and no page's text has it.
CSRF_TOKEN_SLOT = "csrftokenslotofthevisitor"  # noqa: S105 (a placeholder, not a secret)


def shared_page(
    request: HttpRequest,
    page: str,
    template: str,
    context: Callable[[], dict],
    *,
    slots: Mapping[str, Callable[[HttpRequest], str]] | None = None,
) -> HttpResponse:
    """The page `template` renders, from the cache (selectors.cached_page: one copy per page,
    language and program version). `context` is called only when the page is rendered. The copy
    carries nothing of a visitor: the language switch is a plain link, messages wait for the next
    page rendered for the visitor, and a form's CSRF token is CSRF_TOKEN_SLOT. `slots` fills each
    slot the copy holds for this visitor (`{CSRF_TOKEN_SLOT: get_token}` gives them their own token
    and sets its cookie, as rendering would).

    The copy is kept encoded, as the response sends it: encoding the program's page anew for each
    request cost more than the rest of serving it (docs/performance.md)."""
    content = selectors.cached_page(
        page,
        get_language(),
        lambda: render_to_string(
            template, {**context(), "messages": (), "csrf_token": CSRF_TOKEN_SLOT}, request=request
        ).encode(),
    )
    for slot, fill in (slots or {}).items():
        parts = content.split(slot.encode())
        if len(parts) > 1:  # a page without the form (registration closed) sets no CSRF cookie
            content = fill(request).encode().join(parts)
    return HttpResponse(content)
