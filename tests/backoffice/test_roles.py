import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse

from backoffice.roles import ORGANISERS, STAFF
from tests.factories import sign_up

from .conftest import _member
from .test_admin import capacity_post


@pytest.mark.django_db
class TestSetupRoles:
    def test_idempotent(self, roles):
        before = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
        call_command("setup_roles")
        call_command("setup_roles")
        after = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
        assert after == before
        assert sorted(after) == sorted([ORGANISERS, STAFF])

    def test_the_english_names_of_earlier_versions_are_renamed_with_their_members(self, db):
        former = Group.objects.create(name="Organisers")
        member = User.objects.create_user("ola")
        member.groups.add(former)
        call_command("setup_roles")
        assert sorted(Group.objects.values_list("name", flat=True)) == sorted([ORGANISERS, STAFF])
        assert list(member.groups.values_list("name", flat=True)) == [ORGANISERS]

    def test_staff_get_the_door_and_the_program_only(self, roles):
        staff = Group.objects.get(name=STAFF)
        codenames = set(staff.permissions.values_list("codename", flat=True))
        assert {c for c in codenames if not c.startswith("view_")} == {"check_in", "print_lists"}
        assert {p.content_type.app_label for p in staff.permissions.filter(codename__startswith="view_")} == {
            "program"
        }


@pytest.mark.django_db
class TestStaff:
    def test_can_check_in_and_print_but_not_read_personal_data(self, staff_client, edition, first_day):
        person = sign_up(edition)
        response = staff_client.post(reverse("staff:checkin_action", args=[person.pk, first_day.pk]))
        assert (response.status_code, response.context["result"].state) == (200, "ok")
        assert person.days.get(day=first_day).checked_in_at is not None
        page = staff_client.get(reverse("staff:checkin"), {"day": first_day.pk})
        assert 'id="printed-lists"' in page.content.decode()
        assert staff_client.get(reverse("admin:registration_registration_changelist")).status_code == 403
        export = staff_client.get(reverse("admin:registration_registration_export", args=["csv"]))
        assert export.status_code == 403

    def test_cannot_change_capacity(self, staff_client, visit):
        response = staff_client.post(
            reverse("admin:program_programitem_changelist"), capacity_post(visit, 99)
        )
        assert response.status_code == 403
        response = staff_client.get(reverse("admin:program_programitem_changelist"))
        assert response.context["cl"].formset is None
        visit.refresh_from_db()
        assert visit.capacity == 20

    def test_cannot_delete_or_cancel(self, staff_client, edition, visit):
        person = sign_up(edition)
        assert (
            staff_client.post(reverse("admin:program_programitem_delete", args=[visit.pk])).status_code == 403
        )
        changelist = reverse("admin:registration_registration_changelist")
        staff_client.post(changelist, {"action": "cancel", "_selected_action": [person.pk]})
        person.refresh_from_db()
        assert person.status == "active"


@pytest.mark.django_db
class TestOrganisers:
    def test_can_change_capacity_and_cancel(self, organiser_client, edition, visit):
        person = sign_up(edition)
        organiser_client.post(reverse("admin:program_programitem_changelist"), capacity_post(visit, 30))
        visit.refresh_from_db()
        assert visit.capacity == 30
        changelist = reverse("admin:registration_registration_changelist")
        organiser_client.post(changelist, {"action": "cancel", "_selected_action": [person.pk], "apply": "1"})
        person.refresh_from_db()
        assert person.status == "cancelled"

    def test_can_delete_program_items(self, organiser_client, visit):
        response = organiser_client.get(reverse("admin:program_programitem_delete", args=[visit.pk]))
        assert response.status_code == 200

    def test_without_group_no_check_in_no_export(self, client, edition, first_day, django_user_model):
        person = sign_up(edition)
        nobody = django_user_model.objects.create_user("nobody", is_staff=True)
        client.force_login(nobody)
        assert client.get(reverse("staff:checkin")).status_code == 403
        assert client.post(reverse("staff:checkin_action", args=[person.pk, first_day.pk])).status_code == 403
        assert client.get(reverse("staff:funder_report")).status_code == 403

    def test_anonymous_is_sent_to_login(self, client, db):
        response = client.get(reverse("staff:checkin"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


# --- the permission table of docs/permissions.md, URL by URL ----------------------------------------

ORGANISER, DOOR, NOBODY = "organiser", "staff", "nobody"


def _urls(edition, person, visit, first_day):
    """(name, URL, who may open it) for every page of the back office that shows or does something
    with people."""
    return [
        ("dashboard", reverse("admin_dashboard"), {ORGANISER}),
        ("registrations", reverse("admin:registration_registration_changelist"), {ORGANISER}),
        ("a registration", reverse("admin:registration_registration_change", args=[person.pk]), {ORGANISER}),
        ("attendee export", reverse("admin:registration_registration_export", args=["csv"]), {ORGANISER}),
        ("outgoing mail", reverse("admin:outbox_outgoingmail_changelist"), {ORGANISER}),
        ("catering orders", reverse("admin:catering_cateringorder_changelist"), {ORGANISER}),
        ("free-ticket claims", reverse("admin:catering_freeticketclaim_changelist"), {ORGANISER}),
        ("item list", reverse("staff:item_export", args=[visit.pk, "csv"]), {ORGANISER}),
        ("funder report", reverse("staff:funder_report"), {ORGANISER}),
        ("catering list", reverse("staff:catering_export", args=["csv"]), {ORGANISER}),
        ("invoice data", reverse("staff:invoice_export", args=["csv"]), {ORGANISER}),
        ("check-in", reverse("staff:checkin"), {ORGANISER, DOOR}),
        ("check-in counts", reverse("staff:checkin_counts"), {ORGANISER, DOOR}),
        ("sign-in sheet, day", reverse("staff:sign_in_day", args=[first_day.pk]), {ORGANISER, DOOR}),
        ("sign-in sheet, item", reverse("staff:sign_in_item", args=[visit.pk]), {ORGANISER, DOOR}),
        ("badges", reverse("staff:badges"), {ORGANISER, DOOR}),
        ("program items", reverse("admin:program_programitem_changelist"), {ORGANISER, DOOR}),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [ORGANISER, DOOR, NOBODY])
def test_each_page_opens_for_exactly_the_roles_of_the_table(
    role, client, roles, edition, visit, first_day, django_user_model
):
    person = sign_up(edition, [visit])
    if role == NOBODY:
        user = django_user_model.objects.create_user("nobody", is_staff=True)
    else:
        user = _member(role, ORGANISERS if role == ORGANISER else STAFF)
    client.force_login(user)
    refused = []
    for name, url, allowed in _urls(edition, person, visit, first_day):
        status = client.get(url).status_code
        if (status == 200) != (role in allowed):
            refused.append(f"{name}: {status}")
    assert refused == []
