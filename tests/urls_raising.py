"""The site's URLs plus one view that fails, to see the 500 page a person gets."""

from django.urls import path

from miejsca_otwarte.urls import handler404, handler500
from miejsca_otwarte.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def raising_view(request):
    raise RuntimeError("a deliberate failure")


urlpatterns = [path("raise/", raising_view), *site_urlpatterns]
