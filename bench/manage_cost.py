"""What the attendee's own pages cost, free of the machine's noise: `make bench-manage-cost`.

`python bench/manage_cost.py N` GETs the management page and the thanks page N times each straight
through the WSGI handler (as gunicorn calls it: every middleware, the view, the template) after 30
to warm up, for one person with a seat, a place on a waiting list, a paid meal awaiting its
transfer and a message from the organisers (made once, by the services, in the database
`make bench` builds: BENCH_DB, default mo_bench). It uses the bench's production settings and the
local Redis (6379, database 14) as the cache, and prints the CPU time per GET of each page.
`--instructions` runs it under valgrind for 10 and for 60 GETs and prints the difference per GET
in instructions: what a change of code is worth (docs/performance.md). The thanks page's count
repeats exactly; the management page's has moved by ~5 % between runs of the same code (where its
garbage collections fall), so compare it over two runs of each. `--profile` prints where the time
of the management page's GETs goes."""

import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.in_process import request, setup_django  # noqa: E402
from bench.instructions import instructions, require_valgrind  # noqa: E402
from bench.run import HOT_SLUG  # noqa: E402

setup_django(cache_db=14)

from attendees.services import sign_up  # noqa: E402
from catering.services import CateringRequest  # noqa: E402
from messaging.models import Message  # noqa: E402
from messaging.services import message_send  # noqa: E402
from program.models import Edition, ProgramItem  # noqa: E402
from registration.models import Registration  # noqa: E402
from registration.services import Person  # noqa: E402

WARM_UP = 30
FEW, MANY = 10, 60  # the two runs counted under valgrind
EMAIL = "manage-cost@example.com"


def person() -> Registration:
    """The bench's person: a seat on the hot item, a waiting place on a full one, a paid meal
    awaiting payment, one message from the organisers."""
    registration = Registration.objects.filter(email=EMAIL).first()
    if registration is not None:
        return registration
    edition = Edition.objects.current()
    hot = ProgramItem.objects.get(edition=edition, slug=HOT_SLUG)
    full = ProgramItem.objects.filter(edition=edition, capacity__isnull=False).exclude(pk=hot.pk)
    full = full.order_by("starts_at").first()
    if full is None or full.seats_taken < full.capacity:
        sys.exit("No full item: run `make bench` (or its seeding steps) first, it builds the data.")
    registration = sign_up(
        edition=edition,
        person=Person(
            first_name="Bench", last_name="Manage", email=EMAIL, town="Kraków", voivodeship="lesser_poland"
        ),
        days=list(edition.days.all()),  # the catering's day among them
        items=[hot, full],
        consents={"terms": True, "privacy": True},
        catering_request=CateringRequest(),
    )
    message_send(
        edition=edition,
        audience=Message.Audience.SELECTED,
        registrations=[registration],
        subject_pl="Zmiana sali",
        subject_en="A change of room",
        body_pl="Warsztat odbędzie się w sali 2.\nDo zobaczenia!",
        body_en="The workshop is in room 2.\nSee you!",
        sent_by=None,
    )
    return registration


registration = person()
PAGES = {
    "manage": f"/registration/manage/{registration.public_id}/{registration.manage_token}/",
    "thanks": f"/registration/thanks/{registration.public_id}/{registration.manage_token}/",
}


def get(path: str) -> bytes:
    return request("GET", path, cookie="django_language=pl", expect="200")


def cpu_per_get(page: str, count: int) -> float:
    for _ in range(WARM_UP):
        get(PAGES[page])
    started = time.process_time()
    for _ in range(count):
        get(PAGES[page])
    return (time.process_time() - started) / count * 1000


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments == ["--instructions"]:
        require_valgrind()
        for page in PAGES:
            per_get = (instructions(__file__, page, str(MANY)) - instructions(__file__, page, str(FEW))) / (
                MANY - FEW
            )
            print(f"{page}: {per_get / 1e6:.2f} M instructions per GET")
    elif arguments[:1] == ["--profile"]:
        page = arguments[1] if len(arguments) > 1 else "manage"
        cpu_per_get(page, 1)
        profile = cProfile.Profile()
        profile.runcall(lambda: [get(PAGES[page]) for _ in range(200)])
        pstats.Stats(profile).sort_stats("cumulative").print_stats(60)
    elif arguments and arguments[0] in PAGES:  # one page, under valgrind
        page, count = arguments[0], int(arguments[1])
        for _ in range(WARM_UP + count):
            get(PAGES[page])
    else:
        count = int(arguments[0]) if arguments else 300
        for page in PAGES:
            print(f"{page}: {cpu_per_get(page, count):.2f} ms of CPU per GET ({count} GETs)")
