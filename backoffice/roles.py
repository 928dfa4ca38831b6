"""The two groups the organisers hand out: Organisers run everything, Staff look, export and
check people in. The two permissions of our own live on the Registration content type, created
here rather than in the model's Meta so that no migration of `registration` is needed."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from registration.models import Registration

ORGANISERS, STAFF = "Organisers", "Staff"
MANAGED_APPS = ("program", "registration", "catering", "outbox")
CUSTOM_PERMISSIONS = {
    "export_registrations": "Can export registration lists",
    "check_in": "Can check people in at the door",
}


def roles_setup() -> tuple[Group, Group]:
    """Create or bring up to date both groups; safe to run any number of times."""
    with transaction.atomic():
        registration_type = ContentType.objects.get_for_model(Registration)
        custom = [
            Permission.objects.update_or_create(
                content_type=registration_type, codename=codename, defaults={"name": name}
            )[0]
            for codename, name in CUSTOM_PERMISSIONS.items()
        ]
        managed = Permission.objects.filter(content_type__app_label__in=MANAGED_APPS)
        organisers, _ = Group.objects.get_or_create(name=ORGANISERS)
        organisers.permissions.set(managed)
        staff, _ = Group.objects.get_or_create(name=STAFF)
        staff.permissions.set([*managed.filter(codename__startswith="view_"), *custom])
    return organisers, staff
