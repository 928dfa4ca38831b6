"""One attendee-list export of every registration, as the admin's export button makes it:
`python bench/export.py csv|xlsx|baseline OUT`. Calls `RegistrationAdmin.export_view` (the view behind
`admin:registration_registration_export`, no filters: the whole changelist) as the bench
superuser and writes the response to OUT. `bench/run.py` runs it under `/usr/bin/time -v` for the
seconds and the peak memory (which include starting Python and Django). Prints one JSON line."""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "miejsca_otwarte.settings")

import django  # noqa: E402

django.setup()

from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from registration.models import Registration  # noqa: E402

file_format, out = sys.argv[1], Path(sys.argv[2])
request = RequestFactory().get(f"/admin/registration/registration/export.{file_format}")
request.user = get_user_model().objects.get(username=os.environ.get("BENCH_ADMIN_USER", "bench"))
model_admin = admin.site._registry[Registration]
if file_format == "baseline":  # start-up only: the floor under the export's peak memory
    sys.exit()

started = time.monotonic()
response = model_admin.export_view(request, file_format)
with out.open("wb") as file:
    if response.streaming:
        for chunk in response.streaming_content:
            file.write(chunk)
    else:
        file.write(response.content)
seconds = time.monotonic() - started
print(
    "JSON "
    + json.dumps(
        {
            "status": response.status_code,
            "bytes": out.stat().st_size,
            "export_seconds": round(seconds, 3),
            "registrations": Registration.objects.count(),
        }
    )
)
