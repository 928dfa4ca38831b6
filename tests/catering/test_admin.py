import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catering.models import CateringOrder

from .conftest import paid, register

URL = "admin:catering_cateringorder_import_statement"


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("org", "org@example.com", "x"))
    return client


def upload(content: bytes, **overrides) -> dict:
    data = {
        "statement": SimpleUploadedFile("wyciag.csv", content, content_type="text/csv"),
        "date_column": 1,
        "amount_column": 3,
        "title_column": 2,
        "delimiter": ";",
        "decimal_comma": "on",
        "skip_rows": 1,
        "encoding": "utf-8",
    }
    data.update(overrides)
    return data


def test_statement_import_previews_then_marks_paid_on_confirmation(admin_client, edition):
    matched, differs = (register(edition, paid()).catering_orders.get() for _ in range(2))
    content = (
        f"Data;Tytuł;Kwota\n2030-11-03;MO7-{matched.pk:06d};120,00\n"
        f"2030-11-03;MO7-{differs.pk:06d};12,00\n2030-11-03;Zwrot;5,00\n"
    ).encode()

    preview = admin_client.post(reverse(URL), upload(content))

    assert preview.status_code == 200
    assert [order.pk for _, order in preview.context["preview"].matched] == [matched.pk]
    assert [order.pk for _, order in preview.context["preview"].amount_differs] == [differs.pk]
    assert [line.title for line, _ in preview.context["preview"].unknown] == ["Zwrot"]
    assert CateringOrder.objects.filter(status="paid").count() == 0

    confirm = {field.name: field.value() for field in preview.context["confirm_form"]}
    confirm = {name: value for name, value in confirm.items() if value is not None}
    confirm["confirm"] = "1"
    response = admin_client.post(reverse(URL), confirm)

    assert response.status_code == 302
    assert list(CateringOrder.objects.filter(status="paid").values_list("pk", flat=True)) == [matched.pk]


def test_malformed_statement_shows_the_error_and_changes_nothing(admin_client, edition):
    order = register(edition, paid()).catering_orders.get()
    content = f"Data;Tytuł;Kwota\n2030-11-03;MO7-{order.pk:06d};120,00\nzepsuty wiersz\n".encode()

    response = admin_client.post(reverse(URL), upload(content, confirm="1"))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Row 3 has 1 columns, but column 3 was chosen: check the delimiter."
    ]
    order.refresh_from_db()
    assert order.status == "awaiting_payment"


def test_catering_admin_pages_open(admin_client, edition):
    register(edition, paid())

    for name in ("catering_cateringorder", "catering_freeticketclaim", "catering_cateringoffer"):
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
