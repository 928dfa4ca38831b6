"""What the cost scripts (`bench/signup_cost.py`, `bench/manage_cost.py`) share: Django set up
with the bench's production settings against the database `make bench` leaves, and a request
sent straight through the WSGI handler, as gunicorn calls it (every middleware, the view)."""

import io
import os
import sys

from bench.run import ENV


def setup_django(cache_db: int) -> None:
    """The bench's settings, with the local Redis (6379, database `cache_db`) as the cache."""
    default_cache = f"rediscache://127.0.0.1:6379/{cache_db}"
    os.environ.update(ENV, CACHE_URL=os.environ.get("BENCH_COST_CACHE_URL", default_cache))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "miejsca_otwarte.settings")
    import django  # after the environment it reads

    django.setup()


def request(method: str, path: str, *, cookie: str, expect: str, body: bytes = b"", **headers: str) -> bytes:
    """The response's body; any other status than `expect` ("200", "302") ends the script."""
    from miejsca_otwarte.wsgi import application  # needs setup_django first

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": cookie,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        **headers,
    }
    status = []
    response = application(environ, lambda line, headers, *exc_info: status.append(line))
    content = b"".join(response)
    response.close()
    if not status[0].startswith(expect):
        sys.exit(f"{method} {path} answered {status[0]}")
    return content
