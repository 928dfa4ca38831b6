"""Queries of one GET of the admin registration list, logged in as the bench superuser:
`python bench/admin_queries.py`. Django's test client against the bench database (the same
settings and environment as the served site); a first request warms the caches and the session,
the second is counted. Prints one JSON line."""

import json
import os
import sys
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
url = reverse("admin:registration_registration_changelist")
counts = []
for _ in range(2):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    counts.append(len(queries))
sql = [query["sql"][:160] for query in queries.captured_queries]
print("JSON " + json.dumps({"url": url, "queries": counts[1], "first_request": counts[0], "sql": sql}))
