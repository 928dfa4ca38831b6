from django.utils.functional import SimpleLazyObject

from .selectors import current_edition as get_current_edition


def current_edition(request):
    """The current edition for the layout (header, footer). Lazy so pages that do not need it pay
    nothing, and read once per request: the layout names it some fifteen times, and a bare callable
    here was called, and fetched from the cache, each time."""
    return {"edition": SimpleLazyObject(get_current_edition)}
