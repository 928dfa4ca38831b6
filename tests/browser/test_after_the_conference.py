"""The attendee after the conference, in a real browser: the invitation's link, the certificate
from the management page, and the survey (with axe-core on it)."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from aftercare import services
from aftercare.models import FeedbackAnswer, FeedbackRating
from tests.browser.test_accessibility import axe_violations
from tests.factories import attended, send_queued_mail

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(bypass_csp=True),  # axe is injected from outside
]


def test_certificate_and_survey_after_check_in(page, live_server, past, visit_2023, days_2023, mailoutbox):
    person = attended(past, [visit_2023], first_name="Józefina", last_name="Świątek-Dąbrowska")
    services.feedback_invite(registrations=[person])
    assert send_queued_mail() == 1
    # the invitation's links: the survey, then the management page
    survey_link, manage_link = re.findall(r"http://\S+/registration/manage/\S+/", mailoutbox[0].body)
    assert survey_link == manage_link + "feedback/"
    manage_path = manage_link.split("/registration/", 1)[1]

    page.goto(f"{live_server.url}/registration/{manage_path}")
    section = page.get_by_test_id("after-the-conference")
    expect(section.get_by_role("heading", level=2)).to_have_text("Po konferencji")
    with page.expect_download() as download:
        section.get_by_role("link", name="Zaświadczenie o uczestnictwie (PDF)").click()
    content = open(download.value.path(), "rb").read()  # noqa: SIM115 (playwright's temporary file)
    assert content.startswith(b"%PDF")
    text = " ".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())
    assert "Zaświadczenie o uczestnictwie" in text
    assert "Józefina Świątek-Dąbrowska" in text
    assert visit_2023.title_pl in text

    section.get_by_role("link", name="Wypełnij ankietę").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jak było na konferencji?")
    assert axe_violations(page) == []
    first_day = page.get_by_role("group", name="Środa, 29 listopada — Wydarzenia towarzyszące")
    first_day.get_by_label("5", exact=True).check()
    page.get_by_role("group", name=re.compile(re.escape(visit_2023.title_pl))).get_by_label(
        "4", exact=True
    ).check()
    page.get_by_label("Czy chcesz nam jeszcze coś przekazać?").fill("Więcej takich wizyt!")
    page.get_by_role("button", name="Wyślij odpowiedź").click()

    expect(page.get_by_text("Dziękujemy! Twoja odpowiedź została zapisana.")).to_be_visible()
    expect(page.get_by_test_id("answered")).to_be_visible()
    assert list(FeedbackAnswer.objects.values_list("comment", flat=True)) == ["Więcej takich wizyt!"]
    ratings = set(FeedbackRating.objects.values_list("day", "item", "rating"))
    assert ratings == {(days_2023[0].pk, None, 5), (None, visit_2023.pk, 4)}

    page.get_by_role("link", name="Wróć do swojej rejestracji").click()
    expect(page.get_by_text("Dziękujemy za wypełnienie ankiety.")).to_be_visible()


def test_survey_with_errors_has_no_wcag_violations(page, live_server, past, days_2023):
    person = attended(past)
    page.goto(f"{live_server.url}{person.get_manage_url()}feedback/")
    page.get_by_role("button", name="Wyślij odpowiedź").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Oceń co najmniej jeden dzień lub punkt programu albo napisz komentarz."
    )
    assert axe_violations(page) == []
    assert not FeedbackAnswer.objects.exists()
