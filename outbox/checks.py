"""System checks about the mail: with DEBUG off, `manage.py check --deploy` says so when mail
would be written out instead of sent. `EMAIL_URL` defaults to `consolemail://`, which prints every
mail (with the person's private management link) to the log."""

from django.conf import settings
from django.core.checks import Warning, register

# Backends that write each mail out, whole, instead of delivering it.
WRITING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "printed to the log",
    "django.core.mail.backends.filebased.EmailBackend": "written to files",
}


@register("outbox", deploy=True)
def check_mail_is_sent(app_configs, **kwargs):
    written = WRITING_BACKENDS.get(settings.EMAIL_BACKEND)
    if settings.DEBUG or written is None:
        return []
    return [
        Warning(
            f"E-mail is not sent but {written} ({settings.EMAIL_BACKEND}): every mail, with the "
            "person's private link to their registration, ends up there, and nobody gets it.",
            hint="Set EMAIL_URL to the mail server, e.g. smtp+tls://user:password@smtp-host:587 "
            "(README.md, docs/deployment.md).",
            id="outbox.W001",
        )
    ]
