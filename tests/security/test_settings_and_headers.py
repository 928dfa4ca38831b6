"""Production settings pass Django's deployment checks; every page carries the security headers;
the admin login locks out password guessing; tokens never reach the logs."""

import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from miejsca_otwarte.logs import RedactTokensFilter, redact_tokens
from tests.factories import sign_up
from tests.reliability.conftest import BASE_DIR, manage, subprocess_env

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "miejsca_otwarte.settings",
    "SECRET_KEY": "k" * 20 + "Zx9!Qw8@Er7#Ty6$Ui5%Op4^As3&Df2*Gh1(Jk0)Lm-Nb_Vc+",
    "ALLOWED_HOSTS": "miejscaotwarte.example.org",
    "DEBUG": "0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
}


def test_check_deploy_reports_nothing_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=subprocess_env(**PRODUCTION))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_notices_plain_http():
    """The check above could fail: switching HTTPS off is reported."""
    result = manage("check", "--deploy", env=subprocess_env(**PRODUCTION, HTTPS="0"))
    assert "security.W004" in result.stderr  # no HSTS
    assert "security.W008" in result.stderr  # no redirect to https
    assert "security.W012" in result.stderr  # session cookie not secure


def test_check_deploy_warns_when_mail_would_be_printed_to_the_log():
    """Without EMAIL_URL, mails (with people's private links) go to the console: the log."""
    without_mail = {name: value for name, value in PRODUCTION.items() if name != "EMAIL_URL"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=subprocess_env(**without_mail))
    assert result.returncode != 0
    assert "outbox.W001" in result.stderr
    assert "EMAIL_URL" in result.stderr


@pytest.mark.parametrize(
    ("debug", "backend", "fires"),
    [
        (False, "django.core.mail.backends.console.EmailBackend", True),
        (False, "django.core.mail.backends.filebased.EmailBackend", True),
        (False, "django.core.mail.backends.smtp.EmailBackend", False),
        (True, "django.core.mail.backends.console.EmailBackend", False),  # development
    ],
)
def test_mail_backend_check(settings, debug, backend, fires):
    from outbox.checks import check_mail_is_sent

    settings.DEBUG, settings.EMAIL_BACKEND = debug, backend
    warnings = check_mail_is_sent(app_configs=None)
    assert [warning.id for warning in warnings] == (["outbox.W001"] if fires else [])
    if fires:
        assert "EMAIL_URL" in warnings[0].hint


def test_mail_backend_check_is_a_deploy_check():
    from django.core.checks import registry

    from outbox.checks import check_mail_is_sent

    assert check_mail_is_sent in registry.registry.get_checks(include_deployment_checks=True)
    assert check_mail_is_sent not in registry.registry.get_checks(include_deployment_checks=False)


@pytest.mark.django_db
def test_pages_carry_security_headers(client, edition):
    response = client.get("/registration/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert settings.SESSION_COOKIE_HTTPONLY is settings.CSRF_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == settings.CSRF_COOKIE_SAMESITE == "Lax"


def test_templates_have_no_inline_script_or_style():
    """The CSP blocks inline code, so none may be relied on (e-mails are not web pages)."""
    offenders = []
    for path in (BASE_DIR / "templates").rglob("*.html"):
        if "emails" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\sstyle=", text) or re.search(r"<style", text):
            offenders.append(f"{path}: style")
        for tag in re.findall(r"<script[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{path}: {tag}")
    assert offenders == []


@pytest.mark.django_db
def test_rendered_pages_have_no_inline_style_or_script(client, edition, visit):
    registration = sign_up(edition, [visit])
    for url in ["/", "/program/", "/registration/", registration.get_manage_url() + "ticket/"]:
        html = client.get(url).content.decode()
        assert re.findall(r"\sstyle=\"", html) == [], url
        scripts = re.findall(r"<script[^>]*>", html)
        assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts), url


@pytest.mark.django_db
def test_admin_login_locks_out_after_five_wrong_passwords(client):
    User.objects.create_superuser("organiser", "org@example.com", "right-password-123")
    url = f"/{settings.ADMIN_URL}login/"
    statuses = [
        client.post(url, {"username": "organiser", "password": "wrong"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the form again, then locked
    locked = client.post(url, {"username": "organiser", "password": "right-password-123"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session

    other_address = client.post(
        url, {"username": "organiser", "password": "right-password-123"}, REMOTE_ADDR="10.1.2.3"
    )
    assert other_address.status_code == 302  # a lockout is per name and address


def test_tokens_are_redacted_from_log_lines():
    public_id, token = "6b0c3a1e-9a7c-4c2e-8d43-1f7f1d2b8e11", "Nu6iGEqtk-zmDphdVw4Www3S1A_wfovIgjcg5dKecTo"
    line = f'"GET /registration/manage/{public_id}/{token}/ticket.pdf" "https://x/registration/thanks/{public_id}/{token}/"'
    assert redact_tokens(line) == (
        f'"GET /registration/manage/{public_id}/[redacted]/ticket.pdf" '
        f'"https://x/registration/thanks/{public_id}/[redacted]/"'
    )
    record = logging.LogRecord("django.request", logging.WARNING, "", 0, "Not Found: %s", (line,), None)
    assert RedactTokensFilter().filter(record) is True
    assert token not in record.getMessage()


def test_django_console_log_goes_through_the_token_filter():
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["redact_tokens"]
    filtered = [
        h for h in logging.getLogger().handlers if any(isinstance(f, RedactTokensFilter) for f in h.filters)
    ]
    assert len(filtered) == 1


def test_gunicorn_access_log_format_has_no_query_string_or_full_request_line():
    config = (Path(BASE_DIR) / "gunicorn.conf.py").read_text()
    log_format = re.search(r"access_log_format = '(.*)'", config).group(1)
    assert "%(r)s" not in log_format  # the request line with the query string
    assert "%(q)s" not in log_format
    assert "redact_tokens" in config
