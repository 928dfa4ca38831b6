"""Site-wide views: error pages that never show a traceback, and the health check."""

from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from registration import mail


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
        stale_mail = mail.stale_mail().count()
        overdue_tasks = mail.overdue_tasks().count()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    healthy = stale_mail == 0 and overdue_tasks == 0
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            "database": "ok",
            "stale_mail": stale_mail,
            "overdue_tasks": overdue_tasks,
        },
        status=200 if healthy else 503,
    )
