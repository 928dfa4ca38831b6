"""Queries of one GET of each admin page named (URL names; default the registration list), logged
in as the bench superuser: `python bench/admin_queries.py [URL_NAME ...]`. Django's test client
against the bench database (the same settings and environment as the served site); a first request
warms the caches and the session, the second is counted, and five more are timed in-process (their
median). Prints one JSON line: the figures by URL name."""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "miejsca_otwarte.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

client = Client(HTTP_HOST="127.0.0.1")
client.force_login(get_user_model().objects.get(username=os.environ.get("BENCH_ADMIN_USER", "bench")))


def get(url: str):
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    return response


def figures(url_name: str) -> dict:
    url = reverse(url_name)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            get(url)
        counts.append(len(queries))
    sql = [query["sql"][:160] for query in queries.captured_queries]  # the next request clears them
    seconds = []
    for _ in range(5):
        started = time.perf_counter()
        get(url)
        seconds.append(time.perf_counter() - started)
    return {
        "url": url,
        "queries": counts[1],
        "first_request": counts[0],
        "in_process_ms": round(statistics.median(seconds) * 1000, 1),
        "sql": sql,
    }


names = sys.argv[1:] or ["admin:registration_registration_changelist"]
print("JSON " + json.dumps({name: figures(name) for name in names}))
