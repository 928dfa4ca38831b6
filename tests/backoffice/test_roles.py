import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from backoffice.roles import ORGANISERS, STAFF
from tests.factories import sign_up

from .test_admin import capacity_post


@pytest.mark.django_db
class TestSetupRoles:
    def test_idempotent(self, roles):
        before = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
        call_command("setup_roles")
        call_command("setup_roles")
        after = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
        assert after == before
        assert sorted(after) == [ORGANISERS, STAFF]

    def test_staff_permissions_are_exactly_view_export_check_in(self, roles):
        staff = Group.objects.get(name=STAFF)
        codenames = set(staff.permissions.values_list("codename", flat=True))
        assert {"export_registrations", "check_in", "view_registration", "view_programitem"} <= codenames
        assert {c for c in codenames if not c.startswith("view_")} == {"export_registrations", "check_in"}


@pytest.mark.django_db
class TestStaff:
    def test_can_view_export_and_check_in(self, staff_client, edition, first_day):
        person = sign_up(edition)
        assert staff_client.get(reverse("admin:registration_registration_changelist")).status_code == 200
        assert staff_client.get(reverse("admin_dashboard")).status_code == 200
        export = staff_client.get(reverse("admin:registration_registration_export", args=["csv"]))
        assert export.status_code == 200
        response = staff_client.post(reverse("staff:checkin_action", args=[person.pk, first_day.pk]))
        assert response.status_code == 302
        assert person.days.get(day=first_day).checked_in_at is not None

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
        actions = [
            name for name, _ in staff_client.get(changelist).context["action_form"].fields["action"].choices
        ]
        assert actions == ["", "export_csv", "export_xlsx"]
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
        organiser_client.post(changelist, {"action": "cancel", "_selected_action": [person.pk]})
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
