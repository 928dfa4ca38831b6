"""Hostile input on every public form and URL: a 4xx or a form error, never a 500, nothing
changed; what is accepted is shown escaped in pages, e-mails and the admin."""

import logging
import runpy
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib import admin
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
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
    manage = {"public_id": registration.public_id, "token": registration.manage_token}
    url = reverse("registration:manage_details", kwargs=manage)
    for field, payload in [("first_name", NUL), ("town", CONTROL), ("note", HUGE), ("email", XSS)]:
        data = {f"person-{name}": getattr(registration, name) for name in ("first_name", "last_name", "town")}
        data.update(
            {"action": "person", "person-email": registration.email, "person-voivodeship": "lesser_poland"}
        )
        data[f"person-{field}"] = payload
        response = client.post(url, data)
        assert response.status_code == 400, field
        assert client.get(url).status_code == 200
    url = reverse("registration:manage_items", kwargs=manage)
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
    tails = ["", "items/", "details/", "catering/", "ticket/", "ticket.pdf", "calendar.ics", "data.json"]
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
    for tail in ("", "ticket/", "ticket.pdf", "calendar.ics", "data.json"):
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


# --- inputs that gave a 500 (issue #14) -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("charset", ["utf-16", "utf8", "iso-8859-2", "latin-1"])
@pytest.mark.parametrize("url", ["/registration/", "/registration/link/"])
def test_a_form_posted_in_another_charset_gets_our_400_page_and_saves_nothing(edition, visit, url, charset):
    """Django refuses a form that is not UTF-8 (BadRequest). Its own 400 handler ran the CSRF check
    again, which read the form again: a 500. With a real CSRF token, as a browser sends it."""
    for language, heading in [("pl", None), ("en", "The request could not be read")]:
        client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
        client.get(url)
        data = valid_form(edition, visit, csrfmiddlewaretoken=client.cookies["csrftoken"].value)
        response = client.post(
            url,
            urlencode(data, doseq=True),
            content_type=f"application/x-www-form-urlencoded; charset={charset}",
        )
        assert response.status_code == 400, (language, response.status_code)
        assert response.templates[0].name == "400.html"
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        if heading:
            assert heading in html
    assert row_counts() == [0, 0, 0, 0, 0]


@pytest.mark.django_db
def test_admin_login_with_an_overlong_user_name_is_a_form_error_and_counts_towards_the_lockout(
    client, settings
):
    """axes stores 255 characters of the user name: a longer one made its insert fail (a 500) and
    the attempt went uncounted, so the lockout never came."""
    url = f"/{settings.ADMIN_URL}login/"
    name = "a" * 300
    responses = [
        client.post(url, {"username": name, "password": "wrong"}) for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert [r.status_code for r in responses] == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert responses[0].context["form"].errors["__all__"]  # "enter a correct user name and password"
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.failures_since_start) == (name[:255], settings.AXES_FAILURE_LIMIT)
    assert client.post(url, {"username": name + "b", "password": "wrong"}).status_code == 429  # same 255


@pytest.mark.django_db
def test_organiser_filters_that_are_not_ids_are_ignored_or_refused(admin_client, edition, visit):
    registration = sign_up(edition, [visit])
    before = database_state()
    changelist = "/admin/registration/registration/"
    for query in ["item=abc", "day=abc", "item=abc&place=confirmed", "day=abc&checked_in=no"]:
        response = admin_client.get(f"{changelist}?{query}")
        assert response.status_code == 200, query
        assert list(response.context["cl"].result_list) == [registration], query  # not filtered
    export = admin_client.get(f"{changelist}export.csv?item=abc")
    assert export.status_code == 200
    assert registration.email in b"".join(export).decode("utf-8-sig")  # streamed or not
    badges = admin_client.get("/staff/exports/badges.pdf?day=abc")
    assert badges.status_code == 400
    assert "Dzień podany w adresie jest nieprawidłowy" in badges.content.decode()  # Polish by default
    search = admin_client.get("/staff/checkin/?q=%00")
    assert search.status_code == 400
    assert search.templates[0].name == "400.html"
    assert admin_client.get("/admin/program/programitem/?day=abc").status_code == 200
    assert database_state() == before


def settings_with_client_ip_header(monkeypatch, header: str) -> dict:
    """The settings module as it reads CLIENT_IP_HEADER from the environment."""
    monkeypatch.setenv("CLIENT_IP_HEADER", header)
    return runpy.run_path(str(Path(__file__).resolve().parents[2] / "miejsca_otwarte" / "settings.py"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "meta",
    [{}, {"HTTP_X_REAL_IP": ""}, {"HTTP_X_REAL_IP": "garbage"}, {"HTTP_X_REAL_IP": "10.0.0.1, 10.0.0.2"}],
    ids=["missing", "empty", "garbage", "two-addresses"],
)
def test_sign_up_behind_a_proxy_without_a_valid_client_ip_header_counts_by_remote_addr(
    client, settings, monkeypatch, caplog, edition, visit, meta
):
    production = settings_with_client_ip_header(monkeypatch, "HTTP_X_REAL_IP")
    settings.CLIENT_IP_HEADER = production["CLIENT_IP_HEADER"]
    settings.RATELIMIT_IP_META_KEY = production["RATELIMIT_IP_META_KEY"]
    settings.RATELIMIT_SIGNUP = "1/m"
    cache.clear()
    with caplog.at_level(logging.WARNING, logger="miejsca_otwarte.clients"):
        first = client.post("/registration/", valid_form(edition, visit), **meta)
    assert first.status_code == 302
    assert "HTTP_X_REAL_IP is missing or not an address" in caplog.text
    # Counted by REMOTE_ADDR: the same address is over its limit, whatever the header says.
    second = client.post("/registration/", valid_form(edition, visit), **meta)
    assert second.status_code == 429
    assert Registration.objects.count() == 1
    # A valid header still counts per client.
    other = client.post("/registration/", valid_form(edition, visit), HTTP_X_REAL_IP="203.0.113.7")
    assert other.status_code == 302


# --- the corpus: every GET parameter of every page, with hostile values ----------------------------

HOSTILE_VALUES = {"non-numeric": "abc", "empty": "", "nul": "\x00", "overlong": "7" * 5000}

# Query parameters that pages read (request.GET), by URL name; every page also gets "q".
PAGE_PARAMETERS = {
    "switch_language": ["next"],
    "staff:checkin": ["day", "q"],
    "staff:badges": ["day"],
    "registration:certificate_pdf": ["languages"],
    "staff:certificates": ["edition"],
    "staff:feedback_export": ["edition"],
    "staff:feedback_csv": ["edition"],
}
# Django's own changelist parameters: search, ordering, page, show all, facets, popup, to_field.
CHANGELIST_PARAMETERS = ["q", "o", "p", "all", "_facets", "_popup", "_to_field"]
# Not "_to_field" there: Django's change view takes an empty one for a field name (FieldDoesNotExist,
# a 500 on every model's change page, Django 5.2): a bug of Django's, left to it (issue #14 report).
CHANGE_PAGE_PARAMETERS = ["_changelist_filters", "_popup"]


def database_state() -> dict:
    """Every row of every table but the sessions, to compare before and after: every column, each
    language of a translated text included. In one language: a request activates the visitor's,
    and a translated field's plain name (`title`) reads in the active one."""
    with translation.override("pl"):
        return {
            model._meta.label: list(
                model._base_manager.order_by("pk").values_list(
                    *(field.attname for field in model._meta.concrete_fields)
                )
            )
            for model in apps.get_models()
            if model._meta.app_label != "sessions"
        }


def url_names(patterns=None, namespace="") -> set[str]:
    """The named URLs of the URLconf, outside the admin."""
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def site_pages(edition, visit, registration) -> dict[str, str]:
    """A concrete URL for each named URL outside the admin."""
    manage = {"public_id": registration.public_id, "token": registration.manage_token}
    day = edition.days.first()
    return {
        name: reverse(name, kwargs=kwargs)
        for name, kwargs in {
            "healthz": {},
            "switch_language": {"language": "en"},
            "admin_dashboard": {},
            "program:home": {},
            "program:accessibility": {},
            "program:contact": {},
            "program:program": {},
            "program:ics": {},
            "program:item": {"slug": visit.slug},
            "registration:register": {},
            "registration:seats": {},
            "registration:resend_link": {},
            "registration:privacy": {},
            "registration:thanks": manage,
            "registration:manage": manage,
            "registration:manage_items": manage,
            "registration:manage_details": manage,
            "registration:manage_catering": manage,
            "registration:cancel": manage,
            "registration:delete": manage,
            "registration:ticket": manage,
            "registration:ticket_pdf": manage,
            "registration:calendar": manage,
            "registration:data": manage,
            "registration:certificate_pdf": manage,
            "registration:certificate_send": manage,
            "registration:feedback": manage,
            "staff:checkin": {},
            "staff:checkin_action": {"registration_id": registration.pk, "day_id": day.pk},
            "staff:checkin_code": {"day_id": day.pk},
            "staff:checkin_counts": {},
            "staff:checkin_walk_in": {"day_id": day.pk},
            "staff:item_export": {"item_id": visit.pk, "file_format": "csv"},
            "staff:funder_report": {},
            "staff:catering_export": {"file_format": "xlsx"},
            "staff:invoice_export": {"file_format": "csv"},
            "staff:sign_in_day": {"day_id": day.pk},
            "staff:sign_in_item": {"item_id": visit.pk},
            "staff:badges": {},
            "staff:certificates": {},
            "staff:feedback_export": {},
            "staff:feedback_csv": {"part": "ratings"},
        }.items()
    }


def changelist_parameters(model_admin, user) -> list[str]:
    """What a changelist reads from the query string: its filters', date hierarchy's and Django's."""
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    names = [name for spec in changelist.filter_specs for name in spec.expected_parameters()]
    if model_admin.date_hierarchy:
        names += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return [name for name in names if name] + CHANGELIST_PARAMETERS


def assert_survives(client, url: str, parameters, value: str) -> None:
    for name in parameters:
        response = client.get(url, {name: value})
        assert response.status_code < 500, (url, name, response.status_code)
        if value == "\x00":
            assert response.status_code == 400, (url, name, response.status_code)


@pytest.mark.django_db
def test_the_corpus_names_every_page_of_the_urlconf(edition, visit):
    registration = sign_up(edition, [visit])
    assert url_names() == set(site_pages(edition, visit, registration))


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_every_page_survives_hostile_query_values(admin_client, edition, visit, value):
    registration = sign_up(edition, [visit])
    before = database_state()
    for name, url in site_pages(edition, visit, registration).items():
        assert_survives(admin_client, url, ["q", *PAGE_PARAMETERS.get(name, [])], value)
    assert database_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=[model._meta.label for model in admin.site._registry]
)
def test_every_admin_list_and_page_survives_hostile_query_values(
    admin_client, admin_user, edition, visit, model, value
):
    registration = sign_up(edition, [visit])
    model_admin = admin.site._registry[model]
    opts = model._meta
    parameters = changelist_parameters(model_admin, admin_user)
    before = database_state()
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert_survives(admin_client, changelist, parameters, value)
    if model is Registration:
        export = reverse("admin:registration_registration_export", args=["csv"])
        assert_survives(admin_client, export, parameters, value)
        add_person = reverse("admin:registration_registration_add_person")
        assert_survives(admin_client, add_person, CHANGE_PAGE_PARAMETERS, value)
    obj = model._base_manager.order_by("pk").first() if model is not Registration else registration
    if obj is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert_survives(admin_client, change, CHANGE_PAGE_PARAMETERS, value)
    assert database_state() == before
