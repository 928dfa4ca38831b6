"""Messages to a group in the back office (issue #15): write → preview → send, the links that
prefill the group, the registration list's action, the messages sent, and who may do it."""

import re

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.urls import reverse

from messaging.models import Message, MessageRecipient
from messaging.services import message_send
from outbox.models import OutgoingMail
from registration import services
from tests.factories import sign_up
from tests.messaging.conftest import TEXTS

pytestmark = pytest.mark.django_db
WRITE = "admin:messaging_message_add"
Audience = Message.Audience


@pytest.fixture
def waiting_list(edition, visit):
    """One seat on the visit: Adamska has it; Bielski and Cichy wait (Cichy registered in English)."""
    services.item_set_capacity(item=visit, capacity=1)
    seated = sign_up(edition, [visit], last_name="Adamska")
    first = sign_up(edition, [visit], last_name="Bielski")
    second = sign_up(edition, [visit], last_name="Cichy", first_name="Carl")
    second.language = "en"
    second.save(update_fields=["language"])
    OutgoingMail.objects.update(state=OutgoingMail.State.SENT)  # the confirmations went already
    return seated, first, second


def form_data(**overrides) -> dict:
    data = {"audience": Audience.EVERYONE, "day": "", "item": "", **TEXTS, "preview": "1"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def hidden_fields(response) -> dict:
    """The preview's hidden form, as the browser posts it back with the send button."""
    fields: dict = {}
    for name, value in re.findall(
        r'<input type="hidden" name="(\w+)" value="([^"]*)"', response.content.decode()
    ):
        if name != "csrfmiddlewaretoken":
            fields.setdefault(name, []).append(value)
    return fields


def message_mails() -> list[str]:
    return sorted(OutgoingMail.objects.filter(kind=OutgoingMail.Kind.MESSAGE).values_list("to", flat=True))


class TestWritePage:
    def test_get_with_the_group_a_link_asks_for(self, organiser_client, edition, visit):
        response = organiser_client.get(reverse(WRITE), {"audience": "waiting", "item": str(visit.pk)})
        assert response.status_code == 200
        form = response.context["form"]
        assert (form["audience"].value(), form["item"].value()) == ("waiting", visit.pk)
        # Nobody was selected on the list: that choice is not offered.
        assert [value for value, _label in form.fields["audience"].choices] == [
            "everyone",
            "day",
            "seated",
            "waiting",
            "unpaid",
        ]

    def test_a_link_with_nonsense_starts_empty(self, organiser_client, edition):
        response = organiser_client.get(reverse(WRITE), {"audience": "selected", "item": "abc", "day": "-1"})
        form = response.context["form"]
        assert (form["audience"].value(), form["item"].value(), form["day"].value()) == (None, None, None)

    def test_preview_counts_and_shows_the_mail_in_both_languages(
        self, organiser_client, edition, visit, waiting_list
    ):
        response = organiser_client.post(reverse(WRITE), form_data(audience="waiting", item=str(visit.pk)))
        assert response.status_code == 200
        page = response.content.decode()
        assert "This message goes to 2 people." in page
        assert [person.last_name for person in response.context["names"]] == ["Bielski", "Cichy"]
        (polish, pl_mail), (english, en_mail) = response.context["previews"]
        assert (polish, pl_mail.subject, english, en_mail.subject) == (
            "Polish",
            "Zmiana sali",
            "English",
            "A new room",
        )
        assert "Spotykamy się w sali 2.\nProsimy o punktualność." in pl_mail.body
        assert en_mail.body.startswith("Hello Zofia,\n\nWe meet in room 2.\nPlease be on time.")
        assert 'value="Send to 2 people"' in page
        # Nothing is sent before the confirmation.
        assert (Message.objects.count(), message_mails()) == (0, [])
        hidden = hidden_fields(response)
        assert (hidden["audience"], hidden["item"], hidden["expected_recipients"]) == (
            ["waiting"],
            [str(visit.pk)],
            ["2"],
        )
        assert len(hidden["submission_key"][0]) == 36

    def test_send_queues_a_mail_each_and_shows_the_message(
        self, organiser, organiser_client, edition, visit, waiting_list
    ):
        _seated, first, second = waiting_list
        preview = organiser_client.post(reverse(WRITE), form_data(audience="waiting", item=str(visit.pk)))
        response = organiser_client.post(reverse(WRITE), {**hidden_fields(preview), "send": "1"})
        message = Message.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:messaging_message_change", args=[message.pk])
        assert message_mails() == sorted([first.email, second.email])
        assert (message.sent_by, message.item, message.recipient_count) == (organiser, visit, 2)
        entry = LogEntry.objects.get(object_id=str(message.pk))
        assert (entry.user, entry.action_flag, entry.change_message) == (
            organiser,
            ADDITION,
            "Sent to 2 people.",
        )
        # The audit trail has it too, with who sent it.
        assert [(h.history_type, h.history_user) for h in message.history.all()] == [("+", organiser)]

        page = organiser_client.get(response["Location"]).content.decode()
        assert "The message “A new room” is on its way to 2 people." in page
        assert "0 sent, 2 waiting, 0 failed" in page
        assert first.email in page and second.email in page
        for recipient in message.recipients.all():  # each state links to the mail in the outbox
            mail_page = reverse("admin:outbox_outgoingmail_change", args=[recipient.mail_id])
            assert f'<a href="{mail_page}">Queued</a>' in page
        history = organiser_client.get(reverse("admin:messaging_message_history", args=[message.pk]))
        assert history.status_code == 200
        history_text = " ".join(re.sub(r"<[^>]+>", " ", history.content.decode()).split())
        assert "Created organiser" in history_text

    def test_the_send_button_twice_sends_once(self, organiser_client, edition, visit, waiting_list):
        preview = organiser_client.post(reverse(WRITE), form_data(audience="waiting", item=str(visit.pk)))
        for _click in range(2):
            organiser_client.post(reverse(WRITE), {**hidden_fields(preview), "send": "1"})
        assert Message.objects.count() == 1
        assert len(message_mails()) == 2

    def test_the_group_changed_since_the_preview(self, organiser_client, edition, visit, waiting_list):
        preview = organiser_client.post(reverse(WRITE), form_data(audience="waiting", item=str(visit.pk)))
        sign_up(edition, [visit], last_name="Dudek")
        response = organiser_client.post(reverse(WRITE), {**hidden_fields(preview), "send": "1"})
        page = response.content.decode()
        assert "The group has changed since the preview (now: 3)." in page
        assert "This message goes to 3 people." in page
        assert hidden_fields(response)["expected_recipients"] == ["3"]
        assert (Message.objects.count(), message_mails()) == (0, [])

    def test_change_the_message_goes_back_with_the_texts(
        self, organiser_client, edition, visit, waiting_list
    ):
        preview = organiser_client.post(reverse(WRITE), form_data(audience="waiting", item=str(visit.pk)))
        response = organiser_client.post(reverse(WRITE), {**hidden_fields(preview), "edit": "1"})
        form = response.context["form"]
        assert "previews" not in response.context
        assert (form["subject_en"].value(), form["item"].value()) == ("A new room", str(visit.pk))
        assert Message.objects.count() == 0


class TestRefusals:
    """Bad input says why, in the organiser's language, and nothing is sent."""

    @pytest.mark.parametrize("action", ["preview", "send"])
    def test_an_empty_text(self, organiser_client, edition, waiting_list, action):
        response = organiser_client.post(reverse(WRITE), form_data(body_en="  ", **{action: "1"}))
        assert response.status_code == 200
        assert response.context["form"].errors == {"body_en": ["This field is required."]}
        assert "Please correct the errors below." in response.content.decode()
        assert (Message.objects.count(), message_mails()) == (0, [])

    def test_in_polish_for_a_polish_organiser(self, organiser_client, edition, waiting_list):
        organiser_client.cookies["django_language"] = "pl"
        response = organiser_client.post(reverse(WRITE), form_data(subject_pl=""), HTTP_ACCEPT_LANGUAGE="pl")
        assert response.context["form"].errors == {"subject_pl": ["To pole jest wymagane."]}

    def test_the_item_the_group_needs(self, organiser_client, edition, waiting_list):
        response = organiser_client.post(reverse(WRITE), form_data(audience="waiting"))
        assert response.context["form"].errors == {"item": ["Choose the program item."]}
        response = organiser_client.post(reverse(WRITE), form_data(audience="day", send="1"))
        assert response.context["form"].errors == {"day": ["Choose the day."]}
        assert (Message.objects.count(), message_mails()) == (0, [])

    def test_nobody_in_the_group(self, organiser_client, edition, evening, waiting_list):
        response = organiser_client.post(reverse(WRITE), form_data(audience="waiting", item=str(evening.pk)))
        assert response.context["form"].errors == {
            "__all__": ["Nobody is in the chosen group: there is no one to send the message to."]
        }
        assert Message.objects.count() == 0

    def test_hostile_values(self, organiser_client, edition, waiting_list):
        response = organiser_client.post(
            reverse(WRITE),
            form_data(
                audience="selected", registrations=["abc", "99999999"], item="x", expected_recipients="-1"
            ),
        )
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {
            "registrations",
            "item",
            "expected_recipients",
        }
        assert Message.objects.count() == 0


class TestSelection:
    def test_the_lists_action_writes_to_the_selected_people(self, organiser_client, edition, waiting_list):
        seated, first, _second = waiting_list
        cancelled = sign_up(edition, last_name="Dudek")
        services.registration_cancel(registration=cancelled)
        changelist = reverse("admin:registration_registration_changelist")
        response = organiser_client.post(
            changelist, {"action": "write_message", "_selected_action": [seated.pk, first.pk, cancelled.pk]}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert f'action="{reverse(WRITE)}"' in page
        form = response.context["form"]
        assert form["audience"].value() == Audience.SELECTED
        assert dict(form.fields["audience"].choices)["selected"] == "The 2 people selected in the list"

        preview = organiser_client.post(
            reverse(WRITE),
            form_data(audience="selected", registrations=hidden_fields(response)["registrations"]),
        )
        assert [person.last_name for person in preview.context["names"]] == ["Adamska", "Bielski"]
        organiser_client.post(reverse(WRITE), {**hidden_fields(preview), "send": "1"})
        assert message_mails() == sorted([seated.email, first.email])
        assert list(
            MessageRecipient.objects.values_list("registration__last_name", flat=True).order_by("pk")
        ) == [
            "Adamska",
            "Bielski",
        ]


class TestEntryPoints:
    def test_the_dashboard_links_to_the_page_and_to_an_items_waiting_list(
        self, organiser_client, edition, visit, waiting_list
    ):
        page = organiser_client.get(reverse("admin_dashboard")).content.decode()
        assert f'href="{reverse(WRITE)}"' in page
        assert f'href="{reverse(WRITE)}?audience=waiting&amp;item={visit.pk}"' in page

    def test_the_item_list_links_to_the_seated_and_the_waiting(self, organiser_client, edition, visit):
        page = organiser_client.get(reverse("admin:program_programitem_changelist")).content.decode()
        assert f'href="{reverse(WRITE)}?audience=seated&amp;item={visit.pk}"' in page
        assert f'href="{reverse(WRITE)}?audience=waiting&amp;item={visit.pk}"' in page

    def test_the_messages_list_links_to_the_page(self, organiser_client, edition):
        page = organiser_client.get(reverse("admin:messaging_message_changelist")).content.decode()
        assert f'href="{reverse(WRITE)}"' in page
        assert "Write to attendees" in page


class TestMessagesSent:
    def test_list_and_page_in_a_fixed_number_of_queries(
        self, organiser_client, edition, visit, waiting_list, send_message, django_assert_max_num_queries
    ):
        for _ in range(3):
            message = send_message()
        OutgoingMail.objects.filter(kind=OutgoingMail.Kind.MESSAGE, to=waiting_list[0].email).update(
            state=OutgoingMail.State.FAILED
        )
        with django_assert_max_num_queries(10):
            page = organiser_client.get(reverse("admin:messaging_message_changelist")).content.decode()
        assert page.count("0 sent, 2 waiting, 1 failed") == 3
        with django_assert_max_num_queries(12):
            response = organiser_client.get(reverse("admin:messaging_message_change", args=[message.pk]))
        assert response.status_code == 200

    def test_read_only(self, organiser_client, edition, waiting_list, send_message):
        message = send_message()
        change = reverse("admin:messaging_message_change", args=[message.pk])
        organiser_client.post(change, {"subject_en": "Changed"})
        assert Message.objects.get().subject_en == "A new room"
        delete = organiser_client.post(
            reverse("admin:messaging_message_delete", args=[message.pk]), {"post": "yes"}
        )
        assert delete.status_code == 403
        assert Message.objects.count() == 1


class TestStaff:
    def test_staff_cannot_write_or_read_messages(
        self, staff_client, edition, visit, waiting_list, send_message
    ):
        message = send_message()
        assert staff_client.get(reverse(WRITE)).status_code == 403
        assert staff_client.post(reverse(WRITE), form_data(send="1")).status_code == 403
        assert staff_client.get(reverse("admin:messaging_message_changelist")).status_code == 403
        assert (
            staff_client.get(reverse("admin:messaging_message_change", args=[message.pk])).status_code == 403
        )
        assert Message.objects.count() == 1

    def test_staff_see_no_links(self, staff_client, edition, visit):
        page = staff_client.get(reverse("admin:program_programitem_changelist")).content.decode()
        assert reverse(WRITE) not in page


@pytest.fixture
def send_message(edition, organiser):
    """A message to everybody, sent through the service."""

    def send_message() -> Message:
        return message_send(edition=edition, audience=Audience.EVERYONE, sent_by=organiser, **TEXTS)

    return send_message
