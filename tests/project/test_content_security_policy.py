"""The site's policy headers are built once per process (miejsca_otwarte.middleware): the same
header django-csp builds, a view's own policy and an exempt response still as django-csp makes
them, and a change of the settings shows at once."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.exceptions import CSPNonceError
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from miejsca_otwarte.middleware import ContentSecurityPolicyMiddleware


def response_with(**attributes):
    def view(request):
        response = HttpResponse("page")
        for name, value in attributes.items():
            setattr(response, name, value)
        return response

    return ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/program/"))


def test_the_header_is_the_one_django_csp_builds():
    assert response_with()[HEADER] == build_policy()
    assert "default-src 'self'" in response_with()[HEADER]
    assert HEADER_REPORT_ONLY not in response_with()


def test_a_view_with_its_own_policy_gets_it_and_the_next_page_the_sites():
    own = response_with(_csp_update={"img-src": ["https://maps.example.org"]})
    assert "https://maps.example.org" in own[HEADER]
    assert "https://maps.example.org" not in response_with()[HEADER]


def test_an_exempt_response_gets_no_header():
    assert HEADER not in response_with(_csp_exempt=True)


def test_a_changed_setting_shows_at_once():
    response_with()  # the site's headers, built and kept
    policy = {"DIRECTIVES": {"default-src": ["'self'", "https://cdn.example.org"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=policy):
        response = response_with()
        assert "https://cdn.example.org" in response[HEADER]
        assert "https://cdn.example.org" in response[HEADER_REPORT_ONLY]
    assert "https://cdn.example.org" not in response_with()[HEADER]


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error():
    request = RequestFactory().get("/program/")
    ContentSecurityPolicyMiddleware(lambda request: HttpResponse("page"))(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
