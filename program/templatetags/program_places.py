"""Where things happen, for the public pages: the venue's and an item's links to the map."""

from django import template

from program import ical

register = template.Library()


@register.filter
def venue_map_url(edition) -> str:
    return ical.venue_map_url(edition)


@register.filter
def item_map_url(item, edition) -> str:
    return ical.item_map_url(item, edition)
