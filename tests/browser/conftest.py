"""Real-browser tests: pytest-playwright driving Debian's chromium against pytest-django's live server.

`playwright install` downloads browsers and cannot work here; Debian's /usr/bin/chromium is used instead
(scripts/ensure-services.sh installs it when missing and run as root).
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the tests
# themselves (loading data) are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists() or os.environ.get("CI"):
        return  # in CI a missing browser must fail, not skip
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing: apt-get install chromium (make test does it as root)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A visitor from Poland: the site answers in Polish.
    return {**browser_context_args, "locale": "pl-PL", "timezone_id": "Europe/Warsaw"}
