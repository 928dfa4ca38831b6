from .selectors import current_edition as get_current_edition


def current_edition(request):
    """The current edition for the layout (header, footer); lazy so pages that do not need it pay nothing."""
    return {"edition": get_current_edition}
