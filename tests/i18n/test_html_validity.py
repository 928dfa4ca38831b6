"""The public pages are valid HTML according to the W3C Nu HTML Checker (vnu.jar, run with Java)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.urls import reverse

from backoffice.roles import STAFF, roles_setup
from program.models import ProgramItem
from registration import services
from registration.checkin import attendance_check_in
from registration.models import Registration
from tests.factories import attended

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

VNU_JAR = Path(settings.BASE_DIR) / ".cache" / "vnu" / "vnu.jar"


@pytest.fixture(scope="session")
def vnu() -> list[str]:
    """The checker's command line: java -jar vnu.jar."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is missing: the W3C Nu HTML Checker needs it (apt-get install default-jre)")
    if not VNU_JAR.exists():  # `make test` fetches it; a bare pytest run does it here
        fetch = Path(settings.BASE_DIR) / "scripts" / "fetch-vnu.sh"
        subprocess.run([fetch, VNU_JAR], check=True)  # noqa: S603 (our own script)
    return [java, "-jar", str(VNU_JAR)]


def test_public_pages_are_valid_html(client, upcoming_edition, vnu, tmp_path):
    visit = ProgramItem.objects.get(edition=upcoming_edition, slug="wizyta-kozlowka")
    registration = services.registration_create(
        edition=upcoming_edition,
        person=services.Person(
            first_name="Zofia",
            last_name="Żółkiewska",
            email="zofia@example.com",
            town="Kraków",
            voivodeship="lesser_poland",
        ),
        days=[upcoming_edition.days.first()],
        items=[visit],
        consents={"terms": True, "privacy": True, "image": False, "newsletter": False},
    )
    manage = {"public_id": registration.public_id, "token": registration.manage_token}
    urls = {
        "home": reverse("program:home"),
        "program": reverse("program:program"),
        "item": reverse("program:item", kwargs={"slug": visit.slug}),
        "register": reverse("registration:register"),
        "resend": reverse("registration:resend_link"),
        "privacy": reverse("registration:privacy"),
        "accessibility": reverse("program:accessibility"),
        "contact": reverse("program:contact"),
        "thanks": reverse("registration:thanks", kwargs=manage),
        "manage": reverse("registration:manage", kwargs=manage),
        "ticket": reverse("registration:ticket", kwargs=manage),
        "cancel": reverse("registration:cancel", kwargs=manage),
        "delete": reverse("registration:delete", kwargs=manage),
        "manage-items": reverse("registration:manage_items", kwargs=manage),
        "manage-details": reverse("registration:manage_details", kwargs=manage),
        "manage-catering": reverse("registration:manage_catering", kwargs=manage),
    }
    client.cookies["django_language"] = "pl"
    files = []
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    # The form sent back with every error shown.
    response = client.post(reverse("registration:register"), {})
    files.append(tmp_path / "register-errors.html")
    files[-1].write_bytes(response.content)
    # With a free ticket chosen: the claim's group shown, its errors in it.
    response = client.post(reverse("registration:register"), {"catering": "free"})
    files.append(tmp_path / "register-claim-errors.html")
    files[-1].write_bytes(response.content)
    # Each step of the management page sent back with its errors.
    for name, data in [
        ("manage_items", {"action": "items", "items-items": ["0"]}),
        ("manage_details", {"action": "person"}),
        ("manage_catering", {"action": "catering_add", "catering-diet": "?"}),
    ]:
        response = client.post(reverse(f"registration:{name}", kwargs=manage), data)
        assert response.status_code == 400, name
        files.append(tmp_path / f"{name}-errors.html")
        files[-1].write_bytes(response.content)

    assert vnu_errors(vnu, files) == []
    assert len(files) == len(urls) + 5 == 21  # every page above, the forms with their errors


def vnu_errors(vnu: list[str], files: list[Path]) -> list[str]:
    result = subprocess.run(  # noqa: S603 (java and the checker, files we wrote)
        [*vnu, "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return [
        f"{Path(message['url']).name}:{message.get('lastLine')}: {message['message']}"
        for message in json.loads(result.stderr)["messages"]
    ]


def test_check_in_pages_are_valid_html(client, upcoming_edition, vnu, tmp_path):
    """The door's page: empty, with a search, with the walk-in's errors, and each result."""
    roles_setup()
    staff = User.objects.create_user("staff", password="secret-pass", is_staff=True)
    staff.groups.add(Group.objects.get(name=STAFF))
    client.force_login(staff)
    first_day, second_day = upcoming_edition.days.order_by("date")

    def person(email: str, days=(first_day,), items=("wizyta-kozlowka",)) -> Registration:
        return services.registration_create(
            edition=upcoming_edition,
            person=services.Person(
                first_name="Zofia",
                last_name="Żółkiewska",
                email=email,
                town="Kraków",
                voivodeship="lesser_poland",
            ),
            days=list(days),
            items=list(upcoming_edition.items.filter(slug__in=items)),
            consents={"terms": True, "privacy": True},
        )

    ok, already = person("ok@example.com"), person("already@example.com", days=[first_day, second_day])
    attendance_check_in(registration=already, day=first_day, by=staff)
    elsewhere = person("elsewhere@example.com", days=[second_day], items=())
    cancelled = services.registration_cancel(registration=person("cancelled@example.com"))
    page = reverse("staff:checkin")
    code = reverse("staff:checkin_code", args=[first_day.pk])
    responses = {
        "checkin": client.get(page, {"day": first_day.pk}),
        "checkin-search": client.get(page, {"day": first_day.pk, "q": "Żółkiewska"}),
        "checkin-walk-in-errors": client.post(reverse("staff:checkin_walk_in", args=[first_day.pk]), {}),
        **{
            f"checkin-{name}": client.post(code, {"code": text})
            for name, text in [
                ("ok", ok.ticket_code),
                ("already", already.ticket_code),
                ("not-attending", elsewhere.ticket_code),
                ("cancelled", cancelled.ticket_code),
                ("unknown", "A" * 26),
            ]
        },
    }
    upcoming_edition.registrations_need_approval = True
    upcoming_edition.save()
    responses["checkin-awaiting-approval"] = client.post(
        code, {"code": person("wait@example.com").ticket_code}
    )
    files = []
    for name, response in responses.items():
        assert response.status_code == 200, name
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    states = [r.context["result"].state for r in responses.values() if r.context["result"]]
    assert states == ["ok", "already", "not_attending", "cancelled", "unknown_code", "awaiting_approval"]
    assert vnu_errors(vnu, files) == []


def test_pages_after_the_conference_are_valid_html(client, past, visit_2023, vnu, tmp_path):
    """The management page with the certificate, the survey, with its errors and once answered."""
    person = attended(past, [visit_2023])
    survey = reverse(
        "registration:feedback", kwargs={"public_id": person.public_id, "token": person.manage_token}
    )
    client.cookies["django_language"] = "pl"
    pages = {
        "manage-after": client.get(person.get_manage_url()),
        "survey": client.get(survey),
        "survey-errors": client.post(survey, {"comment": "", f"item_{visit_2023.pk}": "9"}),
        "survey-answered": client.post(survey, {"comment": "Dziękujemy!"}, follow=True),
    }
    files = []
    for name, response in pages.items():
        assert response.status_code == (400 if name == "survey-errors" else 200), name
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    assert vnu_errors(vnu, files) == []
