"""Each process's own copies of what nearly every request reads from the shared cache."""

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

T = TypeVar("T")

_clock = time.monotonic


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
        held = self._copies.get(key)
        if held is not None and _clock() - held[0] < settings.LOCAL_COPY_SECONDS:
            return held[1]
        value = load()
        self._copies[key] = (_clock(), value)
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
