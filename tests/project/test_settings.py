"""Start-up behaviour that depends on the environment, checked in a clean subprocess."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def manage(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(Path.home())}
    return subprocess.run(  # noqa: S603 (our own manage.py with fixed arguments)
        [sys.executable, "manage.py", *args],
        input=stdin,
        cwd=BASE_DIR,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_start_without_secret_key_is_refused_with_a_clear_message():
    result = manage("check")

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set." in result.stderr
    assert "set DEBUG=1 for local development" in result.stderr


def test_development_start_needs_no_secret_key():
    result = manage("check", DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_check_passes_with_a_secret_key():
    result = manage("check", SECRET_KEY="x" * 60, ALLOWED_HOSTS="example.org")

    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_collectstatic_with_manifest_storage():
    # STATIC_ROOT is fixed in settings; collect into the project and check the manifest names.
    result = manage("collectstatic", "--noinput", "--clear", DEBUG="0", SECRET_KEY="x")

    assert result.returncode == 0, result.stderr
    manifest = BASE_DIR / "staticfiles" / "staticfiles.json"
    assert manifest.exists()
    paths = manifest.read_text()
    assert '"css/site.css"' in paths
    assert '"vendor/bootstrap/css/bootstrap.min.css"' in paths


SQLITE_SIGN_UPS = """
from program.models import Edition, ProgramItem
from registration import services
from tests.factories import sign_up

edition = Edition.objects.get(is_current=True)
item = ProgramItem.objects.filter(edition=edition, capacity__isnull=False).first()
ProgramItem.objects.filter(pk=item.pk).update(capacity=2)
people = [sign_up(edition, [item]) for _ in range(3)]
services.registration_cancel(registration=people[0])
item.refresh_from_db()
places = [(b.status, b.waitlist_position) for p in people[1:] for b in p.bookings.all()]
print(item.seats_taken, item.waitlist_length, places)
"""


@pytest.mark.slow
def test_the_newcomers_sqlite_site_signs_people_up(tmp_path):
    """`make run` serves from SQLite: the registration services' SQL must work there too (the
    suite itself runs on PostgreSQL)."""
    env = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    for command in (["migrate", "-v", "0"], ["load_edition", "--upcoming"]):
        assert manage(*command, **env).returncode == 0
    result = manage("shell", "-v", "0", stdin=SQLITE_SIGN_UPS, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2 0 [('confirmed', None), ('confirmed', None)]"


WSGI_LOADED = """
import sys
import miejsca_otwarte.wsgi
from django.utils.translation import trans_real
print(
    "attendees.views" in sys.modules,
    "redis" in sys.modules,
    sorted(trans_real._translations),
)
"""


def test_the_wsgi_module_loads_what_workers_would_load_on_their_first_request():
    """gunicorn imports it before forking (preload_app): views, the Redis client and the message
    catalogues are then shared by every worker, and a recycled worker serves at once."""
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(Path.home())}
    env = {
        **clean_env,
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "example.org",
        "CACHE_URL": "rediscache://127.0.0.1:6379/9",
    }
    result = subprocess.run(  # noqa: S603 (our own module, fixed code)
        [sys.executable, "-c", WSGI_LOADED], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True ['en', 'pl']"


@pytest.mark.parametrize(("setting", "prepared"), [(None, "2147483647"), ("0", "None")])
def test_prepared_statements_on_postgresql_unless_a_pooler_needs_them_off(setting, prepared):
    env = {"DEBUG": "1", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused"}
    if setting is not None:
        env["DATABASE_PREPARED_STATEMENTS"] = setting
    options = "settings.DATABASES['default']['OPTIONS']"
    code = f"from django.conf import settings; print({options}.get('prepare_threshold'))"
    result = manage("shell", "-v", "0", "-c", code, **env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == prepared
