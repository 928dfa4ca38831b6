"""Error pages that never show a traceback and need nothing from the database."""

from django.shortcuts import render


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without context processors' database reads: the database may be the cause.
    return render(request, "500.html", status=500, context={"edition": None})
