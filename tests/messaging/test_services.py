"""Messages to a group: who gets them, what is refused, and what one send writes."""

import uuid

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from attendees.services import sign_up as sign_up_with_catering
from catering.models import CateringOrder
from catering.services import CateringRequest, catering_orders_mark_paid
from messaging.errors import MessagingError
from messaging.models import Message, MessageRecipient
from messaging.selectors import message_recipients, messages_sent_to
from messaging.services import message_draft
from outbox.models import OutgoingMail
from registration import services
from registration.models import Registration
from tests.factories import ALL_CONSENTS, person, send_queued_mail, sign_up

from .conftest import TEXTS

pytestmark = pytest.mark.django_db
Audience = Message.Audience


def names(people) -> list[str]:
    return [registration.last_name for registration in people]


def recipients(edition, audience, **kwargs) -> list[str]:
    return names(message_recipients(edition=edition, audience=audience, **kwargs))


@pytest.fixture
def people(edition, visit, first_day, second_day):
    """Seated on the visit (one seat): Adamska; waiting: Bielski; the second day only: Cichy;
    cancelled: Dudek; a catering buyer who has not paid: Ewa; one who has: Fijałkowski."""
    services.item_set_capacity(item=visit, capacity=1)
    catering_day = edition.catering.day
    seated = sign_up(edition, [visit], days=[first_day], last_name="Adamska")
    waiting = sign_up(edition, [visit], days=[first_day], last_name="Bielski")
    second = sign_up(edition, days=[second_day], last_name="Cichy")
    cancelled = sign_up(edition, [visit], days=[first_day, second_day], last_name="Dudek")
    services.registration_cancel(registration=cancelled)

    def buyer(last_name):
        return sign_up_with_catering(
            edition=edition,
            person=person(last_name=last_name),
            days=[catering_day],
            items=[],
            consents=ALL_CONSENTS,
            catering_request=CateringRequest(),
        )

    unpaid, paid = buyer("Ewa"), buyer("Fijałkowski")
    catering_orders_mark_paid(orders=paid.catering_orders.all(), paid_on=timezone.localdate())
    assert list(CateringOrder.objects.filter(status=CateringOrder.Status.AWAITING_PAYMENT)) == [
        unpaid.catering_orders.get()
    ]
    return {"seated": seated, "waiting": waiting, "second": second, "unpaid": unpaid, "paid": paid}


class TestRecipients:
    def test_everyone_registered_and_never_the_cancelled(self, edition, people):
        assert recipients(edition, Audience.EVERYONE) == ["Adamska", "Bielski", "Cichy", "Ewa", "Fijałkowski"]

    def test_a_days_people(self, edition, people, first_day, second_day):
        catering_day = edition.catering.day
        expected = {first_day: ["Adamska", "Bielski"], second_day: ["Cichy"]}
        expected[catering_day] = sorted([*expected[catering_day], "Ewa", "Fijałkowski"])
        assert recipients(edition, Audience.DAY, day=first_day) == expected[first_day]
        assert recipients(edition, Audience.DAY, day=second_day) == expected[second_day]

    def test_an_items_seats_and_its_waiting_list(self, edition, people, visit, evening):
        assert recipients(edition, Audience.SEATED, item=visit) == ["Adamska"]
        assert recipients(edition, Audience.WAITING, item=visit) == ["Bielski"]
        assert recipients(edition, Audience.WAITING, item=evening) == []

    def test_catering_buyers_who_have_not_paid(self, edition, people):
        assert recipients(edition, Audience.UNPAID) == ["Ewa"]

    def test_the_selected_people_still_registered(self, edition, people):
        cancelled = Registration.objects.get(last_name="Dudek")
        selected = [people["waiting"], people["unpaid"], cancelled]
        assert recipients(edition, Audience.SELECTED, registrations=selected) == ["Bielski", "Ewa"]
        assert recipients(edition, Audience.SELECTED) == []

    def test_another_editions_people_are_not_selected(self, edition, other_edition, people):
        other = sign_up(other_edition, days=[other_edition.days.first()], last_name="Zima")
        assert recipients(edition, Audience.SELECTED, registrations=[other, people["second"]]) == ["Cichy"]


class TestSend:
    def test_one_mail_per_person_with_the_message_and_its_recipients(self, edition, people, visit, send):
        before = set(OutgoingMail.objects.values_list("pk", flat=True))
        message = send(Audience.SEATED, item=visit)
        message = Message.objects.get(pk=message.pk)
        mails = OutgoingMail.objects.exclude(pk__in=before)
        assert [(m.kind, m.to, m.context) for m in mails] == [
            (OutgoingMail.Kind.MESSAGE, people["seated"].email, {"message_id": message.pk})
        ]
        assert list(message.recipients.values_list("registration", "mail")) == [
            (people["seated"].pk, mails.get().pk)
        ]
        assert (message.audience, message.item, message.day, message.recipient_count) == (
            Audience.SEATED,
            visit,
            None,
            1,
        )
        assert (message.subject_pl, message.subject_en, message.body_pl, message.body_en) == tuple(
            TEXTS.values()
        )
        assert message.sent_by.username == "writer"
        assert message.audience_label == f"People with a seat on an item: {visit.title}"

    def test_everything_in_one_transaction(self, edition, people, send):
        """The message, its recipients and their mails commit together, or none of them."""
        with pytest.raises(RuntimeError), transaction.atomic():
            send()
            assert MessageRecipient.objects.count() == 5
            raise RuntimeError("the caller's transaction fails after the send")
        assert Message.objects.count() == 0
        assert MessageRecipient.objects.count() == 0
        assert OutgoingMail.objects.filter(kind=OutgoingMail.Kind.MESSAGE).count() == 0

    def test_the_send_button_clicked_twice_sends_once(self, edition, people, send):
        key = uuid.uuid4()
        first = send(submission_key=key)
        assert send(submission_key=key) == first
        assert OutgoingMail.objects.filter(kind=OutgoingMail.Kind.MESSAGE).count() == 5

    def test_the_group_changed_since_the_preview(self, edition, people, visit, send):
        with pytest.raises(MessagingError) as refused:
            send(Audience.WAITING, item=visit, expected_recipients=2)
        assert (refused.value.code, refused.value.params) == ("group_changed", {"count": 1})
        assert "(now: 1)" in refused.value.message
        assert Message.objects.count() == 0
        assert send(Audience.WAITING, item=visit, expected_recipients=1).recipient_count == 1

    def test_only_what_the_group_needs_is_kept(self, edition, people, visit, first_day, send):
        message = send(Audience.EVERYONE, day=first_day, item=visit)
        assert (message.day, message.item) == (None, None)


class TestRefusals:
    """Bad input is refused with a message, and nothing is written: no message, no mail."""

    @pytest.mark.parametrize("empty", ["subject_pl", "subject_en", "body_pl", "body_en"])
    @pytest.mark.parametrize("blank", ["", "  \n "])
    def test_a_text_missing_in_either_language(self, edition, people, send, empty, blank):
        self.assert_refused(send, "text_missing", **{empty: blank})

    def test_a_day_or_item_the_group_needs(self, edition, other_edition, people, send):
        other_editions_item = other_edition.items.filter(capacity__isnull=False).first()
        self.assert_refused(send, "day_required", audience=Audience.DAY)
        self.assert_refused(send, "day_required", audience=Audience.DAY, day=other_edition.days.first())
        self.assert_refused(send, "item_required", audience=Audience.SEATED)
        self.assert_refused(send, "item_required", audience=Audience.WAITING, item=other_editions_item)

    def test_nobody_in_the_group(self, edition, people, evening, send):
        self.assert_refused(send, "nobody", audience=Audience.WAITING, item=evening)
        self.assert_refused(send, "nobody", audience=Audience.SELECTED)
        self.assert_refused(send, "nobody", audience="someone else")

    def test_the_message_says_why_in_the_organisers_language(self, edition):
        error = MessagingError("text_missing")
        assert error.message.startswith("Write the subject and the message in both Polish and English")

    @staticmethod
    def assert_refused(send, code, **arguments):
        mails = OutgoingMail.objects.count()
        with pytest.raises(MessagingError) as refused:
            send(**arguments)
        assert refused.value.code == code
        assert (Message.objects.count(), MessageRecipient.objects.count(), OutgoingMail.objects.count()) == (
            0,
            0,
            mails,
        )


class TestDraft:
    def test_the_preview_writes_nothing(self, edition, people, visit, django_assert_max_num_queries):
        mails = OutgoingMail.objects.count()
        with django_assert_max_num_queries(1):  # the recipients, by name
            draft = message_draft(edition=edition, audience=Audience.WAITING, item=visit, **TEXTS)
        assert names(draft.recipients) == ["Bielski"]
        assert (draft.message.pk, draft.message.subject_en) == (None, "A new room")
        assert (Message.objects.count(), OutgoingMail.objects.count()) == (0, mails)


class TestTheMail:
    """The mail as the worker sends it: the message in the person's language, its line breaks
    kept, inside the common layout with the link to the person's registration."""

    def send_to(self, edition, send, language: str, body_en: str = TEXTS["body_en"]):
        registration = services.registration_create(
            edition=edition,
            person=person(first_name="Łucja"),
            days=[edition.days.order_by("date").first()],
            items=[],
            consents=ALL_CONSENTS,
            language=language,
        )
        OutgoingMail.objects.update(state=OutgoingMail.State.SENT)  # the confirmation went already
        send(Audience.SELECTED, registrations=[registration], body_en=body_en)
        assert send_queued_mail() == 1
        return registration, mail.outbox[-1]

    def test_in_english(self, edition, send):
        registration, message = self.send_to(edition, send, "en")
        assert message.to == [registration.email]
        assert message.subject == "A new room"
        assert message.body.startswith("Hello Łucja,\n\nWe meet in room 2.\nPlease be on time.\n")
        assert "Manage your registration:\n" + registration.get_absolute_manage_url() in message.body
        html = message.alternatives[0][0]
        assert "<p>We meet in room 2.<br>Please be on time.\n</p>" in html
        assert registration.get_absolute_manage_url() in html
        assert message.attachments == []

    def test_in_polish(self, edition, send):
        registration, message = self.send_to(edition, send, "pl")
        assert message.subject == "Zmiana sali"
        assert message.body.startswith(
            "Dzień dobry, Łucja,\n\nSpotykamy się w sali 2.\nProsimy o punktualność.\n"
        )
        assert "Zarządzaj swoją rejestracją:\n" + registration.get_absolute_manage_url() in message.body
        assert "<p>Spotykamy się w sali 2.<br>Prosimy o punktualność.\n</p>" in message.alternatives[0][0]

    def test_the_organisers_text_is_escaped_in_the_html_only(self, edition, send):
        _registration, message = self.send_to(edition, send, "en", body_en='Bring <b>this</b> & "that"')
        assert 'Bring <b>this</b> & "that"' in message.body
        html = message.alternatives[0][0]
        assert "Bring &lt;b&gt;this&lt;/b&gt; &amp; &quot;that&quot;" in html
        assert "<b>this</b>" not in html


class TestTheAttendeesList:
    def test_newest_first_in_one_query(self, edition, people, visit, send, django_assert_num_queries):
        first = send(Audience.SEATED, item=visit)
        second = send(Audience.EVERYONE, subject_en="Second")
        send(Audience.WAITING, item=visit)
        with django_assert_num_queries(1):
            assert messages_sent_to(people["seated"]) == [second, first]


class TestAnonymisation:
    def test_no_personal_data_is_left_in_the_messages_rows(self, edition, people, visit, send):
        """A recipient row only points at the registration, which is blanked, and at the mail,
        which is deleted: the row stays, for the count, with nobody's data."""
        message = send(Audience.WAITING, item=visit)
        waiting = people["waiting"]
        services.registration_anonymise(registration=waiting)
        recipient = MessageRecipient.objects.select_related("registration").get(message=message)
        assert (recipient.registration_id, recipient.mail_id) == (waiting.pk, None)
        assert str(recipient) == "anonymised person"
        assert OutgoingMail.objects.filter(registration=waiting).count() == 0
        with connection.cursor() as cursor:  # nothing of the person in the message or its history
            for table in ("messaging_message", "messaging_messagerecipient", "audit_historicalmessage"):
                cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (our own table names)
                rows = str(cursor.fetchall())
                assert waiting.first_name not in rows and "Bielski" not in rows
