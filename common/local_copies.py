"""Each process's own copies of what nearly every request reads from the shared cache."""

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

T = TypeVar("T")

_clock = time.monotonic
# The clock every process of the site shares, for the age of what another process made.
_shared_clock = time.time


def shared_time() -> float:
    return _shared_clock()


class LocalCopies:
    """Values this process read from the shared cache, each kept for LOCAL_COPY_SECONDS before it
    asks again: what nearly every request reads (the current edition, the sign-up form's choices,
    the program page) then costs no round trip to Redis and no unpickling. A change made in this
    process forgets its copy at once (the code that drops the shared copy calls `forget`); one made
    by another server shows within those seconds (one by default, as a micro-cache in front would).
    Requests share the values: nothing may change them."""

    def __init__(self):
        self._copies: dict[str, tuple[float, object]] = {}

    def get(self, key: str, load: Callable[[], T]) -> T:
        return self.get_aged(key, lambda: (load(), 0.0))

    def get_aged(self, key: str, load: Callable[[], tuple[T, float]]) -> T:
        """As `get`, for a value `load` gives with its age: how many seconds old what it shows
        already was (a copy another process made). It is kept for what is left of
        LOCAL_COPY_SECONDS, so it is never older than that here either."""
        held = self._copies.get(key)
        if held is not None and _clock() - held[0] < settings.LOCAL_COPY_SECONDS:
            return held[1]
        value, age = load()
        self._copies[key] = (_clock() - age, value)
        return value

    def forget(self, *keys: str) -> None:
        for key in keys:
            self._copies.pop(key, None)

    def forget_prefix(self, prefix: str) -> None:
        """Forget every copy whose key starts with `prefix` (a family of pages, one per item)."""
        for key in list(self._copies):  # a snapshot: another thread may add a copy meanwhile
            if key.startswith(prefix):
                self._copies.pop(key, None)

    def clear(self) -> None:
        self._copies.clear()


local_copies = LocalCopies()
