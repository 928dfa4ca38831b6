"""gunicorn.conf.py: the production server's settings, read from the environment."""

import runpy

from tests.reliability.conftest import BASE_DIR

CONFIG = BASE_DIR / "gunicorn.conf.py"


def test_workers_are_recycled_rarely_by_default(monkeypatch):
    """A new worker starts without the pages, templates and prepared statements its predecessor
    kept: in a rush of 2,000 requests/s, recycling every 2,000 requests cost the cached pages a
    quarter of their rate (docs/performance.md)."""
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    config = runpy.run_path(str(CONFIG))
    assert config["max_requests"] >= 20_000
    assert 0 < config["max_requests_jitter"] < config["max_requests"]


def test_the_recycling_is_set_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "5000")
    config = runpy.run_path(str(CONFIG))
    assert (config["max_requests"], config["max_requests_jitter"]) == (5000, 500)
