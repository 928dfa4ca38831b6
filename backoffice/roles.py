"""The two groups the organisers hand out (docs/permissions.md): Organisers run everything; Staff,
the door, check people in and print the sign-in sheets and badges, and see the program, but no
list of people's personal data. The permissions of our own live on the Registration content type,
created here rather than in the model's Meta so that no migration of `registration` is needed."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from registration.models import Registration

# The groups' names are data the organisers read in the admin: in Polish, the site's first
# language. The English names of earlier versions are renamed by `roles_setup`.
ORGANISERS, STAFF = "Organizatorzy", "Obsługa wejścia"
FORMER_NAMES = {"Organisers": ORGANISERS, "Staff": STAFF}
MANAGED_APPS = ("program", "registration", "catering", "messaging", "outbox")
CUSTOM_PERMISSIONS = {
    "export_registrations": "Can export registration lists",
    "check_in": "Can check people in at the door",
    "print_lists": "Can print sign-in sheets and badges",
}
# What Staff may look at in the admin: the program, never the people, their catering or mails.
STAFF_VIEW_APPS = ("program",)
STAFF_PERMISSIONS = ("check_in", "print_lists")


def roles_setup() -> tuple[Group, Group]:
    """Create or bring up to date both groups; safe to run any number of times."""
    with transaction.atomic():
        for former, name in FORMER_NAMES.items():
            if not Group.objects.filter(name=name).exists():
                Group.objects.filter(name=former).update(name=name)
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
        staff_views = managed.filter(
            content_type__app_label__in=STAFF_VIEW_APPS, codename__startswith="view_"
        )
        staff.permissions.set([*staff_views, *(p for p in custom if p.codename in STAFF_PERMISSIONS)])
    return organisers, staff
