"""Site-wide views: error pages that never show a traceback, the health check, the language switch."""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from outbox.selectors import overdue_tasks, stale_mail


def bad_request(request, exception):
    """A request Django cannot read (a form posted in another charset than UTF-8, a NUL in the
    address, a disallowed host): our own page, in the person's language. Unlike Django's default it
    has no `requires_csrf_token`, which runs the CSRF check again, reads request.POST again and
    turned the 400 into a 500. Nothing here reads request.POST."""
    return render(request, "400.html", status=400)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without context processors' database reads: the database may be the cause.
    return render(request, "500.html", status=500, context={"edition": None})


def csrf_failure(request, reason=""):
    """An expired or missing CSRF token: our own page, in the person's language (Django's is English)."""
    return render(request, "403_csrf.html", status=403)


@never_cache
def healthz(request):
    """For load balancers and monitoring: the database answers, the cache keeps what it is given,
    and the mail queue moves. Counts only, no personal data. Any of them failing is a 503 whose
    body names it; without Redis the site still serves (from the database), so the cache alone
    makes it "degraded"."""
    # A round trip of our own: with Redis down django-redis ignores the error and returns None, so
    # the value read back is compared. A key per probe, so that checks at the same time don't
    # read each other's values.
    probe, key = uuid.uuid4().hex, f"healthz:probe:{uuid.uuid4().hex}"
    try:
        cache.set(key, probe, timeout=10)
        cache_ok = cache.get(key) == probe
        cache.delete(key)
    except Exception:  # a cache backend that raises instead: down all the same
        cache_ok = False
    cache_state = "ok" if cache_ok else "unavailable"
    try:
        stale_mail_count = stale_mail().count()
        overdue_count = overdue_tasks().count()
    except DatabaseError:
        return JsonResponse(
            {"status": "unavailable", "database": "unavailable", "cache": cache_state}, status=503
        )
    healthy = cache_ok and stale_mail_count == 0 and overdue_count == 0
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            "database": "ok",
            "cache": cache_state,
            "stale_mail": stale_mail_count,
            "overdue_tasks": overdue_count,
        },
        status=200 if healthy else 503,
    )


@require_safe
def switch_language(request, language: str):
    """Set the visitor's language and go back to the page they were on. A plain link, not a
    form: public pages then carry no CSRF token, so one cached copy serves every visitor."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
