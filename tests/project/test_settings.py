"""Start-up behaviour that depends on the environment, checked in a clean subprocess."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(Path.home())}
    return subprocess.run(  # noqa: S603 (our own manage.py with fixed arguments)
        [sys.executable, "manage.py", *args],
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
