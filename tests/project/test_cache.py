"""The Redis cache backend keeps one client per pool (Django's makes one per call)."""

import uuid

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from miejsca_otwarte.cache import RedisCache


@pytest.fixture
def redis_cache():
    cache = RedisCache("redis://127.0.0.1:6379/7", {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield cache
    cache.clear()


def test_reuses_one_client_and_still_works(redis_cache):
    redis_cache.set("seats", 3)
    assert redis_cache.get_many(["seats", "missing"]) == {"seats": 3}
    assert redis_cache.incr("seats") == 4
    assert redis_cache._cache.get_client(write=True) is redis_cache._cache.get_client(write=False)


def test_django_backend_builds_a_client_per_call():
    """The control: without the subclass every call gets a new client object."""
    django_cache = DjangoRedisCache("redis://127.0.0.1:6379/7", {})
    assert django_cache._cache.get_client() is not django_cache._cache.get_client()
