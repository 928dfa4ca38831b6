# ruff: noqa: S603, S608 (a harness: runs our own commands and SQL with our own constants)
"""`make bench`: build the benchmark database, serve the site and a bare-Django floor under the
same gunicorn set-up, drive both with wrk, check the data, print the table and write
bench/results.json and the table in docs/performance.md. Exits 1 when a figure misses its target.

`make bench-large` (BENCH_SIZE=large): the same at ten times the conference, 50,000 registrations
and 200 program items, judged on the targets of that size (`LARGE_TARGETS`); written to
bench/results-large.json and its own table in docs/performance.md.

Environment: BENCH_SIZE (small or large), BENCH_DURATION (seconds per figure, default 10),
BENCH_WARMUP (default 2), BENCH_REGISTRATIONS (default 5000, large 50000), BENCH_ITEMS (default
the edition's own 24, large 200), BENCH_MAILS (default 400), BENCH_DB (default mo_bench, large
mo_bench_large), PGHOST/PGPORT/PGUSER (default 127.0.0.1, 5432, postgres)."""

import datetime as dt
import http.cookiejar
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
SIZE = os.environ.get("BENCH_SIZE", "small")
if SIZE not in ("small", "large"):
    sys.exit(f"BENCH_SIZE is small or large, not {SIZE!r}")
LARGE = SIZE == "large"
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "2"))
CONNECTIONS = 16
PG = {
    "host": os.environ.get("PGHOST", "127.0.0.1"),
    "port": os.environ.get("PGPORT", "5432"),
    "user": os.environ.get("PGUSER", "postgres"),
}
DB = os.environ.get("BENCH_DB", "mo_bench_large" if LARGE else "mo_bench")
RESULTS = BENCH / ("results-large.json" if LARGE else "results.json")
SMALL_RESULTS = BENCH / "results.json"  # the large size's shares are judged against them
MARKER = "bench-large" if LARGE else "bench"  # its table's markers in docs/performance.md
SITE, FLOOR, REDIS, SMTP = 8101, 8102, 6391, 8125
# The mail server the workers send to: it takes every mail and keeps none.
MAIL_SINK = (PY, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{SMTP}", "-c", "aiosmtpd.handlers.Sink")
# One `db_worker` per core, as docs/deployment.md runs them (the queue hands out tasks with SKIP LOCKED).
MAIL_WORKERS = int(os.environ.get("BENCH_MAIL_WORKERS", os.cpu_count() or 1))
HOT_SLUG = "wieczorne-spotkanie-sieciowanie"  # capacity 80: a few seats, then the waiting list
# Every public GET page (figure, path, label); the management page, per person, comes after them.
PUBLIC_PAGES = [
    ("home", "/"),
    ("program", "/program/"),
    ("item", f"/program/{HOT_SLUG}/"),
    ("form", "/registration/"),  # per visitor: a CSRF cookie and token
    ("seats", "/registration/seats.json"),
    ("ics", "/program/program.ics"),
    ("resend_link", "/registration/link/"),
    ("privacy", "/registration/privacy/"),
    ("accessibility", "/accessibility/"),
    ("contact", "/contact/"),
]
# What every browser sends: the pages without a visitor's slot come compressed (program.pages).
BROWSER_ACCEPT_ENCODING = "Accept-Encoding: gzip, deflate, br"
PAGE_LABELS = {
    "home": "home",
    "program": "program",
    "item": "item detail",
    "form": "sign-up form (GET, new visitor)",
    "seats": "seats left (JSON)",
    "ics": "program calendar (.ics)",
    "resend_link": "“my registration” link form",
    "privacy": "privacy information",
    "accessibility": "accessibility statement",
    "contact": "contact",
}
ADMIN_USER, ADMIN_PASSWORD = "bench", "bench-password-not-secret"  # a throwaway database

ENV = {
    **os.environ,
    "DATABASE_URL": f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DB}",
    "DEBUG": "0",
    "SECRET_KEY": "bench-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
    "HTTPS": "0",  # production settings, but plain http on loopback (no TLS proxy in front)
    "WEB_CONCURRENCY": "4",  # gunicorn.conf.py reads it: the four workers
    "SITE_URL": f"http://127.0.0.1:{SITE}",
    # Shared by the four workers, so a bump of the program version reaches all of them.
    "CACHE_URL": f"rediscache://127.0.0.1:{REDIS}/0",
    "CONN_MAX_AGE": "60",
    "RATELIMIT_SIGNUP": "1000000/s",  # one address sends every sign-up
    "EMAIL_URL": f"smtp://127.0.0.1:{SMTP}",
    "LOG_LEVEL": "WARNING",
    "BENCH_HOT_SLUG": HOT_SLUG,
    "BENCH_LUA_DIR": str(BENCH / "wrk"),
    "PYTHONUNBUFFERED": "1",
}
if LARGE:
    ENV.setdefault("BENCH_REGISTRATIONS", "50000")
    ENV.setdefault("BENCH_ITEMS", "200")
ADMIN_PAGES = {"admin_list": "admin:registration_registration_changelist", "dashboard": "admin_dashboard"}


def admin_met(figure: dict, *, median_ms: float, queries: int) -> bool:
    return (
        0 < figure["requests"] == figure["2xx"]
        and figure["p50_ms"] <= median_ms
        and figure["queries"] <= queries
    )


def small_share(name: str) -> float:
    """The figure's share of the floor in the last run of the small size (bench/results.json)."""
    if not SMALL_RESULTS.exists():
        sys.exit(f"{SMALL_RESULTS.name} is needed: the large size is judged against `make bench`'s shares")
    return json.loads(SMALL_RESULTS.read_text())[name]["ratio"]


def near_small_share(r: dict, name: str) -> bool:
    """Within 10 % of the small size's share (or above it)."""
    return r[name]["ratio"] >= 0.9 * r["small_shares"][name]


def consistent_signup(r: dict) -> bool:
    return r["signup"]["p99_ms"] <= 250 and r["signup"]["5xx"] == 0 and r["signup"]["consistent"]


DASHBOARD_TARGET = (
    "median ≤ 200 ms, ≤ 15 queries, all 2xx",
    lambda r: admin_met(r["dashboard"], median_ms=200, queries=15),
)
ADMIN_LIST_TARGET = (
    "median ≤ 150 ms, ≤ 10 queries, all 2xx",
    lambda r: admin_met(r["admin_list"], median_ms=150, queries=10),
)
SMALL_TARGETS = {
    # figure: (description, test)
    "home": ("≥ 40 % of floor text", lambda r: r["home"]["ratio"] >= 0.40),
    "program": ("≥ 40 % of floor text", lambda r: r["program"]["ratio"] >= 0.40),
    "item": ("≥ 40 % of floor text", lambda r: r["item"]["ratio"] >= 0.40),
    "form": ("≥ 20 % of floor text", lambda r: r["form"]["ratio"] >= 0.20),
    "manage": (
        "≥ 10 % of floor text, median ≤ 30 ms",
        lambda r: r["manage"]["ratio"] >= 0.10 and r["manage"]["p50_ms"] <= 30,
    ),
    "signup": (
        "≥ 35 % of floor lock + insert, p99 ≤ 250 ms, no 5xx, no overbooking",
        lambda r: r["signup"]["ratio"] >= 0.35 and consistent_signup(r),
    ),
    "journey": (
        "≥ 50 % of sign-up POST rate, no errors, no overbooking",
        lambda r: (
            r["journey"]["ratio"] >= 0.50 and r["journey"]["errors"] == 0 and r["journey"]["consistent"]
        ),
    ),
    "mail": ("≥ 50 mails/s", lambda r: r["mail"]["rps"] >= 50),
    "admin_list": ADMIN_LIST_TARGET,
    "dashboard": DASHBOARD_TARGET,
    "export_csv": ("≤ 1 s, peak RSS ≤ 150 MB", lambda r: export_met(r["export_csv"], seconds=1)),
    "export_xlsx": ("≤ 3 s, peak RSS ≤ 150 MB", lambda r: export_met(r["export_xlsx"], seconds=3)),
}
# Ten times the conference (issue #18): the busiest pages keep their share of the floor, the
# organisers' pages and exports stay within what an organiser waits for.
LARGE_TARGETS = {
    "program": (
        "≥ 90 % of its small-size share",
        lambda r: near_small_share(r, "program"),
    ),
    "signup": (
        "≥ 90 % of its small-size share, p99 ≤ 250 ms, no 5xx, no overbooking",
        lambda r: near_small_share(r, "signup") and consistent_signup(r),
    ),
    "admin_list": ADMIN_LIST_TARGET,
    "dashboard": DASHBOARD_TARGET,
    "export_csv": ("≤ 5 s, peak RSS ≤ 150 MB", lambda r: export_met(r["export_csv"], seconds=5)),
    "export_xlsx": ("≤ 20 s, peak RSS ≤ 150 MB", lambda r: export_met(r["export_xlsx"], seconds=20)),
}
TARGETS = LARGE_TARGETS if LARGE else SMALL_TARGETS
EXPORT_PEAK_MB = 150
EXPORT_TO = Path(tempfile.gettempdir()) / "mo-bench-attendees"  # .csv, .xlsx
TIME = Path("/usr/bin/time")  # GNU time (Debian package `time`), not the shell's keyword


def export_met(figure: dict, *, seconds: float) -> bool:
    """Judged on the export's own time (what an organiser waits for after clicking: the web server
    has started long before) and on the whole process's peak memory."""
    return (
        figure["status"] == 200
        and figure["export_seconds"] <= seconds
        and figure["peak_mb"] <= EXPORT_PEAK_MB
    )


def log(message: str) -> None:
    print(f"[bench {dt.datetime.now():%H:%M:%S}] {message}", flush=True)


def run(*args, **kwargs) -> str:
    result = subprocess.run(args, cwd=ROOT, env=ENV, capture_output=True, text=True, **kwargs)
    if result.returncode:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}")
    return result.stdout


def manage(*args, stdin: Path | None = None) -> str:
    if stdin is None:
        return run(PY, "manage.py", *args)
    return run(PY, "manage.py", *args, input=stdin.read_text())


def psql(sql: str) -> str:
    return run("psql", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], "-d", DB, "-Atqc", sql).strip()


def build_database() -> None:
    log(f"fresh database {DB}")
    pg = ["-h", PG["host"], "-p", PG["port"], "-U", PG["user"]]
    run("dropdb", *pg, "--if-exists", "--force", DB)
    run("createdb", *pg, DB)
    manage("migrate", "--noinput", "-v", "0")
    manage("compilemessages", "--ignore=.venv", "--ignore=node_modules", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    manage("load_edition", "--upcoming")
    log(manage("shell", "-v", "0", stdin=BENCH / "seed.py").strip())
    subprocess.run(
        [
            PY,
            "manage.py",
            "createsuperuser",
            "--noinput",
            "--username",
            ADMIN_USER,
            "--email",
            "b@example.com",
        ],
        cwd=ROOT,
        env={**ENV, "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD},
        check=True,
        capture_output=True,
    )
    psql(
        "CREATE TABLE bench_floor_counter (id int PRIMARY KEY, n bigint NOT NULL);"
        "INSERT INTO bench_floor_counter VALUES (1, 0);"
        "CREATE TABLE bench_floor_row (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL);"
    )
    # The statistics autovacuum keeps on a live database: without them (a server run with
    # autovacuum off, as here) the planner scanned the whole registrations table for one person's
    # private page, and a prepared statement keeps its plan for the connection's life.
    psql("ANALYZE")


def gunicorn_args(port: int) -> list[str]:
    """The repository's gunicorn.conf.py when there is one (the bind is ours), else its defaults."""
    bind = ["--bind", f"127.0.0.1:{port}"]
    if (ROOT / "gunicorn.conf.py").exists():
        return ["--config", "gunicorn.conf.py", *bind]
    return ["--workers", "4", "--worker-class", "sync", *bind]


class Processes:
    """What the harness starts; stopped (by their own handles) however the run ends. Each one's
    stderr goes to a file of its own in `logs` (a pipe nobody reads would stop a server that
    logs more than the pipe holds: a run with many errors would hang instead of counting them)."""

    def __init__(self):
        self.started: list[subprocess.Popen] = []
        self.logs = Path(tempfile.mkdtemp(prefix="mo-bench-"))

    def start(self, *args, env=None) -> subprocess.Popen:
        log_path = self.logs / f"{len(self.started) + 1}-{Path(str(args[0])).name}.log"
        with log_path.open("w") as stderr:
            stderr.write(" ".join(map(str, args)) + "\n")
            stderr.flush()
            process = subprocess.Popen(
                args, cwd=ROOT, env=env or ENV, stdout=subprocess.DEVNULL, stderr=stderr
            )
        self.started.append(process)
        return process

    def stop(self) -> None:
        for process in reversed(self.started):
            process.terminate()
        for process in self.started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 (loopback)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def wait_for_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def wrk(
    url: str, *, script: str = "report.lua", connections: int = CONNECTIONS, threads: int = 2, headers=()
) -> dict:
    args = ["wrk", "-t", str(threads), "-c", str(connections), "-s", str(BENCH / "wrk" / script)]
    args += ["--timeout", "5s"]
    for header in headers:
        args += ["-H", header]
    run(*args, "-d", f"{WARMUP}s", url)
    output = run(*args, "-d", f"{DURATION}s", url)
    return json.loads(re.search(r"^JSON (.*)$", output, re.M).group(1))


def csrf_cookie(url: str) -> str:
    jar = http.cookiejar.CookieJar()
    urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)).open(url).read()
    return next(cookie.value for cookie in jar if cookie.name == "csrftoken")


def admin_session(base: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/admin/login/").read()
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    form = {
        "username": ADMIN_USER,
        "password": ADMIN_PASSWORD,
        "csrfmiddlewaretoken": token,
        "next": "/admin/",
    }
    opener.open(f"{base}/admin/login/", urllib.parse.urlencode(form).encode()).read()
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def measure_mail(workers: int) -> dict:
    """Queue BENCH_MAILS confirmations, start `workers` `db_worker --batch` processes at once and
    wait until they have drained the queue. The rate is taken from the tasks' own timestamps
    (first started to last finished), so the workers' Python and Django start-up is left out."""
    log(manage("shell", "-v", "0", stdin=BENCH / "mails.py").strip())
    queued = int(psql("SELECT count(*) FROM registration_outgoingmail WHERE state = 'queued'"))
    command = [PY, "manage.py", "db_worker", "--batch", "--no-startup-delay"]
    started = time.monotonic()
    for process in [
        subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(workers)
    ]:
        process.wait()
    seconds = time.monotonic() - started
    sent = int(psql("SELECT count(*) FROM registration_outgoingmail WHERE state = 'sent'"))
    draining = float(
        psql(
            "SELECT extract(epoch FROM max(finished_at) - min(started_at)) "
            "FROM django_tasks_database_dbtaskresult WHERE status = 'SUCCESSFUL'"
        )
    )
    return {
        "workers": workers,
        "queued": queued,
        "sent": sent,
        "seconds": round(seconds, 2),
        "draining_s": round(draining, 2),
        "rps": round(sent / draining, 2),
    }


def timed(*args) -> dict:
    """`/usr/bin/time -v` around one of our scripts: wall-clock seconds and maximum resident set
    size of the whole process, plus the JSON line the script prints."""
    result = subprocess.run([str(TIME), "-v", *args], cwd=ROOT, env=ENV, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}")
    elapsed = re.search(r"Elapsed \(wall clock\) time.*?: (.+)", result.stderr).group(1).strip()
    seconds = sum(float(part) * 60**i for i, part in enumerate(reversed(elapsed.split(":"))))
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    printed = re.search(r"^JSON (.*)$", result.stdout, re.M)
    figure = json.loads(printed.group(1)) if printed else {}
    return {**figure, "seconds": round(seconds, 2), "peak_mb": round(peak_kb / 1024, 1)}


def measure_exports() -> dict:
    """CSV and XLSX of every registration through the admin's export view (`bench/export.py`), and
    the same process doing no export (Python + Django + the admin loaded): its peak is the baseline
    inside each export's figure."""
    figures = {"export_baseline": timed(PY, "bench/export.py", "baseline", str(EXPORT_TO))}
    for file_format in ("csv", "xlsx"):
        log(f"export {file_format}")
        figures[f"export_{file_format}"] = timed(
            PY, "bench/export.py", file_format, str(EXPORT_TO.with_suffix(f".{file_format}"))
        )
    return figures


def machine() -> dict:
    model = re.search(r"Model name:\s*(.+)", run("lscpu"))
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return {
        "nproc": os.cpu_count(),
        "cpu": model.group(1).strip() if model else platform.processor(),
        "ram_gb": round(mem_kb / 1024**2, 1),
        "python": platform.python_version(),
        "postgresql": psql("SHOW server_version"),
        "gunicorn": "gunicorn.conf.py"
        if (ROOT / "gunicorn.conf.py").exists()
        else "--workers 4 --worker-class sync",
    }


def main() -> int:
    for tool in ("wrk", "psql", "redis-server"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed (Debian: apt-get install wrk postgresql-client redis-server)")
    if not os.access(TIME, os.X_OK):
        sys.exit(f"{TIME} (GNU time) is needed for the export figures (Debian: apt-get install time)")
    load_before = os.getloadavg()
    small_shares = {name: small_share(name) for name in ("program", "signup")} if LARGE else {}
    processes = Processes()
    log(f"the servers' logs: {processes.logs}")
    try:
        # The cache first: saving the program bumps its version there.
        processes.start(
            "redis-server", "--port", str(REDIS), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"
        )
        wait_for_port(REDIS)
        build_database()
        processes.start(*MAIL_SINK)
        processes.start(PY, "-m", "gunicorn", *gunicorn_args(SITE), "miejsca_otwarte.wsgi")
        processes.start(
            PY,
            "-m",
            "gunicorn",
            *gunicorn_args(FLOOR),
            "bench.floor.wsgi",
            env={**ENV, "DJANGO_SETTINGS_MODULE": "bench.floor.settings"},
        )
        site, floor = f"http://127.0.0.1:{SITE}", f"http://127.0.0.1:{FLOOR}"
        wait_for(f"{site}/")
        wait_for(f"{floor}/text")
        results = measure(site, floor, processes)
    finally:
        processes.stop()
    results["size"] = SIZE
    results["small_shares"] = small_shares
    results["machine"] = machine()
    results["load"] = {
        "before": [round(x, 2) for x in load_before],
        "after": [round(x, 2) for x in os.getloadavg()],
    }
    results["settings"] = {"duration_s": DURATION, "warmup_s": WARMUP, "connections": CONNECTIONS}
    results["when"] = dt.datetime.now().isoformat(timespec="seconds")
    failed = [name for name, (_, test) in TARGETS.items() if not test(results)]
    results["missed"] = failed
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    table = render_table(results)
    print(table)
    write_doc(results, table)
    if failed:
        log("missed targets: " + ", ".join(failed))
    return 1 if failed else 0


def check_data() -> dict:
    """`bench/check.py` after the sign-ups: no overbooking, gapless waiting lists, counters match."""
    check = subprocess.run(
        [PY, "manage.py", "shell", "-v", "0"],
        input=(BENCH / "check.py").read_text(),
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
    )
    hot_item = psql(
        "SELECT seats_taken || ' seats of ' || capacity || ', ' || waitlist_length || ' waiting' "
        f"FROM program_programitem WHERE slug = '{HOT_SLUG}'"
    )
    return {"consistent": check.returncode == 0, "check": check.stdout.strip(), "hot_item": hot_item}


def measure(site: str, floor: str, processes: Processes) -> dict:
    r: dict = {}
    log("floor")
    r["floor_text"] = wrk(f"{floor}/text")
    r["floor_lock"] = wrk(f"{floor}/lock")
    ids = psql(
        "SELECT i.slug, i.id, (SELECT min(d.id) FROM program_conferenceday d "
        "WHERE d.edition_id = i.edition_id AND d.date = (i.starts_at AT TIME ZONE 'Europe/Warsaw')::date) "
        f"FROM program_programitem i WHERE i.slug = '{HOT_SLUG}'"
    ).split("|")
    hot_id, hot_day = ids[1], ids[2]
    manage_path = psql(
        "SELECT '/registration/manage/' || public_id || '/' || manage_token || '/' "
        "FROM registration_registration r "
        "WHERE EXISTS (SELECT 1 FROM registration_booking b WHERE b.registration_id = r.id) "
        "ORDER BY id LIMIT 1"
    )
    for name, path in [*PUBLIC_PAGES, ("manage", manage_path)]:
        log(name)
        r[name] = wrk(site + path, headers=(BROWSER_ACCEPT_ENCODING,))
    # Before the sign-ups: the list, the dashboard and the exports see exactly the seeded people.
    admin_figures = json.loads(
        re.search(r"^JSON (.*)$", run(PY, "bench/admin_queries.py", *ADMIN_PAGES.values()), re.M).group(1)
    )
    session = admin_session(site)
    for name, url_name in ADMIN_PAGES.items():
        log(name.replace("_", " "))
        r[name] = wrk(site + admin_figures[url_name]["url"], connections=2, headers=[f"Cookie: {session}"])
        r[name].update(admin_figures[url_name])
    r.update(measure_exports())
    log("sign-up")
    ENV.update(
        BENCH_CSRF=csrf_cookie(f"{site}/registration/"),
        BENCH_DAY=hot_day,
        BENCH_ITEM=hot_id,
    )
    r["signup"] = signup = wrk(f"{site}/registration/", script="signup.lua")
    # A sign-up answers 302; the warm-up's sign-ups are left out of the count.
    signup["rps"] = round(signup["3xx"] / signup["seconds"], 2)
    signup.update(check_data())
    log("opening-rush journey")
    # One thread per visitor: each thread's Lua state carries its visitor from step to step.
    r["journey"] = journey = wrk(site + "/", script="journey.lua", threads=CONNECTIONS)
    journey.update(check_data())
    journey["ratio"] = round(journey["rps"] / signup["rps"], 3) if signup["rps"] else 0
    log("mail worker, one process")
    r["mail_single"] = measure_mail(1)
    log(f"mail workers, {MAIL_WORKERS} processes")
    r["mail"] = measure_mail(MAIL_WORKERS)
    for name in [name for name, _ in PUBLIC_PAGES] + ["manage", *ADMIN_PAGES]:
        r[name]["ratio"] = round(r[name]["rps"] / r["floor_text"]["rps"], 3)
    signup["ratio"] = round(signup["rps"] / r["floor_lock"]["rps"], 3)
    return r


def render_table(r: dict) -> str:
    people = f"{r['export_csv']['registrations']:,}"
    rows = [
        ("floor: text view", r["floor_text"], "rps", ""),
        ("floor: lock + insert", r["floor_lock"], "rps", ""),
        *((PAGE_LABELS[name], r[name], "rps", name) for name, _ in PUBLIC_PAGES),
        ("management page (GET)", r["manage"], "rps", "manage"),
        ("sign-up, one hot item", r["signup"], "sign-ups/s", "signup"),
        (
            f"admin registration list, {people} (2 conn.; {r['admin_list']['queries']} queries)",
            r["admin_list"],
            "rps",
            "admin_list",
        ),
        (
            f"admin dashboard, {people} (2 conn.; {r['dashboard']['queries']} queries)",
            r["dashboard"],
            "rps",
            "dashboard",
        ),
    ]
    missed = set(r["missed"])

    def judged(key: str) -> str:
        """The target and whether it was met, two cells; empty for a figure without one."""
        if key not in TARGETS:
            return " | "
        return f"{TARGETS[key][0]} | {'no' if key in missed else 'yes'}"

    lines = [
        "| Figure | Throughput | Share of floor | Median ms | p99 ms | 5xx | Target | Met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for label, f, unit, key in rows:
        share = f"{f['ratio']:.0%}" if "ratio" in f else "—"
        if key in r.get("small_shares", {}):
            share += f" (small size: {r['small_shares'][key]:.0%})"
        lines.append(
            f"| {label} | {f['rps']:.1f} {unit} | {share} | {f['p50_ms']:.1f} | {f['p99_ms']:.1f} "
            f"| {f['5xx']} | {judged(key)} |"
        )
    j = r["journey"]
    lines.append(
        f"| opening-rush journey (7 steps, wrk, {CONNECTIONS} visitors) "
        f"| {j['rps']:.1f} journeys/s | {j['ratio']:.0%} of sign-up | — | — | — | {judged('journey')} |"
    )
    m, m1 = r["mail"], r["mail_single"]
    lines.append(
        f"| mail worker, one process (PDF ticket each) | {m1['rps']:.1f} mails/s | — | — | — | — |  |  |"
    )
    lines.append(
        f"| mail workers, {m['workers']} processes (one per core) | {m['rps']:.1f} mails/s | — | — | — | — "
        f"| {judged('mail')} |"
    )
    for key, label in (("export_csv", "CSV"), ("export_xlsx", "XLSX")):
        e = r[key]
        lines.append(
            f"| {label} export, {e['registrations']:,} (admin view) | {e['export_seconds']:.2f} s "
            f"({e['seconds']:.2f} s with start-up), {e['peak_mb']:.0f} MB peak RSS | — | — | — | — "
            f"| {judged(key)} |"
        )
    lines.append("")
    lines.append(f"Sign-up check: {r['signup']['check']} Hot item afterwards: {r['signup']['hot_item']}.")
    steps = ", ".join(f"{step} {t['p50_ms']:.0f}/{t['p99_ms']:.0f}" for step, t in j["steps"].items())
    lines.append(
        f"Journey: {j['journeys']} complete in {j['seconds']} s, {j['errors']} errors {j['error_kinds']}; "
        f"median/p99 ms per step: {steps}. Check afterwards: {j['check']} Hot item: {j['hot_item']}."
    )
    s = r["signup"]
    lines.append(
        f"Sign-up responses: {s['3xx']} redirects (sign-ups), {s['4xx']} 4xx, {s['5xx']} 5xx, "
        f"{s['socket_errors']} socket errors, {s['timeouts']} timeouts."
    )
    lines.append(
        f"Mail worker: one process sent {m1['sent']} of {m1['queued']} in {m1['draining_s']} s "
        f"({m1['seconds']} s with start-up); {m['workers']} processes sent {m['sent']} of {m['queued']} "
        f"in {m['draining_s']} s ({m['seconds']} s with start-up)."
    )
    b, csv_, xlsx = r["export_baseline"], r["export_csv"], r["export_xlsx"]
    lines.append(
        f"Exports: `/usr/bin/time -v` around `bench/export.py` (the admin's export view, whole list), "
        f"so seconds and peak RSS are the whole process, Python and Django start-up included; the same "
        f"process without the export peaks at {b['peak_mb']:.0f} MB in {b['seconds']:.2f} s. The export "
        f"itself: CSV {csv_['export_seconds']:.2f} s ({csv_['bytes'] / 1024:,.0f} KiB), "
        f"XLSX {xlsx['export_seconds']:.2f} s ({xlsx['bytes'] / 1024:,.0f} KiB)."
    )
    a, d = r["admin_list"], r["dashboard"]
    lines.append(
        f"Admin registration list and dashboard: {a['queries']} and {d['queries']} queries per GET "
        f"counted with the test client (`bench/admin_queries.py`, after one warm-up request; the first "
        f"took {a['first_request']} and {d['first_request']}); in-process, one at a time, a median of "
        f"{a['in_process_ms']:.0f} and {d['in_process_ms']:.0f} ms."
    )
    return "\n".join(lines)


def write_doc(r: dict, table: str) -> None:
    doc = ROOT / "docs" / "performance.md"
    m = r["machine"]
    block = (
        f"<!-- {MARKER}:begin (written by make {MARKER}) -->\n"
        f"Run {r['when']}: {m['nproc']} × {m['cpu']}, {m['ram_gb']} GB RAM, Python {m['python']}, "
        f"PostgreSQL {m['postgresql']}, gunicorn {m['gunicorn']}; {r['settings']['duration_s']} s per figure "
        f"after {r['settings']['warmup_s']} s warm-up, {r['settings']['connections']} connections. "
        f"Load average before {r['load']['before']}, after {r['load']['after']}.\n\n{table}\n"
        f"<!-- {MARKER}:end -->"
    )
    empty = f"<!-- {MARKER}:begin -->\n<!-- {MARKER}:end -->\n"
    text = doc.read_text() if doc.exists() else f"# Performance\n\n{empty}"
    if f"<!-- {MARKER}:begin" not in text:
        text += f"\n{empty}"
    text = re.sub(rf"<!-- {MARKER}:begin.*?<!-- {MARKER}:end -->", lambda _: block, text, flags=re.S)
    doc.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
