from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path


def text(request):
    return HttpResponse("floor", content_type="text/plain")


def lock(request):
    """The least a sign-up can do: lock the one hot row, insert a row, count it, commit."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT n FROM bench_floor_counter WHERE id = 1 FOR UPDATE")
        cursor.execute("INSERT INTO bench_floor_row (created_at) VALUES (now())")
        cursor.execute("UPDATE bench_floor_counter SET n = n + 1 WHERE id = 1")
    return HttpResponse("locked", content_type="text/plain")


urlpatterns = [path("text", text), path("lock", lock)]
