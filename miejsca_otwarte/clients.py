"""Who is asking: the client's address the rate limits count by, and the user name the admin
lockout (django-axes) stores. Both come from the request, so both must survive hostile input:
never a 500, and never a way around the count."""

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)

# django-axes stores the user name in a varchar(255) (AccessAttempt.username).
AXES_USERNAME_MAX_LENGTH = 255


def _address(value) -> str | None:
    """The address in `value` written the standard way, or None when it is not one address."""
    if not isinstance(value, str):
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if getattr(address, "scope_id", None):  # "fe80::1%eth0": no network can be made of it
        return None
    return address.compressed


def ratelimit_client_ip(request) -> str:
    """RATELIMIT_IP_META_KEY when CLIENT_IP_HEADER is set: the address in that header, or
    REMOTE_ADDR (logged) when the header is missing or is not one address. django-ratelimit itself
    would raise on both, and every sign-up would be a 500."""
    header = settings.CLIENT_IP_HEADER
    if header:
        address = _address(request.META.get(header))
        if address:
            return address
        logger.warning(
            "%s is missing or not an address (%.60r): rate limits count by REMOTE_ADDR",
            header,
            request.META.get(header),
        )
    address = _address(request.META.get("REMOTE_ADDR"))
    if address:
        return address
    # Only a broken server setup gets here (a Unix socket without the proxy's header): one shared
    # count for all such requests is stricter than none, and better than refusing everyone.
    logger.error("No client address in REMOTE_ADDR: rate limits count all such requests together")
    return "0.0.0.0"  # noqa: S104 (a rate-limit key, not an address to bind)


def axes_username(request, credentials) -> str | None:
    """AXES_USERNAME_CALLABLE: the user name as axes would take it, cut to what it can store. A
    longer name (the login form does not limit it) made axes' insert fail: a 500, and the attempt
    was not counted towards the lockout. Cut, it is counted like any other wrong login."""
    field = settings.AXES_USERNAME_FORM_FIELD
    source = credentials or getattr(request, "data", request.POST)  # as axes reads it by default
    username = source.get(field)
    if isinstance(username, str):
        return username[:AXES_USERNAME_MAX_LENGTH]
    return username
