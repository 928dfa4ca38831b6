"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py`. Every value from the
environment, so one file serves every machine (docs/deployment.md)."""

import multiprocessing
import os

wsgi_app = "miejsca_otwarte.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sign-up is short database work; a few sync workers per core keep up with a rush.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Load Django once before forking: broken settings stop the start, and workers share memory.
# Safe because no database connection is opened at import time.
preload_app = True
# Longer than any honest request (a PDF ticket takes well under a second); a stuck worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak never grows; rarely, for a new worker starts without
# the pages, templates, prepared statements and connections the old one kept: at 2,000 requests per
# worker, a rush restarted each worker every few seconds (docs/performance.md).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# Unused, and one fixed path per user would clash with a second server on the same machine.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# The management link's token is in the path (and in the Referer of the pages it loads):
# the log filter below takes it out, so the logs hold no passwords.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "miejsca_otwarte.logs.RedactTokensFilter"}},
    "formatters": {"generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"}},
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["redact_tokens"],
            "stream": "ext://sys.stdout",
        },
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["redact_tokens"],
            "stream": "ext://sys.stderr",
        },
    },
    "root": {"handlers": ["error"], "level": "INFO"},
    "loggers": {
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
    },
}
