from tests.reliability.conftest import _clear_cache, edition, visit  # noqa: F401 (shared fixtures)
