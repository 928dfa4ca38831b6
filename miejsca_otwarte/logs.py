"""Management links are passwords: keep their tokens out of every log line."""

import logging
import re

# /registration/manage/<uuid>/<token>/…, /registration/thanks/<uuid>/<token>/ (see registration.urls).
TOKEN_IN_PATH = re.compile(r"(/(?:manage|thanks)/[0-9a-fA-F-]{36}/)[^/\s\"?#]+")


def redact_tokens(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1[redacted]", text)


class RedactTokensFilter(logging.Filter):
    """Rewrites the record's message with the tokens taken out (for Django's and gunicorn's logs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
