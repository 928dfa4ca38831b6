"""The move of the catering's and the outbox's models to their own apps, run on a database that
looks like production: rows written in the old layout (program.CateringOffer,
registration.CateringOrder, FreeTicketClaim and OutgoingMail), a queued mail task under its old
path and a group given the old permission. Migrating forward must keep every row, the group's
permission and the queued task; migrating back and forward again must work too.

The database is migrated with the MigrationExecutor, as django-test-migrations does it (without
that dependency); whatever happens, the test leaves it at the latest migrations for the tests
that follow.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from catering.models import CateringOffer, CateringOrder, FreeTicketClaim
from outbox.models import OutgoingMail
from outbox.tasks import send_outgoing_mail
from program.models import ConferenceDay, Edition, ProgramItem
from registration.models import Booking, Registration

OLD_TASK, NEW_TASK = "registration.mail.send_outgoing_mail", "outbox.tasks.send_outgoing_mail"

# The layout before the move: the models still in program and registration, the new apps empty.
OLD_LAYOUT = [
    ("program", "0003_accessibility_statement_and_retention"),
    ("registration", "0002_catering"),
    ("audit", "0004_outgoing_mail_without_history"),
    ("catering", None),
    ("outbox", None),
    ("messaging", None),  # came after the move, and needs the outbox's and registration's new layout
    ("aftercare", None),  # likewise
]
MOVED_APPS = {label for label, _ in OLD_LAYOUT}
# Moved content types: model → (old app, new app).
MOVED = {
    "cateringoffer": ("program", "catering"),
    "cateringorder": ("registration", "catering"),
    "freeticketclaim": ("registration", "catering"),
    "outgoingmail": ("registration", "outbox"),
}

AT = timezone.make_aware(dt.datetime(2030, 11, 2, 10, 30))


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # what is applied now
    ContentType.objects.clear_cache()  # content types were moved under the cache
    return executor


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def old_layout_apps(executor: MigrationExecutor):
    """The historical models of the old layout, with every other app at its latest."""
    nodes = [node for node in OLD_LAYOUT if node[1] is not None]
    nodes += [node for node in executor.loader.graph.leaf_nodes() if node[0] not in MOVED_APPS]
    return executor.loader.project_state(nodes).apps


def fill_old_layout(apps) -> dict:
    """One of each row production holds, written through the models of the old layout."""
    Edition = apps.get_model("program", "Edition")
    ConferenceDay = apps.get_model("program", "ConferenceDay")
    ProgramItem = apps.get_model("program", "ProgramItem")
    OldOffer = apps.get_model("program", "CateringOffer")
    Registration = apps.get_model("registration", "Registration")
    Booking = apps.get_model("registration", "Booking")
    OldOrder = apps.get_model("registration", "CateringOrder")
    OldClaim = apps.get_model("registration", "FreeTicketClaim")
    OldMail = apps.get_model("registration", "OutgoingMail")
    OldTask = apps.get_model("django_tasks_database", "DBTaskResult")
    OldGroup = apps.get_model("auth", "Group")
    OldPermission = apps.get_model("auth", "Permission")

    edition = Edition.objects.create(
        number=7,
        title="MIEJSCA OTWARTE",
        title_pl="MIEJSCA OTWARTE",
        city="Kraków",
        starts_on=dt.date(2030, 11, 29),
        ends_on=dt.date(2030, 11, 30),
        registration_opens_at=AT - dt.timedelta(days=30),
        registration_closes_at=AT + dt.timedelta(days=20),
        is_current=True,
    )
    day = ConferenceDay.objects.create(edition=edition, date=dt.date(2030, 11, 30), title="Konferencja")
    item = ProgramItem.objects.create(
        edition=edition,
        slug="wizyta-kozlowka",
        kind="study_visit",
        title="Wizyta studyjna",
        title_pl="Wizyta studyjna",
        starts_at=AT + dt.timedelta(days=27),
        ends_at=AT + dt.timedelta(days=27, hours=2),
        capacity=20,
        seats_taken=1,
    )
    person = {"town": "Kraków", "voivodeship": "lesser_poland", "edition": edition}
    payer = Registration.objects.create(
        first_name="Zofia", last_name="Żółkiewska", email="zofia@example.com", **person
    )
    claimant = Registration.objects.create(
        first_name="Jan", last_name="Kowalski", email="jan@example.com", **person
    )
    booking = Booking.objects.create(registration=payer, item=item, status="confirmed", confirmed_at=AT)
    offer = OldOffer.objects.create(
        edition=edition,
        day=day,
        price=Decimal("120.00"),
        capacity=150,
        free_ticket_quota=60,
        account_holder="Fundacja Biuro Inicjatyw Społecznych",
        account_number="PL50109010140000000012345678",
        payment_days=7,
        reminder_days=2,
        assumptions="Do potwierdzenia.",
        paid_taken=1,
        free_taken=0,
        free_waitlist_length=1,
    )
    order = OldOrder.objects.create(
        registration=payer,
        offer=offer,
        status="awaiting_payment",
        diet="other",
        diet_note="Bez orzechów",
        amount=Decimal("120.00"),
        payment_due=dt.date(2030, 11, 9),
        invoice_name="Fundacja Gęślą Jaźń",
        invoice_nip="1234563218",
        invoice_address="ul. Źródlana 5, Kraków",
    )
    waiting_order = OldOrder.objects.create(registration=claimant, offer=offer, status="waiting")
    claim = OldClaim.objects.create(
        registration=claimant,
        offer=offer,
        basis="organisation",
        organisation="Stowarzyszenie Sąsiedzi",
        town="Wieliczka",
        fallback_paid=False,
        status="waitlisted",
        waitlist_position=1,
    )
    mail = OldMail.objects.create(
        registration=claimant,
        kind="claim_promoted",
        to="jan@example.com",
        context={"note": "zażółć"},
        state="awaiting_retry",
        attempts=2,
        last_error="SMTP 451",
        next_attempt_at=AT,
    )
    task = OldTask.objects.create(
        status="READY",
        args_kwargs={"args": [mail.pk], "kwargs": {}},
        priority=0,
        task_path=OLD_TASK,
        queue_name="default",
        backend_name="default",
        run_after=AT,
        exception_class_path="",
        traceback="",
    )
    group = OldGroup.objects.create(name="Catering desk")
    group.permissions.add(
        OldPermission.objects.get(content_type__app_label="registration", codename="change_cateringorder")
    )
    return {
        "edition": edition.pk,
        "day": day.pk,
        "item": item.pk,
        "payer": payer.pk,
        "claimant": claimant.pk,
        "booking": booking.pk,
        "offer": offer.pk,
        "order": order.pk,
        "waiting_order": waiting_order.pk,
        "claim": claim.pk,
        "mail": mail.pk,
        "task": task.pk,
        "group": group.pk,
    }


def content_type_apps() -> dict[str, str]:
    """The app each moved model's content type names (one content type per model, no copies)."""
    rows = ContentType.objects.filter(model__in=MOVED).values_list("model", "app_label")
    assert len(rows) == len(MOVED), list(rows)
    return dict(rows)


def check_new_layout(pks: dict) -> None:
    """Every row is there, read through the current models, with the values written."""
    edition = Edition.objects.get(pk=pks["edition"])
    assert edition.number == 7
    assert ConferenceDay.objects.get(pk=pks["day"]).edition == edition
    item = ProgramItem.objects.get(pk=pks["item"])
    assert (item.capacity, item.seats_taken) == (20, 1)
    booking = Booking.objects.get(pk=pks["booking"])
    assert (booking.registration_id, booking.item_id, booking.status) == (pks["payer"], item.pk, "confirmed")

    offer = CateringOffer.objects.get(pk=pks["offer"])
    assert offer.edition == edition
    assert edition.catering == offer
    assert offer.day_id == pks["day"]
    assert (offer.price, offer.capacity, offer.free_ticket_quota) == (Decimal("120.00"), 150, 60)
    assert (offer.account_number, offer.payment_days, offer.reminder_days) == (
        "PL50109010140000000012345678",
        7,
        2,
    )
    assert offer.assumptions == "Do potwierdzenia."
    assert (offer.paid_taken, offer.free_taken, offer.free_waitlist_length) == (1, 0, 1)

    order = CateringOrder.objects.get(pk=pks["order"])
    assert (order.registration_id, order.offer_id) == (pks["payer"], offer.pk)
    assert (order.status, order.diet, order.diet_note) == ("awaiting_payment", "other", "Bez orzechów")
    assert (order.amount, order.payment_due) == (Decimal("120.00"), dt.date(2030, 11, 9))
    assert (order.invoice_name, order.invoice_nip, order.invoice_address) == (
        "Fundacja Gęślą Jaźń",
        "1234563218",
        "ul. Źródlana 5, Kraków",
    )
    assert order.created_at is not None
    assert set(offer.orders.values_list("pk", flat=True)) == {pks["order"], pks["waiting_order"]}
    assert CateringOrder.objects.get(pk=pks["waiting_order"]).status == "waiting"

    claim = FreeTicketClaim.objects.get(pk=pks["claim"])
    assert (claim.registration_id, claim.offer_id) == (pks["claimant"], offer.pk)
    assert (claim.basis, claim.organisation, claim.town) == (
        "organisation",
        "Stowarzyszenie Sąsiedzi",
        "Wieliczka",
    )
    assert (claim.status, claim.waitlist_position, claim.fallback_paid) == ("waitlisted", 1, False)
    claimant = Registration.objects.get(pk=pks["claimant"])
    assert list(claimant.ticket_claims.all()) == [claim]

    mail = OutgoingMail.objects.get(pk=pks["mail"])
    assert (mail.registration_id, mail.kind, mail.to) == (
        pks["claimant"],
        "claim_promoted",
        "jan@example.com",
    )
    assert (mail.state, mail.attempts, mail.last_error) == ("awaiting_retry", 2, "SMTP 451")
    assert (mail.context, mail.next_attempt_at) == ({"note": "zażółć"}, AT)
    assert list(claimant.mails.all()) == [mail]

    # The queued task names the task where it lives now: the worker can still import it.
    task = DBTaskResult.objects.get(pk=pks["task"])
    assert task.task_path == NEW_TASK
    assert task.task.func is send_outgoing_mail.func
    assert task.args_kwargs == {"args": [mail.pk], "kwargs": {}}

    # The moved content types, not new ones: the group's permission and the admin's log follow.
    assert content_type_apps() == {model: new for model, (_old, new) in MOVED.items()}
    group = Group.objects.get(pk=pks["group"])
    [permission] = group.permissions.all()
    assert permission.content_type == ContentType.objects.get_for_model(CateringOrder)
    assert permission.codename == "change_cateringorder"
    user = User.objects.create_user("caterer", "caterer@example.com", "x", is_staff=True)
    user.groups.add(group)
    assert user.has_perm("catering.change_cateringorder")
    assert not user.has_perm("registration.change_cateringorder")
    assert Permission.objects.filter(codename="change_cateringorder").count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_productions_rows_permissions_and_queued_tasks():
    try:
        executor = migrate(OLD_LAYOUT)
        # The state the old code saw, with the moved content types back in their old apps.
        assert content_type_apps() == {model: old for model, (old, _new) in MOVED.items()}
        pks = fill_old_layout(old_layout_apps(executor))

        migrate(latest())
        check_new_layout(pks)

        # The `migrate` command both ways: the reverse functions give the old layout its
        # content types and the queued task its old path back, and forward again.
        call_command("migrate", "registration", "0002", verbosity=0)
        ContentType.objects.clear_cache()
        assert content_type_apps() == {model: old for model, (old, _new) in MOVED.items()}
        assert DBTaskResult.objects.get(pk=pks["task"]).task_path == OLD_TASK
        assert ContentType.objects.filter(app_label__in=["catering", "outbox"]).count() == 0

        call_command("migrate", verbosity=0)
        ContentType.objects.clear_cache()
        User.objects.filter(username="caterer").delete()
        check_new_layout(pks)
    finally:
        # Later tests need the latest schema and state, whatever failed above.
        migrate(latest())
        ContentType.objects.clear_cache()
    assert MigrationExecutor(connection).migration_plan(latest()) == []
