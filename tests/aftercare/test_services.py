import datetime as dt

import pytest
from django.utils import timezone

from aftercare import services
from aftercare.errors import AftercareError
from aftercare.models import FeedbackAnswer, FeedbackRating, FeedbackRequest
from aftercare.selectors import feedback_comments, feedback_results
from outbox.models import OutgoingMail
from registration import services as registration_services
from registration.models import Registration
from tests.factories import attended, sign_up

pytestmark = pytest.mark.django_db

CERTIFICATE = OutgoingMail.Kind.CERTIFICATE
INVITATION = OutgoingMail.Kind.FEEDBACK_INVITATION


def refusal(call, **kwargs) -> str:
    with pytest.raises(AftercareError) as caught:
        call(**kwargs)
    return caught.value.code


class TestWhoMayHaveACertificate:
    def test_the_days_checked_in_and_the_seats_on_those_days(self, past, visit_2023, evening_2023, days_2023):
        person = attended(past, [visit_2023, evening_2023])
        attendance = services.certificate_check(registration=person)
        assert attendance.days == days_2023
        assert attendance.items == [visit_2023, evening_2023]

    def test_an_item_on_a_day_not_checked_in_was_not_attended(self, past, visit_2023, days_2023):
        second = days_2023[1]
        person = attended(past, [visit_2023], checked_in=[second])
        attendance = services.certificate_check(registration=person)
        assert (attendance.days, attendance.items) == ([second], [])

    def test_a_waiting_place_is_not_attendance(self, past, visit_2023, evening_2023):
        visit_2023.capacity = 0
        visit_2023.save()
        person = attended(past, [visit_2023, evening_2023])
        assert services.certificate_check(registration=person).items == [evening_2023]

    def test_nobody_never_checked_in(self, past):
        person = attended(past, checked_in=[])
        assert refusal(services.certificate_check, registration=person) == "not_checked_in"

    def test_not_before_the_edition_is_over(self, edition, first_day):
        person = sign_up(edition)
        assert refusal(services.certificate_check, registration=person) == "not_over"

    def test_not_the_cancelled(self, past):
        person = attended(past)
        registration_services.registration_cancel(registration=person, by_organiser=True)
        person.refresh_from_db()
        assert refusal(services.certificate_check, registration=person) == "cancelled"


class TestCertificateByMail:
    def test_queued_once_then_refused_for_a_while(self, past):
        person = attended(past)
        now = timezone.now()
        mail = services.certificate_send(registration=person, now=now)
        assert (mail.kind, mail.to, mail.registration) == (CERTIFICATE, person.email, person)
        assert refusal(services.certificate_send, registration=person, now=now) == "certificate_just_sent"
        assert OutgoingMail.objects.filter(kind=CERTIFICATE).count() == 1
        later = now + services.CERTIFICATE_RESEND_AFTER + dt.timedelta(seconds=1)
        services.certificate_send(registration=person, now=later)
        assert OutgoingMail.objects.filter(kind=CERTIFICATE).count() == 2

    def test_refused_and_nothing_queued_for_someone_not_checked_in(self, past):
        person = attended(past, checked_in=[])
        assert refusal(services.certificate_send, registration=person) == "not_checked_in"
        assert not OutgoingMail.objects.exists()

    def test_in_bulk_only_to_the_checked_in_and_never_twice(self, past):
        came = attended(past)
        absent = attended(past, checked_in=[])
        cancelled = attended(past)
        registration_services.registration_cancel(registration=cancelled, by_organiser=True)
        selection = Registration.objects.filter(edition=past).order_by("pk")

        sent = services.certificates_send(registrations=selection)
        assert (sent.done, sent.already, sent.not_eligible) == ([came], 0, 2)
        again = services.certificates_send(registrations=selection)
        assert (again.done, again.already, again.not_eligible) == ([], 1, 2)
        assert list(OutgoingMail.objects.filter(kind=CERTIFICATE).values_list("to", flat=True)) == [
            came.email
        ]
        assert absent.mails.count() == 0

    def test_a_failed_mail_does_not_count_as_sent(self, past):
        person = attended(past)
        services.certificates_send(registrations=[person])
        OutgoingMail.objects.update(state=OutgoingMail.State.FAILED)
        assert len(services.certificates_send(registrations=[person]).done) == 1


class TestInvitations:
    def test_once_per_person_ever(self, past):
        came, absent = attended(past), attended(past, checked_in=[])
        now = timezone.now()
        sent = services.feedback_invite(registrations=[came, absent], now=now)
        assert (sent.done, sent.already, sent.not_eligible) == ([came], 0, 1)
        assert FeedbackRequest.objects.get().invited_at == now
        again = services.feedback_invite(registrations=[came, absent])
        assert (again.done, again.already, again.not_eligible) == ([], 1, 1)
        assert OutgoingMail.objects.filter(kind=INVITATION).count() == 1

    def test_not_to_someone_who_answered_already(self, past):
        person = attended(past)
        services.feedback_submit(registration=person, day_ratings={}, item_ratings={}, comment="Super.")
        assert services.feedback_invite(registrations=[person]).already == 1
        assert not OutgoingMail.objects.filter(kind=INVITATION).exists()

    def test_the_audit_trail_records_the_invitation(self, past):
        person = attended(past)
        services.feedback_invite(registrations=[person])
        request = FeedbackRequest.objects.get()
        assert [entry.invited_at for entry in request.history.all()] == [request.invited_at, None]


class TestAnswer:
    def test_saved_once_without_the_person(self, past, visit_2023, days_2023):
        first, second = days_2023
        person = attended(past, [visit_2023])
        answer = services.feedback_submit(
            registration=person,
            day_ratings={first.pk: 5, second.pk: 3},
            item_ratings={visit_2023.pk: 4},
            comment="  Dziękujemy za świetną wizytę!  ",
        )
        assert answer.comment == "Dziękujemy za świetną wizytę!"
        ratings = {(r.day_id, r.item_id, r.rating) for r in FeedbackRating.objects.all()}
        assert ratings == {(first.pk, None, 5), (second.pk, None, 3), (None, visit_2023.pk, 4)}
        assert FeedbackRequest.objects.get(registration=person).answered_at is not None
        # Nothing in an answer points at a person or says when it was given.
        fields = {field.name for field in FeedbackAnswer._meta.get_fields()}
        assert fields == {"id", "edition", "comment", "ratings"}

        again = refusal(
            services.feedback_submit,
            registration=person,
            day_ratings={first.pk: 1},
            item_ratings={},
            comment="",
        )
        assert again == "already_answered"
        assert (FeedbackAnswer.objects.count(), FeedbackRating.objects.count()) == (1, 3)

    @pytest.mark.parametrize(
        ("rating", "comment", "code"),
        [
            (7, "", "bad_rating"),
            (0, "", "bad_rating"),
            (None, "   ", "empty_answer"),
            (None, "x" * 2001, "comment_too_long"),
        ],
    )
    def test_bad_input_changes_nothing(self, past, days_2023, rating, comment, code):
        person = attended(past)
        day_ratings = {days_2023[0].pk: rating} if rating is not None else {}
        assert (
            refusal(
                services.feedback_submit,
                registration=person,
                day_ratings=day_ratings,
                item_ratings={},
                comment=comment,
            )
            == code
        )
        assert not FeedbackAnswer.objects.exists()
        assert not FeedbackRequest.objects.filter(answered_at__isnull=False).exists()

    def test_only_what_the_person_attended(self, past, visit_2023, days_2023):
        other_visit = past.items.get(slug="wizyta-skawina")
        person = attended(past, [visit_2023], checked_in=[days_2023[1]])
        for day_ratings, item_ratings in [
            ({days_2023[0].pk: 4}, {}),
            ({}, {visit_2023.pk: 4}),
            ({}, {other_visit.pk: 4}),
        ]:
            assert (
                refusal(
                    services.feedback_submit,
                    registration=person,
                    day_ratings=day_ratings,
                    item_ratings=item_ratings,
                    comment="",
                )
                == "not_attended"
            )
        assert not FeedbackAnswer.objects.exists()

    def test_the_answer_stays_unchanged_when_the_person_is_erased(self, past, visit_2023, days_2023):
        person = attended(past, [visit_2023], first_name="Bożena", last_name="Ćwik")
        services.feedback_submit(
            registration=person,
            day_ratings={days_2023[0].pk: 2},
            item_ratings={},
            comment="Za zimno na sali.",
        )
        registration_services.registration_anonymise(registration=person)
        answer = FeedbackAnswer.objects.get()
        assert (answer.comment, [r.rating for r in answer.ratings.all()]) == ("Za zimno na sali.", [2])
        assert list(feedback_comments(past)) == ["Za zimno na sali."]


def test_results_per_day_and_item(past, visit_2023, evening_2023, days_2023):
    first, second = days_2023
    for day_rating, visit_rating in [(5, 4), (4, 2), (None, 3)]:
        person = attended(past, [visit_2023, evening_2023])
        services.feedback_invite(registrations=[person])
        services.feedback_submit(
            registration=person,
            day_ratings={first.pk: day_rating} if day_rating else {},
            item_ratings={visit_2023.pk: visit_rating},
            comment="",
        )
    services.feedback_invite(registrations=[attended(past)])  # invited, no answer
    results = feedback_results(past)
    assert (results.invited, results.answered) == (4, 3)
    rows = {row.subject: (row.count, row.average, row.spread) for row in results.rows}
    assert rows == {
        first: (2, 4.5, [0, 0, 0, 1, 1]),
        second: (0, None, [0, 0, 0, 0, 0]),
        visit_2023: (3, 3.0, [0, 1, 1, 1, 0]),
    }
    assert list(feedback_comments(past)) == []
