"""Catering and the Małopolska free tickets on the organisers' side: the dashboard, the
registration admin's filters, inlines and actions, the caterer's and accountant's lists, and who
may do what."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone

from attendees import services as attendees_services
from backoffice.dashboard import dashboard
from catering import services as catering
from catering.models import CateringOffer, CateringOrder, FreeTicketClaim
from catering.services import CateringRequest, ClaimRequest, InvoiceData
from outbox.models import OutgoingMail
from registration import services
from tests.factories import ALL_CONSENTS, sign_up

from .conftest import POLISH
from .test_admin import texts
from .test_dashboard import figures
from .test_exports import EXPORT, csv_rows, xlsx_sheets

CHANGELIST = "admin:registration_registration_changelist"
PAID_ON = dt.date(2023, 11, 20)


def order_catering(edition, day, request: CateringRequest, **fields):
    values = {
        "first_name": "Zofia",
        "last_name": "Żółkiewska",
        "email": f"{fields.get('last_name', 'x').lower()}{CateringOrder.objects.count()}@example.com",
        "town": "Kraków",
        "voivodeship": "lesser_poland",
    }
    values.update(fields)
    return attendees_services.sign_up(
        edition=edition,
        person=services.Person(**values),
        days=[day],
        items=[],
        consents=ALL_CONSENTS,
        catering_request=request,
    )


def claim(**values) -> CateringRequest:
    return CateringRequest(claim=ClaimRequest(basis="resident", town="Wieliczka"), **values)


@pytest.fixture
def people(edition, second_day):
    """Quota of 2: two pending claims take it, a third waits. Two paid meals awaiting payment
    (one with a formula for a diet note), one paid with invoice data, one person without."""
    CateringOffer.objects.filter(edition=edition).update(free_ticket_quota=2)
    day = second_day  # the catering day
    paid = order_catering(
        edition,
        day,
        CateringRequest(
            diet="vegetarian",
            invoice=InvoiceData(
                name="Fundacja Gęślą Jaźń", nip="1234563218", address="ul. Źródlana 5, Kraków"
            ),
        ),
        first_name="Źdźbło",
        last_name=POLISH,
    )
    catering.catering_orders_mark_paid(orders=paid.catering_orders.all(), paid_on=PAID_ON)
    unpaid = order_catering(edition, day, CateringRequest(diet="vegan"), last_name="Nowak")
    hostile = order_catering(
        edition,
        day,
        CateringRequest(diet="other", diet_note='=HYPERLINK("http://evil")'),
        last_name="Zły",
    )
    first_claim = order_catering(edition, day, claim(diet="gluten_free"), last_name="Bąk")
    second_claim = order_catering(edition, day, claim(), last_name="Cis")
    waiting = order_catering(edition, day, claim(diet="vegan"), last_name="Dąb")
    without = sign_up(edition, days=[day], last_name="Ela")
    return {
        "paid": paid,
        "unpaid": unpaid,
        "hostile": hostile,
        "first_claim": first_claim,
        "second_claim": second_claim,
        "waiting": waiting,
        "without": without,
    }


def listed(response) -> list[str]:
    return sorted(r.last_name for r in response.context["cl"].result_list)


def selection(*registrations) -> list[int]:
    return [registration.pk for registration in registrations]


# --- dashboard ---------------------------------------------------------------------------------


@pytest.mark.django_db
class TestDashboard:
    def test_catering_figures(self, people, edition):
        board = dashboard(edition)
        catering_figures = {
            key: value
            for key, value in figures(board, catering=True).items()
            if key.startswith(("Catering", "Free tickets"))
        }
        assert catering_figures == {
            "Catering: meals ordered": 5,
            "Catering: paid": 1,
            "Catering: awaiting payment": 2,
            "Catering: free (Małopolska ticket)": 2,
            "Catering: Standard — meals": 1,
            "Catering: Vegetarian — meals": 1,
            "Catering: Vegan — meals": 1,  # the one waiting for a free ticket holds no meal
            "Catering: Gluten-free — meals": 1,
            "Catering: Lactose-free — meals": 0,
            "Catering: Other (describe) — meals": 1,
            "Free tickets for Małopolska: free tickets taken of the quota": 2,
            "Free tickets for Małopolska: claims awaiting verification": 2,
            "Free tickets for Małopolska: approved": 0,
            "Free tickets for Małopolska: waiting for a free ticket": 1,
            "Free tickets for Małopolska: rejected": 0,
        }
        quota = next(
            f for s in board.sections for f in s.figures if f.label == "free tickets taken of the quota"
        )
        assert quota.of == 2
        assert board.catering is True

    def test_figures_link_to_the_filtered_lists(self, people, edition, organiser_client):
        links = {f"{s.title}: {f.label}": f.url for s in dashboard(edition).sections for f in s.figures}
        get = organiser_client.get
        assert listed(get(links["Catering: meals ordered"])) == sorted([POLISH, "Nowak", "Zły", "Bąk", "Cis"])
        assert listed(get(links["Catering: awaiting payment"])) == ["Nowak", "Zły"]
        assert listed(get(links["Catering: paid"])) == [POLISH]
        assert listed(get(links["Catering: free (Małopolska ticket)"])) == ["Bąk", "Cis"]
        vegan = get(links["Catering: Vegan — meals"]).context["cl"].result_list
        assert [order.registration.last_name for order in vegan] == ["Nowak"]
        taken = get(links["Free tickets for Małopolska: free tickets taken of the quota"])
        assert sorted(c.registration.last_name for c in taken.context["cl"].result_list) == ["Bąk", "Cis"]
        pending = get(links["Free tickets for Małopolska: claims awaiting verification"])
        assert listed(pending) == ["Bąk", "Cis"]
        assert listed(get(links["Free tickets for Małopolska: waiting for a free ticket"])) == ["Dąb"]

    def test_page_shows_the_quota_and_the_export_links(self, people, organiser_client):
        page = organiser_client.get(reverse("admin_dashboard")).content.decode()
        assert '<span class="value">2 / 2</span>free tickets taken of the quota' in page
        assert reverse("staff:catering_export", args=["xlsx"]) in page
        assert reverse("staff:invoice_export", args=["csv"]) in page

    @pytest.mark.parametrize("people_per_kind", [1, 8])
    def test_query_count_stays_bounded_with_catering(
        self, admin_client, edition, second_day, people_per_kind, django_assert_max_num_queries
    ):
        for n in range(people_per_kind):
            order_catering(edition, second_day, CateringRequest(), last_name=f"Paid{n}")
            order_catering(edition, second_day, claim(), last_name=f"Free{n}")
        with django_assert_max_num_queries(15):
            response = admin_client.get(reverse("admin_dashboard"))
        assert response.status_code == 200


# --- registration admin ------------------------------------------------------------------------


@pytest.mark.django_db
class TestFilters:
    @pytest.mark.parametrize(
        ("params", "names"),
        [
            ({"catering": "meal"}, sorted([POLISH, "Nowak", "Zły", "Bąk", "Cis"])),
            ({"catering": "awaiting_payment"}, ["Nowak", "Zły"]),
            ({"catering": "paid"}, [POLISH]),
            ({"catering": "free"}, ["Bąk", "Cis"]),
            ({"catering": "waiting"}, ["Dąb"]),
            ({"catering": "none"}, ["Ela"]),
            ({"free_ticket": "pending"}, ["Bąk", "Cis"]),
            ({"free_ticket": "waitlisted"}, ["Dąb"]),
            ({"free_ticket": "approved"}, []),
            ({"catering": "free", "free_ticket": "pending", "q": "Cis"}, ["Cis"]),
        ],
    )
    def test_catering_and_claim_filters(self, people, organiser_client, params, names):
        assert listed(organiser_client.get(reverse(CHANGELIST), params)) == names

    def test_change_page_shows_the_order_and_the_claim(self, people, organiser_client):
        person = people["first_claim"]
        response = organiser_client.get(reverse("admin:registration_registration_change", args=[person.pk]))
        page = response.content.decode()
        order = person.catering_orders.get()
        assert order.transfer_title in page
        assert "Free (Małopolska ticket)" in page
        assert "Awaiting verification" in page
        formsets = {formset.formset.prefix: formset for formset in response.context["inline_admin_formsets"]}
        assert formsets["catering_orders"].has_change_permission is False
        assert formsets["ticket_claims"].has_add_permission is False


@pytest.mark.django_db
class TestClaimActions:
    def test_approve(self, people, organiser_client):
        chosen = people["first_claim"]
        response = organiser_client.post(
            reverse(CHANGELIST),
            {"action": "approve_claims", "_selected_action": selection(chosen, people["paid"])},
        )
        assert response.status_code == 302
        assert texts(response) == ["Approved: 1 of 2 selected."]
        claim = chosen.ticket_claims.get()
        assert claim.status == FreeTicketClaim.Status.APPROVED
        assert chosen.mails.filter(kind=OutgoingMail.Kind.CLAIM_APPROVED).count() == 1

    def test_reject_asks_for_the_reason_first(self, people, organiser_client):
        chosen = people["first_claim"]
        response = organiser_client.post(
            reverse(CHANGELIST), {"action": "reject_claims", "_selected_action": selection(chosen)}
        )
        assert response.status_code == 200
        assert response.templates[0].name == "admin/registration/registration/action_form.html"
        assert list(response.context["queryset"]) == [chosen]
        assert chosen.ticket_claims.get().status == FreeTicketClaim.Status.PENDING
        blank = organiser_client.post(
            reverse(CHANGELIST),
            {"action": "reject_claims", "_selected_action": selection(chosen), "apply": "1", "reason": " "},
        )
        assert blank.status_code == 200
        assert blank.context["form"].errors == {"reason": ["This field is required."]}
        assert chosen.ticket_claims.get().status == FreeTicketClaim.Status.PENDING

    def test_reject_with_reason_frees_the_place_for_the_next_waiting(self, people, organiser_client, edition):
        chosen, waiting = people["first_claim"], people["waiting"]
        response = organiser_client.post(
            reverse(CHANGELIST),
            {
                "action": "reject_claims",
                "_selected_action": selection(chosen),
                "apply": "1",
                "reason": "Adres poza Małopolską.",
            },
        )
        assert response.status_code == 302
        assert texts(response) == ["Rejected: 1 of 1 selected."]
        rejected = chosen.ticket_claims.get()
        assert (rejected.status, rejected.rejection_reason) == ("rejected", "Adres poza Małopolską.")
        assert chosen.catering_orders.get().status == CateringOrder.Status.CANCELLED
        assert chosen.mails.filter(kind=OutgoingMail.Kind.CLAIM_REJECTED).count() == 1
        promoted = waiting.ticket_claims.get()
        assert (promoted.status, promoted.waitlist_position) == ("pending", None)
        assert waiting.catering_orders.get().status == CateringOrder.Status.FREE
        assert waiting.mails.filter(kind=OutgoingMail.Kind.CLAIM_PROMOTED).count() == 1
        offer = CateringOffer.objects.get(edition=edition)
        assert (offer.free_taken, offer.free_waitlist_length) == (2, 0)

    def test_a_claim_decided_meanwhile_is_reported_not_an_error(self, people, organiser_client):
        chosen = people["first_claim"]
        catering.claim_approve(claim=chosen.ticket_claims.get())
        response = organiser_client.post(
            reverse(CHANGELIST),
            {
                "action": "reject_claims",
                "_selected_action": selection(chosen),
                "apply": "1",
                "reason": "Nie.",
            },
        )
        assert response.status_code == 302
        assert texts(response) == ["Rejected: 0 of 1 selected."]
        assert chosen.ticket_claims.get().status == FreeTicketClaim.Status.APPROVED


@pytest.mark.django_db
class TestMarkPaid:
    def test_asks_for_the_date_then_marks_and_sends_receipts(self, people, organiser_client):
        unpaid, free = people["unpaid"], people["first_claim"]
        ask = organiser_client.post(
            reverse(CHANGELIST), {"action": "mark_catering_paid", "_selected_action": selection(unpaid, free)}
        )
        assert ask.status_code == 200
        assert ask.context["form"]["paid_on"].value() == timezone.localdate()
        assert unpaid.catering_orders.get().status == CateringOrder.Status.AWAITING_PAYMENT

        response = organiser_client.post(
            reverse(CHANGELIST),
            {
                "action": "mark_catering_paid",
                "_selected_action": selection(unpaid, free),
                "apply": "1",
                "paid_on": "2023-11-21",
            },
        )
        assert response.status_code == 302
        assert texts(response) == ["Marked paid: 1 of 2 selected."]
        order = unpaid.catering_orders.get()
        assert (order.status, order.paid_on) == ("paid", dt.date(2023, 11, 21))
        assert unpaid.mails.filter(kind=OutgoingMail.Kind.PAYMENT_RECEIVED).count() == 1
        assert free.catering_orders.get().status == CateringOrder.Status.FREE
        assert free.mails.filter(kind=OutgoingMail.Kind.PAYMENT_RECEIVED).count() == 0


# --- exports -----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestCateringExports:
    def test_caterers_list_csv(self, people, organiser_client):
        rows = csv_rows(organiser_client.get(reverse("staff:catering_export", args=["csv"])))
        assert rows[:9] == [
            ["Diet", "Meals"],
            ["Standard", "1"],
            ["Vegetarian", "1"],
            ["Vegan", "1"],
            ["Gluten-free", "1"],
            ["Lactose-free", "0"],
            ["Other (describe)", "1"],
            ["Total", "5"],
            [],
        ]
        assert rows[9] == ["Last name", "First name", "Diet", "Diet details", "Catering"]
        names = {row[0]: row for row in rows[10:]}
        assert sorted(names) == sorted([POLISH, "Nowak", "Zły", "Bąk", "Cis"])
        assert names[POLISH] == [POLISH, "Źdźbło", "Vegetarian", "", "Paid"]
        assert names["Zły"][2:] == ["Other (describe)", '\'=HYPERLINK("http://evil")', "Awaiting payment"]
        assert names["Bąk"][4] == "Free (Małopolska ticket)"

    def test_caterers_list_xlsx(self, people, organiser_client):
        [(title, rows)] = xlsx_sheets(
            organiser_client.get(reverse("staff:catering_export", args=["xlsx"]))
        ).items()
        assert title == "Catering"
        assert rows[7] == ("Total", 5)
        assert rows[8:10] == [(), ("Last name", "First name", "Diet", "Diet details", "Catering")]
        names = {row[0]: row for row in rows[10:]}
        assert names["Zły"][3] == '\'=HYPERLINK("http://evil")'
        assert names[POLISH] == (POLISH, "Źdźbło", "Vegetarian", None, "Paid")

    def test_invoice_data_for_the_accountant(self, people, organiser_client):
        paid = people["paid"]
        order = paid.catering_orders.get()
        rows = csv_rows(organiser_client.get(reverse("staff:invoice_export", args=["csv"])))
        assert rows == [
            [
                "Transfer title",
                "Paid on",
                "Amount (PLN)",
                "Buyer's name",
                "Buyer's NIP",
                "Buyer's address",
                "Paid by",
                "E-mail",
                "Catering",
            ],
            [
                order.transfer_title,
                "2023-11-20",
                "120.00",
                "Fundacja Gęślą Jaźń",
                "1234563218",
                "ul. Źródlana 5, Kraków",
                paid.full_name,
                paid.email,
                "Paid",
            ],
        ]
        [(_title, xlsx_rows)] = xlsx_sheets(
            organiser_client.get(reverse("staff:invoice_export", args=["xlsx"]))
        ).items()
        assert xlsx_rows[1][1:4] == (dt.datetime(2023, 11, 20), 120, "Fundacja Gęślą Jaźń")

    def test_attendee_list_has_the_catering_columns(self, people, organiser_client):
        rows = csv_rows(organiser_client.get(reverse(EXPORT, args=["csv"])))
        header = rows[0]
        columns = [header.index(name) for name in ("Catering", "Diet", "Diet details", "Catering paid on")]
        by_name = {row[0]: [row[i] for i in columns] for row in rows[1:]}
        assert by_name[POLISH] == ["Paid", "Vegetarian", "", "2023-11-20"]
        assert by_name["Zły"] == ["Awaiting payment", "Other (describe)", '\'=HYPERLINK("http://evil")', ""]
        assert by_name["Dąb"] == ["Waiting for a free ticket", "Vegan", "", ""]
        assert by_name["Ela"] == ["", "", "", ""]


# --- permissions -------------------------------------------------------------------------------


def action_names(client) -> list[str]:
    response = client.get(reverse(CHANGELIST))
    return [name for name, _label in response.context["action_form"].fields["action"].choices]


def offer_post(client, offer, **changes) -> dict:
    url = reverse("admin:catering_cateringoffer_change", args=[offer.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    data["day"] = offer.day_id
    data.update(changes)
    return client.post(url, data)


@pytest.mark.django_db
class TestPermissions:
    def test_staff_neither_see_nor_decide(self, people, staff_client, edition):
        """The door sees no catering: orders, claims and the lists hold invoice data and diets."""
        for name in ("catering_cateringorder", "catering_freeticketclaim", "catering_cateringoffer"):
            assert staff_client.get(reverse(f"admin:{name}_changelist")).status_code == 403
        for name in ("catering_export", "invoice_export"):
            assert staff_client.get(reverse(f"staff:{name}", args=["xlsx"])).status_code == 403

        chosen = people["first_claim"]
        for action in ("approve_claims", "reject_claims", "mark_catering_paid"):
            response = staff_client.post(
                reverse(CHANGELIST),
                {"action": action, "_selected_action": selection(chosen, people["unpaid"]), "apply": "1"}
                | {"reason": "Nie.", "paid_on": "2023-11-21"},
            )
            assert response.status_code == 403
        assert chosen.ticket_claims.get().status == FreeTicketClaim.Status.PENDING
        assert people["unpaid"].catering_orders.get().status == CateringOrder.Status.AWAITING_PAYMENT

        statement = reverse("admin:catering_cateringorder_import_statement")
        assert staff_client.get(statement).status_code == 403
        offer = CateringOffer.objects.get(edition=edition)
        url = reverse("admin:catering_cateringoffer_change", args=[offer.pk])
        assert staff_client.post(url, {"price": "1.00", "capacity": "999"}).status_code == 403
        offer.refresh_from_db()
        assert (offer.price, offer.capacity) == (120, 150)

    def test_organisers_decide_and_change_the_offer(self, people, organiser_client, edition):
        assert action_names(organiser_client) == [
            "",
            "cancel",
            "send_manage_link",
            "write_message",
            "approve_claims",
            "reject_claims",
            "mark_catering_paid",
            "send_certificates",
            "invite_to_feedback",
            "export_csv",
            "export_xlsx",
            "anonymise",
        ]
        statement = reverse("admin:catering_cateringorder_import_statement")
        assert organiser_client.get(statement).status_code == 200
        offer = CateringOffer.objects.get(edition=edition)
        response = offer_post(organiser_client, offer, price="130.00", capacity="160")
        assert response.status_code == 302
        offer.refresh_from_db()
        assert (offer.price, offer.capacity, offer.free_taken) == (130, 160, 2)

    def test_without_the_export_permission_no_lists(self, people, client, edition):
        user = User.objects.create_user("viewer", "viewer@example.com", "x", is_staff=True)
        user.user_permissions.add(Permission.objects.get(codename="view_registration"))
        client.force_login(user)
        assert client.get(reverse("staff:catering_export", args=["csv"])).status_code == 403
        assert client.get(reverse("staff:invoice_export", args=["csv"])).status_code == 403
        page = client.get(reverse("admin_dashboard")).content.decode()
        assert reverse("staff:catering_export", args=["csv"]) not in page
