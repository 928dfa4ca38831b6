"""The site's own middleware: what every request goes through before or after its view."""

import functools
import logging

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.signals import setting_changed
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.shortcuts import render

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """When the database goes away, people get a "try again" page rather than an error page.

    Nothing half-done stays behind: every change is one transaction, rolled back with the error.
    The next request opens a fresh connection (CONN_HEALTH_CHECKS), so the site recovers by itself.
    """

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


# What a view or a response may set to change its own policy (django-csp's decorators).
_OWN_POLICY = tuple(
    f"_csp_{part}{suffix}" for part in ("config", "update", "replace") for suffix in ("", "_ro")
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the site's two policy headers built once per process. It
    builds them anew for every response, a ninth of the CPU of serving a cached page
    (docs/performance.md), though they change only with the settings, with a view's own policy
    (django-csp's decorators) or with a nonce: a response with either of the last two goes through
    django-csp itself, and so does every response in DEBUG (its error pages are exempt there)."""

    def process_response(self, request, response):
        if settings.DEBUG or getattr(request, "_csp_nonce", None) is not None:
            return super().process_response(request, response)
        if any(getattr(response, name, None) is not None for name in _OWN_POLICY):
            return super().process_response(request, response)
        for header, policy, exempting_attribute, excluded in _site_policies():
            left_out = getattr(response, exempting_attribute, False) or request.path_info.startswith(excluded)
            if policy and header not in response and not left_out:
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


@functools.cache
def _site_policies() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """Each header with the policy the settings give it, the response attribute that exempts a
    response from it and the paths it leaves out, as django-csp reads them."""
    return tuple(
        (
            header,
            build_policy(report_only=report_only),
            exempt,
            tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()),
        )
        for header, report_only, exempt, setting in (
            (HEADER, False, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, True, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        )
    )


@receiver(setting_changed)
def _policies_changed(*, setting, **kwargs):
    if setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        _site_policies.cache_clear()
