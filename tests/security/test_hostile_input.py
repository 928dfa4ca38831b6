"""Hostile input on every public form and URL: a 4xx or a form error, never a 500, nothing
changed; what is accepted is shown escaped in pages, e-mails and the admin."""

import uuid

import pytest
from django.test import Client
from django.utils.html import escape

from attendees.emails import mail_message
from outbox.models import OutgoingMail
from registration.models import Booking, Consent, DayAttendance, Registration
from tests.factories import sign_up

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQL = "Robert'); DROP TABLE registration_registration;--"
HUGE = "ą" * 10_000
NUL = "Kraków\x00"
CONTROL = "Kraków\x07\x1b[31m"
RTL_EMOJI = "\u202eKraków 🎉👩‍👩‍👧"
POLISH = "Zażółć gęślą jaźń"

TEXT_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "organisation_name",
    "role",
    "town",
    "accessibility_other",
    "note",
]
OTHER_FIELDS = [
    "organisation_type",
    "voivodeship",
    "days",
    "items",
    "submission_key",
    "website",
    "accept_terms",
    "image_consent",
    "newsletter",
    "needs_wheelchair_access",
]
# Fields where any value other than a valid one must be refused.
STRICT_FIELDS = ["email", "phone", "organisation_type", "voivodeship", "days", "items", "submission_key"]

TABLES = (Registration, Booking, DayAttendance, Consent, OutgoingMail)


def row_counts():
    return [model.objects.count() for model in TABLES]


@pytest.fixture
def client(settings):
    settings.RATELIMIT_SIGNUP = settings.RATELIMIT_RESEND = "100000/m"
    client = Client(HTTP_ACCEPT_LANGUAGE="pl")
    return client


def valid_form(edition, visit, **overrides):
    data = {
        "first_name": "Łucja",
        "last_name": "Wąsowska",
        "email": f"l{uuid.uuid4().hex[:8]}@example.com",
        "town": "Nowy Sącz",
        "voivodeship": "lesser_poland",
        "organisation_type": "ngo",
        "accept_terms": "on",
        "submission_key": str(uuid.uuid4()),
        "days": [edition.days.first().pk],
        "items": [visit.pk],
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("payload", [NUL, CONTROL, HUGE], ids=["nul", "control", "10kB"])
def test_sign_up_refuses_nul_control_and_huge_values_in_every_field(client, edition, visit, payload):
    for field in TEXT_FIELDS + OTHER_FIELDS:
        if field in ("accept_terms", "image_consent", "newsletter", "needs_wheelchair_access"):
            continue  # a checkbox is on whatever its value; only its presence counts
        before = row_counts()
        response = client.post("/registration/", valid_form(edition, visit, **{field: payload}))
        assert response.status_code == 400, (field, response.status_code)
        assert field in response.context["form"].errors or field == "website", field
        assert row_counts() == before, field


@pytest.mark.django_db
def test_strict_fields_refuse_junk(client, edition, visit):
    for payload in [XSS, SQL, RTL_EMOJI, "x@", "@example.com", "a@b", "a b@example.com"]:
        for field in STRICT_FIELDS:
            before = row_counts()
            response = client.post("/registration/", valid_form(edition, visit, **{field: payload}))
            assert response.status_code == 400, (field, payload)
            assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("payload", [XSS, SQL, RTL_EMOJI, POLISH], ids=["xss", "sql", "rtl-emoji", "polish"])
def test_free_text_is_accepted_and_shown_escaped_everywhere(client, admin_client, edition, visit, payload):
    data = valid_form(
        edition, visit, first_name=payload, last_name=payload, organisation_name=payload, note=payload
    )
    response = client.post("/registration/", data)
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.first_name, registration.note) == (payload, payload)

    pages = [
        client.get(response["Location"]).content.decode(),
        client.get(registration.get_manage_url()).content.decode(),
        client.get(registration.get_manage_url() + "ticket/").content.decode(),
        admin_client.get("/admin/registration/registration/").content.decode(),
        admin_client.get(f"/admin/registration/registration/{registration.pk}/change/").content.decode(),
    ]
    html_mail = mail_message(OutgoingMail.objects.get()).alternatives[0][0]
    for html in [*pages, html_mail]:
        assert "<script>alert" not in html
        assert "<img src=x" not in html
    if payload == XSS:
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in pages[0]
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html_mail
    else:
        assert escape(payload) in pages[0]


@pytest.mark.django_db
def test_manage_forms_refuse_hostile_input(client, edition, visit):
    registration = sign_up(edition, [visit])
    url = registration.get_manage_url()
    for field, payload in [("first_name", NUL), ("town", CONTROL), ("note", HUGE), ("email", XSS)]:
        data = {f"person-{name}": getattr(registration, name) for name in ("first_name", "last_name", "town")}
        data.update(
            {"action": "person", "person-email": registration.email, "person-voivodeship": "lesser_poland"}
        )
        data[f"person-{field}"] = payload
        response = client.post(url, data)
        assert response.status_code == 400, field
        assert client.get(url).status_code == 200
    for items in (["\x00"], ["1 OR 1=1"], [str(10**12)]):
        response = client.post(url, {"action": "items", "items-items": items, "items-days": ["x"]})
        assert response.status_code == 400
    assert client.post(url, {"action": XSS}).status_code == 200  # an unknown action does nothing
    registration.refresh_from_db()
    assert (registration.first_name, registration.town) == ("Zofia", "Kraków")
    assert list(registration.bookings.values_list("item_id", flat=True)) == [visit.pk]


@pytest.mark.django_db
def test_resend_link_refuses_junk(client, edition):
    for payload in [NUL, XSS, HUGE, "not-an-email"]:
        assert client.post("/registration/link/", {"email": payload}).status_code == 400
    assert OutgoingMail.objects.count() == 0


@pytest.mark.django_db
def test_every_public_url_with_forged_or_broken_tokens_is_a_404(client, edition, visit):
    registration = sign_up(edition, [visit])
    real = f"{registration.public_id}/{registration.manage_token}"
    forged = [
        f"{registration.public_id}/{registration.manage_token[:-1]}",
        f"{registration.public_id}/{'A' * 43}",
        f"{registration.public_id}/%C5%BC%C3%B3%C5%82w",  # non-ASCII token
        f"{registration.public_id}/%00",
        f"{uuid.uuid4()}/{registration.manage_token}",
        f"{str(registration.public_id)[:-1]}/{registration.manage_token}",
    ]
    tails = ["", "ticket/", "ticket.pdf", "calendar.ics", "data.json"]
    for tail in tails:
        assert client.get(f"/registration/manage/{real}/{tail}").status_code == 200
        for path in forged:
            assert client.get(f"/registration/manage/{path}/{tail}").status_code == 404, (path, tail)
    for path in forged:
        assert client.get(f"/registration/thanks/{path}/").status_code == 404
    for url in ["/program/%00/", f"/program/{XSS}/", "/program/" + "a" * 5000 + "/", "/registration/%00"]:
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_wrong_methods_are_405(client, edition):
    for method, url in [
        ("put", "/registration/"),
        ("delete", "/registration/"),
        ("patch", "/registration/link/"),
        ("post", "/"),
        ("post", "/program/"),
        ("post", "/program/program.ics"),
        ("post", "/registration/seats.json"),
        ("post", "/registration/privacy/"),
        ("delete", "/program/wizyta-kozlowka/"),
    ]:
        assert getattr(client, method)(url).status_code == 405, (method, url)


@pytest.mark.django_db
def test_wrong_methods_on_private_pages_are_405(client, edition, visit):
    registration = sign_up(edition, [visit])
    base = registration.get_manage_url()
    for tail in ("ticket/", "ticket.pdf", "calendar.ics", "data.json"):
        assert client.post(base + tail).status_code == 405
    assert client.put(base).status_code == 405


@pytest.mark.django_db
def test_every_public_get_url_answers_without_error(client, edition, visit):
    for url in [
        "/",
        "/program/",
        "/program/wizyta-kozlowka/",
        "/program/program.ics",
        "/registration/",
        "/registration/link/",
        "/registration/privacy/",
        "/registration/seats.json",
    ]:
        assert client.get(url, {"q": XSS, "next": "//evil.example"}).status_code == 200, url


@pytest.mark.django_db
def test_missing_csrf_token_gets_our_page_and_saves_nothing(edition, visit):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="pl")
    response = client.post("/registration/", valid_form(edition, visit))
    assert response.status_code == 403
    assert "Formularz wygasł" in response.content.decode()
    assert row_counts() == [0, 0, 0, 0, 0]


@pytest.mark.django_db
def test_oversized_and_overfull_bodies_are_400(client, edition, visit):
    body = valid_form(edition, visit, note="x" * 3_000_000)
    assert client.post("/registration/", body).status_code == 400
    many = valid_form(edition, visit, **{f"f{n}": "x" for n in range(1200)})
    assert client.post("/registration/", many).status_code == 400
    assert row_counts() == [0, 0, 0, 0, 0]
