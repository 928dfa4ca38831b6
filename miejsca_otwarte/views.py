"""Site-wide views: error pages that never show a traceback, the health check, the language switch."""

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from outbox.selectors import overdue_tasks, stale_mail


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
    """For load balancers and monitoring: the database answers and the mail queue moves.
    Counts only, no personal data."""
    try:
        stale_mail_count = stale_mail().count()
        overdue_count = overdue_tasks().count()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    healthy = stale_mail_count == 0 and overdue_count == 0
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            "database": "ok",
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
