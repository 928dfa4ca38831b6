"""Django's Redis cache backend, keeping one client per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call, and each
one fills its table of ~170 response callbacks: on the cached program page that was a fifth of the
request's time (docs/performance.md). A `redis.Redis` is thread-safe and the pool does the
connecting, so one per pool is enough.
"""

# Imported with the backend (Django would import it at the first cache call), so that gunicorn's
# master loads it before forking its workers (miejsca_otwarte.wsgi).
import redis  # noqa: F401
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

# Django's incr() asks EXISTS, then INCRBY: two round trips (the rate limit of every sign-up), and
# a key that expires in between comes back from INCRBY with no expiry. One script does both at once.
_INCR_EXISTING = (
    "if redis.call('exists', KEYS[1]) == 1 then return redis.call('incrby', KEYS[1], ARGV[1]) end"
)


class _ClientPerPool(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._incr_scripts = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # Django keeps one pool per server
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
            self._incr_scripts[id(client)] = client.register_script(_INCR_EXISTING)
        return client

    def incr(self, key, delta):
        client = self.get_client(key, write=True)
        value = self._incr_scripts[id(client)](keys=[key], args=[delta])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientPerPool
