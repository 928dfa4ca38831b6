"""Reads of registrations, shaped for pages and e-mails."""

from django.db.models import Prefetch

from program.models import Edition, ProgramItem

from .models import Booking, DayAttendance, Registration


def registration_for_manage(public_id, token: str) -> Registration | None:
    """The registration the private link points at, or None. The token is compared in constant
    time; the lookup goes by the public id, which is not the secret."""
    import hmac

    registration = (
        Registration.objects.select_related("edition")
        .prefetch_related(
            Prefetch("bookings", queryset=Booking.objects.select_related("item").order_by("item__starts_at")),
            Prefetch("days", queryset=DayAttendance.objects.select_related("day")),
        )
        .filter(public_id=public_id, anonymised_at__isnull=True)
        .first()
    )
    # Bytes: compare_digest refuses str with non-ASCII characters (a forged link may hold them).
    if registration is None or not hmac.compare_digest(
        registration.manage_token.encode(), str(token).encode()
    ):
        return None
    return registration


def bookable_items(edition: Edition) -> list[ProgramItem]:
    """The limited items one can sign up for, in program order."""
    return list(
        ProgramItem.objects.filter(edition=edition, capacity__isnull=False)
        .prefetch_related("hosts")
        .order_by("starts_at", "title")
    )
