import io
import re

import pytest
import segno
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from attendees.views import PRIVATE_LINK, PRIVATE_PAGES
from catering.models import CateringOffer
from outbox.models import OutgoingMail
from program.models import ConferenceDay
from registration.models import Booking, Registration
from tests.factories import send_queued_mail, sign_up

REGISTER = "/registration/"


def form_data(client, **overrides):
    page = client.get(REGISTER).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    data = {
        "first_name": "Łucja",
        "last_name": "Wąsowska",
        "email": "lucja@example.com",
        "town": "Nowy Sącz",
        "voivodeship": "lesser_poland",
        "organisation_type": "ngo",
        "accept_terms": "on",
        "submission_key": key,
        "days": [ConferenceDay.objects.order_by("date").last().pk],
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _still_clock(monkeypatch):
    """django-ratelimit counts in fixed windows: keep the tests inside one of them."""
    monkeypatch.setattr("django_ratelimit.core._get_window", lambda value, period: 1_800_000_000)


@pytest.fixture
def client_pl(client):
    client.cookies["django_language"] = "pl"
    return client


@pytest.mark.django_db
class TestRegisterForm:
    def test_form_shows_seats_left(self, client_pl, edition, visit):
        sign_up(edition, [visit])
        page = client_pl.get(REGISTER).content.decode()
        assert visit.title in page
        assert "19" in re.search(rf'data-seats-for="{visit.pk}">(.*?)</span>', page, re.S).group(1)

    @pytest.mark.parametrize(
        ("language", "choose", "accept"),
        [("pl", "— wybierz —", "Akceptuję"), ("en", "— choose —", "I accept")],
    )
    def test_form_speaks_the_page_language(self, client, edition, visit, language, choose, accept):
        """Labels set once on the form class are still written in each page's language."""
        client.cookies["django_language"] = language
        page = client.get(REGISTER).content.decode()
        voivodeship = re.search(r'<select name="voivodeship".*?</select>', page, re.S).group(0)
        assert re.search(rf'<option value=""[^>]*>{choose}</option>', voivodeship)
        terms = re.search(r'<label[^>]*for="id_accept_terms"[^>]*>(.*?)</label>', page, re.S).group(1)
        assert accept in terms
        assert f'href="{reverse("registration:privacy")}"' in terms  # a link, not escaped text
        day = edition.days.get(date=visit.day)
        assert f"{day.date:%d.%m.%Y} — {day.title}" in page
        assert f'name="items" value="{visit.pk}"' in page

    def test_browsers_may_fill_in_the_person_on_both_forms(self, client_pl, edition):
        person = sign_up(edition)
        details = reverse("registration:manage_details", args=[person.public_id, person.manage_token])
        for page in (client_pl.get(REGISTER), client_pl.get(details)):
            html = page.content.decode()
            for name, hint in [("first_name", "given-name"), ("email", "email"), ("town", "address-level2")]:
                field = re.search(rf'<input[^>]*name="(?:person-)?{name}"[^>]*>', html).group(0)
                assert f'autocomplete="{hint}"' in field

    @pytest.mark.parametrize("field", ["items", "days"])
    def test_a_choice_not_on_the_form_is_refused(self, client_pl, edition, visit, field):
        stranger = {"items": 10**9, "days": 10**9}[field]
        response = client_pl.post(REGISTER, form_data(client_pl, **{field: [stranger]}))
        assert response.status_code == 400
        assert response.context["form"].has_error(field, "invalid_choice")
        assert not Registration.objects.exists()

    def test_seats_shown_are_live_though_the_items_are_cached(
        self, client_pl, edition, visit, django_capture_on_commit_callbacks, local_clock
    ):
        """The form's items come from the cache; the counts on every page that shows them are
        live: the form's cached page is stale once a seat is taken (at commit), and a sign-up sent
        back with an error reads them."""
        client_pl.get(REGISTER)  # the items and the page are cached now
        with django_capture_on_commit_callbacks(execute=True):
            sign_up(edition, [visit])
        local_clock.window_passes()
        seats = rf'data-seats-for="{visit.pk}">(.*?)</span>'
        assert "19" in re.search(seats, client_pl.get(REGISTER).content.decode(), re.S).group(1)

        sign_up(edition, [visit])
        refused = client_pl.post(REGISTER, form_data(client_pl, items=[visit.pk], accept_terms=""))
        assert refused.status_code == 400
        assert "18" in re.search(seats, refused.content.decode(), re.S).group(1)

    def test_a_sign_up_reads_no_item_but_the_one_it_locks(self, client_pl, edition, visit):
        data = form_data(client_pl, items=[visit.pk], days=[edition.days.last().pk])  # caches the items
        with CaptureQueriesContext(connection) as queries:
            assert client_pl.post(REGISTER, data).status_code == 302
        item_reads = [q["sql"] for q in queries if 'FROM "program_programitem"' in q["sql"]]
        assert len(item_reads) == 1
        assert "FOR UPDATE" in item_reads[0]

    def test_an_edition_without_catering_shows_its_form_again_with_the_errors(self, client_pl, edition):
        CateringOffer.objects.filter(edition=edition).delete()
        refused = client_pl.post(REGISTER, form_data(client_pl, accept_terms=""))
        assert refused.status_code == 400
        assert 'name="catering"' not in refused.content.decode()

    def test_an_edited_item_shows_at_once(self, client_pl, edition, visit):
        client_pl.get(REGISTER)
        visit.title_pl = "Wizyta studyjna: nowa nazwa"
        visit.save()
        assert "Wizyta studyjna: nowa nazwa" in client_pl.get(REGISTER).content.decode()

    def test_sign_up_redirects_to_thanks_with_what_they_got(self, client_pl, edition, visit):
        response = client_pl.post(
            REGISTER, form_data(client_pl, items=[visit.pk], days=[edition.days.last().pk])
        )
        registration = Registration.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "registration:thanks",
            kwargs={"public_id": registration.public_id, "token": registration.manage_token},
        )
        thanks = client_pl.get(response["Location"]).content.decode()
        assert visit.title in thanks
        assert registration.bookings.get().status == Booking.Status.CONFIRMED

    def test_double_submit_registers_once(self, client_pl, edition, visit):
        data = form_data(client_pl, items=[visit.pk])
        first = client_pl.post(REGISTER, data)
        second = client_pl.post(REGISTER, data)
        assert first["Location"] == second["Location"]
        assert Registration.objects.count() == 1

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"email": "not-an-email"}, "email", "Wpisz poprawny adres e-mail."),
            ({"first_name": ""}, "first_name", "To pole jest wymagane."),
            ({"first_name": "x" * 101}, "first_name", "Upewnij się, że ta wartość ma co najwyżej 100 znaków"),
            ({"town": "Kraków\x00"}, "town", None),
            ({"accept_terms": ""}, "accept_terms", None),
            ({"voivodeship": "atlantis"}, "voivodeship", None),
            ({"phone": "call me maybe"}, "phone", None),
        ],
    )
    def test_bad_input_keeps_form_and_saves_nothing(self, client_pl, edition, overrides, field, message):
        response = client_pl.post(REGISTER, form_data(client_pl, **overrides))
        assert response.status_code == 400
        form = response.context["form"]
        assert field in form.errors
        if message:
            assert message in " ".join(form.errors[field])
        assert form.data["last_name"] == "Wąsowska"  # what the person typed stays
        assert Registration.objects.count() == 0
        assert "error-summary" in response.content.decode()

    def test_clash_named_in_the_form(self, client_pl, edition, visit, other_visit):
        response = client_pl.post(REGISTER, form_data(client_pl, items=[visit.pk, other_visit.pk]))
        assert response.status_code == 400
        errors = " ".join(response.context["form"].errors["items"])
        assert visit.title in errors and other_visit.title in errors
        assert Registration.objects.count() == 0

    def test_duplicate_email_gets_the_link_by_mail_not_a_form_error(self, client_pl, edition):
        """The form does not tell anyone that an address is registered (issue #14): the address
        gets its management link, and the page is the resend form's "check your mail"."""
        registered = sign_up(edition, email="lucja@example.com")
        response = client_pl.post(REGISTER, form_data(client_pl, email="LUCJA@example.com"))
        assert response.status_code == 200
        assert response.templates[0].name == "registration/resend.html"
        assert response.context["sent"] is True
        assert Registration.objects.count() == 1
        assert OutgoingMail.objects.filter(kind="manage_link", registration=registered).count() == 1

    def test_honeypot(self, client_pl, edition):
        response = client_pl.post(REGISTER, form_data(client_pl, website="http://spam.example"))
        assert response.status_code == 400
        assert Registration.objects.count() == 0

    def test_rate_limit_per_ip(self, client_pl, edition):
        cache.clear()
        statuses = [
            client_pl.post(REGISTER, form_data(client_pl, email="bad")).status_code for _ in range(21)
        ]
        assert statuses[:20] == [400] * 20
        assert statuses[20] == 429
        assert Registration.objects.count() == 0

    def test_closed_registration_accepts_nothing(self, client_pl, edition):
        edition.registration_closes_at = edition.registration_opens_at.replace(
            year=edition.registration_opens_at.year - 1
        )
        edition.registration_opens_at = edition.registration_closes_at.replace(month=1, day=1)
        edition.save()
        response = client_pl.post(
            REGISTER, {"first_name": "Anna", "email": "anna@example.com", "accept_terms": "on"}
        )
        assert "Rejestracja jest zamknięta." in response.content.decode()
        assert Registration.objects.count() == 0

    def test_csrf_required(self, edition):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        response = strict.post(REGISTER, {"first_name": "A"})
        assert response.status_code == 403
        assert Registration.objects.count() == 0


@pytest.mark.django_db
class TestResendLink:
    def test_same_answer_for_known_and_unknown_address(self, client_pl, edition):
        sign_up(edition, email="known@example.com")
        OutgoingMail.objects.all().delete()
        known = client_pl.post("/registration/link/", {"email": "known@example.com"})
        unknown = client_pl.post("/registration/link/", {"email": "unknown@example.com"})
        strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())  # noqa: E731
        assert known.status_code == unknown.status_code == 200
        assert strip(known) == strip(unknown)
        assert OutgoingMail.objects.filter(kind="manage_link").count() == 1

    def test_rate_limited(self, client_pl, edition):
        statuses = [
            client_pl.post("/registration/link/", {"email": "a@example.com"}).status_code for _ in range(6)
        ]
        assert statuses == [200] * 5 + [429]


@pytest.mark.django_db
class TestManagePage:
    def test_forged_or_truncated_token_is_404(self, client_pl, edition):
        registration = sign_up(edition)
        url = registration.get_manage_url()
        assert client_pl.get(url).status_code == 200
        for bad in (
            url.replace(registration.manage_token, "x" * 43),
            url.replace(registration.manage_token, registration.manage_token[:-1]),
        ):
            assert client_pl.get(bad).status_code == 404

    def test_the_pages_behind_the_link_name_each_other_as_the_urlconf_does(self, client_pl, edition, visit):
        registration = sign_up(edition, [visit])
        link = {"public_id": registration.public_id, "token": registration.manage_token}
        for page in (registration.get_manage_url(), reverse("registration:thanks", kwargs=link)):
            response = client_pl.get(page)
            # The template's links are the placeholder, which the response makes this person's.
            links = {
                name: path.replace(PRIVATE_LINK, registration.get_manage_url())
                for name, path in response.context["links"].items()
            }
            assert links == {name: reverse(f"registration:{name}", kwargs=link) for name in PRIVATE_PAGES}
            assert PRIVATE_LINK not in response.content.decode()
            assert f'href="{reverse("registration:calendar", kwargs=link)}"' in response.content.decode()

    def test_each_person_gets_their_own_links_from_the_parts_shared_by_everyone(
        self, client_pl, edition, visit
    ):
        first, second = sign_up(edition, [visit]), sign_up(edition, [visit])
        for person, other in ((first, second), (second, first)):
            link = {"public_id": person.public_id, "token": person.manage_token}
            for page in (person.get_manage_url(), reverse("registration:thanks", kwargs=link)):
                content = client_pl.get(page).content.decode()
                assert f'href="{reverse("registration:calendar", kwargs=link)}"' in content
                assert str(other.public_id) not in content

    def test_switch_visit_and_cancel(self, client_pl, edition, visit, other_visit):
        registration = sign_up(edition, [visit])
        url = registration.get_manage_url()
        response = client_pl.post(
            reverse("registration:manage_items", args=[registration.public_id, registration.manage_token]),
            {"action": "items", "items-items": [other_visit.pk], "items-days": [edition.days.first().pk]},
        )
        assert response.status_code == 302
        assert list(registration.bookings.values_list("item_id", flat=True)) == [other_visit.pk]
        cancel_url = reverse(
            "registration:cancel",
            kwargs={"public_id": registration.public_id, "token": registration.manage_token},
        )
        assert "Tak, anuluj moją rejestrację" in client_pl.get(cancel_url).content.decode()
        registration.refresh_from_db()
        assert registration.status == Registration.Status.ACTIVE  # asking changes nothing
        client_pl.post(cancel_url)
        registration.refresh_from_db()
        assert registration.status == Registration.Status.CANCELLED
        assert "Twoja rejestracja została anulowana." in client_pl.get(url).content.decode()

    def test_ticket_pdf_keeps_polish_letters(self, client_pl, edition, visit):
        registration = sign_up(edition, [visit], first_name="Źdźbło", last_name="Ćwiękała-Łężna")
        response = client_pl.get(
            reverse(
                "registration:ticket_pdf",
                kwargs={"public_id": registration.public_id, "token": registration.manage_token},
            )
        )
        text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        assert "Źdźbło Ćwiękała-Łężna" in text
        assert registration.ticket_code[:4] in text
        assert registration.email not in text

    def test_ticket_pdf_draws_the_qr_code_of_the_ticket_code(self, client_pl, edition):
        """Reads the squares back out of the PDF's drawing operators and rebuilds the module grid:
        it must be exactly the QR code of the ticket code."""
        registration = sign_up(edition)
        response = client_pl.get(
            reverse(
                "registration:ticket_pdf",
                kwargs={"public_id": registration.public_id, "token": registration.manage_token},
            )
        )
        content = PdfReader(io.BytesIO(response.content)).pages[0].get_contents().get_data().decode("latin-1")
        rects = [tuple(map(float, found)) for found in re.findall(r"(\S+) (\S+) (\S+) (\S+) re", content)]
        unit = min(height for *_, height in rects)
        left, top = min(x for x, *_ in rects), max(y + height for _, y, _, height in rects)
        drawn = {
            (round((top - y) / unit) - 1, round((x - left) / unit) + offset)
            for x, y, width, _ in rects
            for offset in range(round(width / unit))
        }
        expected = segno.make(registration.ticket_code, error="m", micro=False).matrix
        dark = {
            (row, column) for row, cells in enumerate(expected) for column, cell in enumerate(cells) if cell
        }
        # The drawing starts at the first dark module; the code's first row and column have some.
        assert drawn == dark

    def test_ticket_page_shows_qr_of_ticket_code(self, client_pl, edition):
        registration = sign_up(edition)
        page = client_pl.get(
            reverse(
                "registration:ticket",
                kwargs={"public_id": registration.public_id, "token": registration.manage_token},
            )
        ).content.decode()
        assert "<svg" in page
        assert registration.email not in page.split("<svg", 1)[1].split("</svg>", 1)[0]

    def test_calendar_has_my_day_and_confirmed_items(self, client_pl, edition, first_day, visit):
        registration = sign_up(edition, [visit])
        body = client_pl.get(
            reverse(
                "registration:calendar",
                kwargs={"public_id": registration.public_id, "token": registration.manage_token},
            )
        ).content
        events = Calendar.from_ical(body).walk("VEVENT")
        assert [str(e["summary"]) for e in events] == [f"MIEJSCA OTWARTE: {first_day.title}", visit.title]

    def test_download_and_delete_my_data(self, client_pl, edition, visit):
        registration = sign_up(edition, [visit], first_name="Grażyna")
        url = registration.get_manage_url()
        data = client_pl.get(
            reverse(
                "registration:data",
                kwargs={"public_id": registration.public_id, "token": registration.manage_token},
            )
        ).json()
        assert data["registration"]["first_name"] == "Grażyna"
        assert data["bookings"][0]["item"] == visit.title
        delete_url = reverse(
            "registration:delete",
            kwargs={"public_id": registration.public_id, "token": registration.manage_token},
        )
        assert client_pl.get(delete_url).status_code == 200
        assert Registration.objects.get(pk=registration.pk).first_name == "Grażyna"  # asking changes nothing
        response = client_pl.post(delete_url)
        assert response.status_code == 200
        registration.refresh_from_db()
        assert registration.first_name == "" and registration.anonymised_at is not None
        assert client_pl.get(url).status_code == 404


@pytest.mark.django_db
def test_confirmation_mail_has_link_and_ticket(mailoutbox, edition, visit):
    registration = sign_up(edition, [visit], first_name="Jolanta")
    assert send_queued_mail() == 1
    (message,) = mailoutbox
    assert message.to == [registration.email]
    assert "Jolanta" in message.body
    assert registration.get_absolute_manage_url() in message.body
    html = message.alternatives[0][0]
    assert registration.get_absolute_manage_url() in html
    assert [a[2] for a in message.attachments] == ["application/pdf", "text/calendar; method=PUBLISH"]
    assert OutgoingMail.objects.get().state == OutgoingMail.State.SENT


@pytest.mark.django_db
def test_mail_failure_is_retried_later(monkeypatch, edition):
    from django_tasks_db.models import DBTaskResult

    sign_up(edition)
    monkeypatch.setattr(
        "django.core.mail.EmailMultiAlternatives.send",
        lambda self: (_ for _ in ()).throw(ConnectionRefusedError("down")),
    )
    assert send_queued_mail() == 0
    mail = OutgoingMail.objects.get()
    assert (mail.state, mail.attempts) == (OutgoingMail.State.AWAITING_RETRY, 1)
    retry_job = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert retry_job.run_after == mail.next_attempt_at
