"""When the database goes away, people get a "try again" page rather than an error page.

Nothing half-done stays behind: every change is one transaction, rolled back with the error.
The next request opens a fresh connection (CONN_HEALTH_CHECKS), so the site recovers by itself.
"""

import logging

from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # The class only: the message of a failed query may quote the values it carried.
        logger.error("Database unavailable: %s", type(exception).__name__)
        # No edition and no messages in the layout: reading them may need the database that failed.
        response = render(request, "503.html", {"edition": None, "messages": ()}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class NulInQueryStringMiddleware:
    """A NUL character in the query string is never a real search or filter, and PostgreSQL refuses
    it in any text it is handed (a 500 wherever a value reaches a query: the admin's filters and
    search, check-in). Refused here for every page at once: a 400, our own page, nothing read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # "%00" is the only way a URL carries a NUL: the raw query string says it, unparsed.
        if "%00" in request.META.get("QUERY_STRING", ""):
            raise BadRequest("NUL character in the query string")
        return self.get_response(request)
