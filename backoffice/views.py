"""Pages for the organisers' team: the dashboard, check-in at the door and the printed lists.
Thin: the rules are in registration.checkin and registration.services, the lists in
backoffice.exports and backoffice.printouts."""

import functools
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftercare.certificates import certificates_pdf
from aftercare.selectors import checked_in_people
from program.models import ConferenceDay, Edition, ProgramItem
from program.selectors import current_edition_or_404
from registration import checkin, services
from registration.errors import DomainError
from registration.models import Booking, Registration
from registration.tickets import formatted_ticket_code

from . import door, exports, printouts
from .dashboard import dashboard as build_dashboard
from .forms import WalkInForm
from .params import id_param
from .permissions import (
    CHECK_IN_PERMISSION,
    EXPORT_PERMISSION,
    PRINT_LISTS_PERMISSION,
    WRITE_MESSAGES_PERMISSION,
)


def staff_only(permission: str):
    """Signed in (else the login page), then the permission (else 403)."""

    def decorator(view):
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorator


# --- dashboard (inside the admin) --------------------------------------------------------------


def _reported_edition(request) -> Edition:
    """The edition a report is for: `?edition=<id>`, or the current one (an id that is not one
    is none: the current edition)."""
    edition_id = id_param(request.GET.get("edition"))
    if edition_id is None:
        return current_edition_or_404()
    return get_object_or_404(Edition, pk=edition_id)


@permission_required("registration.view_registration", raise_exception=True)
def dashboard(request):
    edition = _reported_edition(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Dashboard: %(edition)s") % {"edition": edition},
        "dashboard": build_dashboard(edition),
        "editions": list(Edition.objects.order_by("-number").only("pk", "number", "title", "starts_on")),
        "days": list(edition.days.all()),
        "can_export": request.user.has_perm(EXPORT_PERMISSION),
        "can_check_in": request.user.has_perm(CHECK_IN_PERMISSION),
        "can_write_messages": request.user.has_perm(WRITE_MESSAGES_PERMISSION),
        "can_print": request.user.has_perm(PRINT_LISTS_PERMISSION),
    }
    return render(request, "admin/dashboard.html", context)


# --- check-in -----------------------------------------------------------------------------------


def _door_day(edition, day_id) -> ConferenceDay:
    """The day chosen on the page; by default today if it is a conference day, else the first."""
    days = list(edition.days.order_by("date"))
    if not days:
        raise Http404
    if day_id:
        return next((day for day in days if str(day.pk) == str(day_id)), days[0])
    today = timezone.localdate()
    return next((day for day in days if day.date == today), days[0])


@staff_only(CHECK_IN_PERMISSION)
def checkin_page(request):
    edition = current_edition_or_404()
    day = _door_day(edition, request.GET.get("day"))
    return _render_checkin(request, edition, day, request.GET.get("q", ""), WalkInForm())


def _render_checkin(
    request,
    edition,
    day: ConferenceDay,
    query: str,
    walk_in_form: WalkInForm,
    result: door.DoorResult | None = None,
):
    people = checkin.registrations_search(edition=edition, query=query)
    attendances = {
        attendance.registration_id: attendance
        for attendance in day.attendances.filter(registration__in=people)
    }
    bookings = Booking.objects.filter(
        registration__in=people, item__starts_at__date=day.date, status=Booking.Status.CONFIRMED
    ).select_related("item")
    items_by_person: dict[int, list[ProgramItem]] = {}
    for booking in bookings.order_by("item__starts_at"):
        items_by_person.setdefault(booking.registration_id, []).append(booking.item)
    rows = [
        {
            "registration": person,
            "code": formatted_ticket_code(person.ticket_code),
            "attendance": attendances.get(person.pk),
            "items": items_by_person.get(person.pk, []),
        }
        for person in people
    ]
    context = {
        "edition": edition,
        "day": day,
        "days": checkin.day_counts(edition),
        "query": query,
        "rows": rows,
        "walk_in_form": walk_in_form,
        "staff_name": door.staff_name(request.user),
        "code_pattern": checkin.TICKET_CODE_PATTERN,
        "result": result,
    }
    return render(request, "backoffice/checkin.html", context)


@require_POST
@staff_only(CHECK_IN_PERMISSION)
def checkin_walk_in(request, day_id: int):
    """A walk-in at the door: registered for the day shown through the sign-up service (its rules,
    outside its window) and checked in in the same transaction; no mail unless asked for. A form
    with errors comes back on the check-in page, filled in."""
    edition = current_edition_or_404()
    day = get_object_or_404(ConferenceDay, pk=day_id, edition=edition)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            registration = services.registration_create(
                edition=edition,
                person=form.person(),
                days=[day],
                items=[],
                consents=form.consents(),
                notify=form.cleaned_data["notify"],
                by_organiser=True,
                add_ons=[functools.partial(checkin.attendance_check_in, day=day, by=request.user)],
            )
        except DomainError as error:
            form.add_refusal(error)
        else:
            messages.success(
                request, _("%(name)s registered and checked in.") % {"name": registration.full_name}
            )
            return redirect(_back(day, registration.email))
    return _render_checkin(request, edition, day, "", form)


@require_POST
@staff_only(CHECK_IN_PERMISSION)
def checkin_action(request, registration_id: int, day_id: int):
    """The buttons of a person found by a search: check in (the door's full-screen result) or undo."""
    edition = current_edition_or_404()
    registration = get_object_or_404(Registration, pk=registration_id, edition=edition)
    day = get_object_or_404(ConferenceDay, pk=day_id, edition=edition)
    if request.POST.get("action") != "undo":
        result = door.door_check_in(registration=registration, day=day, by=request.user)
        return _door_response(request, edition, day, result)
    try:
        checkin.attendance_undo_check_in(registration=registration, day=day)
    except checkin.CheckInError as error:
        messages.error(request, error.message)
    else:
        messages.info(request, _("Check-in of %(name)s undone.") % {"name": registration.full_name})
    return redirect(_back(day, request.POST.get("q", "")))


@require_POST
@staff_only(CHECK_IN_PERMISSION)
def checkin_code(request, day_id: int):
    """A ticket code, typed or scanned: checked in at once, the result full-screen."""
    edition = current_edition_or_404()
    day = get_object_or_404(ConferenceDay, pk=day_id, edition=edition)
    result = door.door_check_in_code(
        edition=edition, day=day, code=request.POST.get("code", ""), by=request.user
    )
    return _door_response(request, edition, day, result)


def _door_response(request, edition, day: ConferenceDay, result: door.DoorResult):
    """The page's script asks for JSON and shows the result over the page it is on; without the
    script the result comes on the check-in page itself."""
    if request.get_preferred_type(["text/html", "application/json"]) == "application/json":
        html = render_to_string("backoffice/checkin_result.html", {"result": result}, request)
        return JsonResponse({**result.as_json(), "html": html})
    return _render_checkin(request, edition, day, "", WalkInForm(), result=result)


def _back(day: ConferenceDay, query: str) -> str:
    return f"{reverse('staff:checkin')}?{urlencode({'day': day.pk, 'q': query})}"


@staff_only(CHECK_IN_PERMISSION)
def checkin_counts(request):
    edition = current_edition_or_404()
    return JsonResponse(
        {
            str(day.pk): {"checked_in": day.checked_in, "expected": day.expected}
            for day in checkin.day_counts(edition)
        }
    )


# --- lists and printouts ------------------------------------------------------------------------


def _file_format(file_format: str) -> str:
    if file_format not in ("csv", "xlsx"):
        raise Http404
    return file_format


@staff_only(EXPORT_PERMISSION)
def item_export(request, item_id: int, file_format: str):
    item = get_object_or_404(ProgramItem, pk=item_id)
    return exports.sheet_response(
        exports.item_list(item=item), f"item-{item.slug}", _file_format(file_format)
    )


@staff_only(EXPORT_PERMISSION)
def funder_report(request):
    edition = _reported_edition(request)
    return exports.xlsx_response(exports.funder_report(edition=edition), f"funders-{edition.starts_on.year}")


@staff_only(EXPORT_PERMISSION)
def catering_export(request, file_format: str):
    edition = _reported_edition(request)
    return exports.sheet_response(
        exports.catering_list(edition=edition),
        f"catering-{edition.starts_on.year}",
        _file_format(file_format),
    )


@staff_only(EXPORT_PERMISSION)
def invoice_export(request, file_format: str):
    edition = _reported_edition(request)
    return exports.sheet_response(
        exports.catering_invoices(edition=edition),
        f"catering-invoices-{edition.starts_on.year}",
        _file_format(file_format),
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


def _active(edition):
    return Registration.objects.filter(edition=edition, status=Registration.Status.ACTIVE).order_by(
        "last_name", "first_name", "pk"
    )


@staff_only(PRINT_LISTS_PERMISSION)
def sign_in_sheet_day(request, day_id: int):
    day = get_object_or_404(ConferenceDay.objects.select_related("edition"), pk=day_id)
    edition = day.edition
    people = _active(edition).filter(days__day=day)
    pdf = printouts.sign_in_sheet_pdf(edition=edition, subject=str(day), registrations=people.iterator())
    return _pdf(pdf, f"sign-in-{day.date}")


@staff_only(PRINT_LISTS_PERMISSION)
def sign_in_sheet_item(request, item_id: int):
    item = get_object_or_404(ProgramItem.objects.select_related("edition"), pk=item_id)
    edition = item.edition
    people = _active(edition).filter(bookings__item=item, bookings__status=Booking.Status.CONFIRMED)
    subject = f"{timezone.localtime(item.starts_at):%d.%m.%Y %H:%M} {item.title}"
    pdf = printouts.sign_in_sheet_pdf(edition=edition, subject=subject, registrations=people.iterator())
    return _pdf(pdf, f"sign-in-{item.slug}")


@staff_only(PRINT_LISTS_PERMISSION)
def badges(request):
    edition = _reported_edition(request)
    people = _active(edition)
    if day := request.GET.get("day"):
        day_id = id_param(day)
        if day_id is None:  # typed by hand: refused rather than printing everybody's badges
            return HttpResponseBadRequest(
                _(
                    "The day in the address is not valid. Open the name badges again from the "
                    "dashboard or the check-in page."
                ),
                content_type="text/plain; charset=utf-8",
            )
        people = people.filter(days__day=day_id)
    pdf = printouts.badges_pdf(edition=edition, registrations=people.iterator())
    return _pdf(pdf, f"badges-{edition.starts_on.year}")


# --- after the conference -----------------------------------------------------------------------


@staff_only(PRINT_LISTS_PERMISSION)
def certificates(request):
    """Everybody's certificate of attendance in one PDF for printing, once the edition is over;
    before that, or with nobody checked in, the dashboard (or for the door, the check-in page)
    says why."""
    edition = _reported_edition(request)
    if not edition.is_over():
        refusal = _("The certificates of attendance are printed once the edition is over (after %(date)s).")
        messages.error(request, refusal % {"date": f"{edition.ends_on:%d.%m.%Y}"})
        return _back_to_lists(request, edition)
    if not checked_in_people(edition).exists():
        messages.warning(
            request, _("Nobody was checked in at this edition: there is no certificate to print.")
        )
        return _back_to_lists(request, edition)
    return _pdf(certificates_pdf(edition), f"certificates-{edition.starts_on.year}")


def _back_to_lists(request, edition):
    if request.user.has_perm("registration.view_registration"):
        return redirect(f"{reverse('admin_dashboard')}?{urlencode({'edition': edition.pk})}")
    return redirect("staff:checkin")


@staff_only(EXPORT_PERMISSION)
def feedback_export(request):
    edition = _reported_edition(request)
    sheets = exports.feedback_sheets(edition=edition)
    return exports.xlsx_response(list(sheets.values()), f"feedback-{edition.starts_on.year}")


@staff_only(EXPORT_PERMISSION)
def feedback_csv(request, part: str):
    edition = _reported_edition(request)
    sheets = exports.feedback_sheets(edition=edition)
    if part not in sheets:
        raise Http404
    return exports.csv_response(sheets[part], f"feedback-{part}-{edition.starts_on.year}")
