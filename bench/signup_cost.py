"""What one sign-up costs, free of the machine's noise: `make bench-signup-cost`.

`python bench/signup_cost.py N` posts N complete sign-up forms for the bench's hot item straight
through the WSGI handler (as gunicorn calls it: every middleware, the CSRF check, the rate limit,
the form, the service, the commit) after 30 to warm up, against the database `make bench` built
and left behind, with the bench's production settings and the local Redis (6379, database 15) as
the cache; it prints the CPU time per sign-up. On a shared 2-core machine that drifts by ±20 %
between runs. `--instructions` runs it under valgrind for 20 and for 120 sign-ups and prints the
difference per sign-up in instructions, which repeats to within 0.5 %: what a change of code is
worth (docs/performance.md)."""

import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.in_process import request, setup_django  # noqa: E402
from bench.instructions import instructions, require_valgrind  # noqa: E402
from bench.run import HOT_SLUG  # noqa: E402

setup_django(cache_db=15)

from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret  # noqa: E402

from program.models import ProgramItem  # noqa: E402

WARM_UP = 30
FEW, MANY = 20, 120  # the two runs counted under valgrind

item = ProgramItem.objects.filter(slug=HOT_SLUG).first()
if item is None:
    sys.exit(f"No item {HOT_SLUG!r} in the database: run `make bench` first, it builds the data.")
day = next(day for day in item.edition.days.all() if day.date == item.day)
secret = _get_new_csrf_string()
token = _mask_cipher_secret(secret)


def sign_up() -> None:
    key = uuid.uuid4()
    fields = {
        "csrfmiddlewaretoken": token,
        "first_name": "Bench",
        "last_name": "Signup",
        "email": f"c{key}@example.com",
        "town": "Kraków",
        "voivodeship": "lesser_poland",
        "organisation_type": "ngo",
        "accept_terms": "on",
        "submission_key": str(key),
        "days": day.pk,
        "items": item.pk,
    }
    body = "&".join(f"{name}={value}" for name, value in fields.items()).encode()
    request(
        "POST",
        "/registration/",
        cookie=f"csrftoken={secret}; django_language=pl",
        expect="302",
        body=body,
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(len(body)),
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--instructions"]:
        require_valgrind()
        per_sign_up = (instructions(__file__, str(MANY)) - instructions(__file__, str(FEW))) / (MANY - FEW)
        print(f"{per_sign_up / 1e6:.2f} M instructions per sign-up")
        sys.exit()
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    for _ in range(WARM_UP):
        sign_up()
    started = time.process_time()
    for _ in range(count):
        sign_up()
    print(f"{(time.process_time() - started) / count * 1000:.2f} ms of CPU per sign-up ({count} sign-ups)")
