"""Public pages rendered once and served whole to every visitor, with what belongs to one visitor
(a form's CSRF token) put in afterwards."""

import re
from collections.abc import Callable, Mapping

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
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
    request cost more than the rest of serving it (docs/performance.md). A page with no slot is
    also kept compressed, made with the copy, for the browsers that accept gzip (every one does):
    the program page is 21 KB (115 KB at 200 items) and 3.5 KB (7.5 KB) compressed, and nginx
    compresses only the static files."""

    plain, compressed = selectors.cached_page(
        page,
        get_language(),
        lambda: _encoded(
            render_to_string(
                template, {**context(), "messages": (), "csrf_token": CSRF_TOKEN_SLOT}, request=request
            ),
            compress=not slots,
        ),
    )
    if compressed is not None:
        return _maybe_compressed(request, plain, compressed)
    for slot, fill in (slots or {}).items():
        parts = plain.split(slot.encode())
        if len(parts) > 1:  # a page without the form (registration closed) sets no CSRF cookie
            plain = fill(request).encode().join(parts)
    return HttpResponse(plain)


def _encoded(html: str, *, compress: bool) -> tuple[bytes, bytes | None]:
    content = html.encode()
    return content, compress_string(content) if compress else None


ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as django.middleware.gzip reads Accept-Encoding


def _maybe_compressed(request: HttpRequest, plain: bytes, compressed: bytes) -> HttpResponse:
    if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(compressed)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(plain)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
