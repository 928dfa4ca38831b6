"""The shared cache is django-redis: one client per server, an increment in one round trip that
keeps the key's expiry (the rate limits count with it); and each process's own copies of what
nearly every request reads from it (common.local_copies)."""

import subprocess
import sys
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django_redis.cache import RedisCache

from common.local_copies import LocalCopies


@pytest.fixture
def redis_cache():
    cache = RedisCache("redis://127.0.0.1:6379/7", {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield cache
    cache.clear()


def test_settings_choose_django_redis_for_a_redis_url():
    """A `rediscache://` or `redis://` CACHE_URL ends up on django-redis (settings.py)."""
    script = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    for url in ("rediscache://127.0.0.1:6379/1", "redis://127.0.0.1:6379/1"):
        printed = subprocess.run(  # noqa: S603 (our own interpreter and a fixed script)
            [sys.executable, "-c", f"import django; django.setup(); {script}"],
            env={
                "DJANGO_SETTINGS_MODULE": "miejsca_otwarte.settings",
                "DEBUG": "1",
                "CACHE_URL": url,
                "PATH": "",
            },
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert printed == "django_redis.cache.RedisCache"


def test_reuses_one_client_and_still_works(redis_cache):
    redis_cache.set("seats", 3)
    assert redis_cache.get_many(["seats", "missing"]) == {"seats": 3}
    assert redis_cache.incr("seats") == 4
    assert redis_cache.client.get_client(write=True) is redis_cache.client.get_client(write=False)


def test_incr_is_one_round_trip_and_keeps_the_expiry(redis_cache, monkeypatch):
    redis_cache.add("attempts", 1, timeout=60)
    client = redis_cache.client.get_client(write=True)
    sent, send = [], client.execute_command
    monkeypatch.setattr(
        client, "execute_command", lambda *args, **options: sent.append(args[0]) or send(*args, **options)
    )
    assert redis_cache.incr("attempts") == 2
    assert sent == ["EVAL"]
    assert redis_cache.incr("attempts", 5) == 7
    assert 0 < client.ttl(redis_cache.make_key("attempts")) <= 60


def test_incr_of_a_missing_key_fails_as_django_says(redis_cache):
    with pytest.raises(ValueError, match="not found"):
        redis_cache.incr("never-set")
    assert redis_cache.get("never-set") is None


def test_django_backend_builds_a_client_per_call():
    """The control: Django's own backend gives every call a new client object."""
    django_cache = DjangoRedisCache("redis://127.0.0.1:6379/7", {})
    assert django_cache._cache.get_client() is not django_cache._cache.get_client()


class TestLocalCopies:
    def test_held_for_the_set_seconds_then_loaded_again(self, local_clock):
        copies, loads = LocalCopies(), iter(["first", "second"])
        assert copies.get("key", lambda: next(loads)) == "first"
        local_clock.advance(0.9)
        assert copies.get("key", lambda: next(loads)) == "first"
        local_clock.advance(0.2)
        assert copies.get("key", lambda: next(loads)) == "second"

    def test_forgotten_at_once_and_none_is_held_too(self, local_clock):
        copies, loads = LocalCopies(), iter([None, "edition"])
        assert copies.get("key", lambda: next(loads)) is None  # no current edition, for a second
        assert copies.get("key", lambda: next(loads)) is None
        copies.forget("key", "another key")
        assert copies.get("key", lambda: next(loads)) == "edition"
