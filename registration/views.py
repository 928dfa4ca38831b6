from django.conf import settings
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from program import ical
from program.selectors import current_edition_or_404

from . import catering, selectors, services, tickets
from .forms import (
    PERSON_FIELDS,
    CateringManageForm,
    ChangeItemsForm,
    PersonForm,
    RegistrationForm,
    ResendLinkForm,
)


def _rate_limited(request, group: str, rate: str) -> bool:
    return is_ratelimited(request, group=group, key="ip", rate=rate, method="POST", increment=True)


@require_http_methods(["GET", "POST"])
def register(request):
    edition = current_edition_or_404()
    items = selectors.bookable_items(edition)
    is_open = edition.is_registration_open()
    form = RegistrationForm(
        request.POST or None, edition=edition, items=items, catering_offer=catering.offer_for(edition)
    )
    status = 200
    if request.method == "POST" and is_open:
        if _rate_limited(request, "signup", settings.RATELIMIT_SIGNUP):
            form.add_error(
                None, _("Too many attempts from your network. Please wait a minute and try again.")
            )
            status = 429
        elif form.is_valid():
            try:
                registration = services.registration_create(
                    edition=edition,
                    person=form.person(),
                    day_ids=[day.pk for day in form.cleaned_data["days"]],
                    item_ids=[item.pk for item in form.cleaned_data["items"]],
                    consents=form.consents(),
                    language=translation.get_language(),
                    submission_key=form.cleaned_data["submission_key"],
                    catering_request=form.catering_request(),
                )
            except services.RegistrationError as error:
                form.add_error(_error_field(error), error.message)
            else:
                return redirect(
                    "registration:thanks", public_id=registration.public_id, token=registration.manage_token
                )
        if form.errors:
            status = max(status, 400)
    context = {"form": form, "is_open": is_open, "seat_texts": _seat_texts()}
    return render(request, "registration/register.html", context, status=status)


def _error_field(error: services.RegistrationError) -> str | None:
    if error.code == "duplicate_email":
        return "email"
    if error.code.startswith("catering"):
        return "catering"
    return None


def _seat_texts() -> dict[str, list[str]]:
    """The live counters' wording in the page's language, for the plural forms 1, 2–4 and 5+."""
    return {
        "left": [ngettext("%s seat left", "%s seats left", n) for n in (1, 2, 5)],
        "full": [
            ngettext(
                "Full — you can join the waiting list (%s person waiting)",
                "Full — you can join the waiting list (%s people waiting)",
                n,
            )
            for n in (1, 2, 5)
        ],
    }


def _registration_or_404(public_id, token):
    registration = selectors.registration_for_manage(public_id, token)
    if registration is None:
        raise Http404
    return registration


def _registration_page(request, template: str, registration, context: dict, status: int = 200):
    """A page about one registration: its edition is the one the layout shows (already loaded,
    so the layout needs no query of its own)."""
    context = {"registration": registration, "edition": registration.edition, **context}
    return render(request, template, context, status=status)


@require_safe
def thanks(request, public_id, token):
    registration = _registration_or_404(public_id, token)
    context = {"catering": selectors.catering_for(registration)}
    return _registration_page(request, "registration/thanks.html", registration, context)


@require_http_methods(["GET", "POST"])
def manage(request, public_id, token):
    registration = _registration_or_404(public_id, token)
    edition = registration.edition
    items = selectors.bookable_items(edition)
    bookings = list(registration.bookings.all())
    person_form = PersonForm(instance=registration, prefix="person")
    items_form = ChangeItemsForm(
        edition=edition,
        items=items,
        prefix="items",
        initial={"items": [b.item_id for b in bookings], "days": [d.day_id for d in registration.days.all()]},
    )
    catering_summary = selectors.catering_for(registration)
    order = catering_summary.order if catering_summary else None
    catering_form = CateringManageForm(
        prefix="catering",
        initial=model_to_dict(order, fields=CateringManageForm.base_fields) if order else {},
    )
    action = request.POST.get("action")
    if request.method == "POST" and action == "delete":
        services.registration_anonymise(registration=registration)
        return render(request, "registration/deleted.html", {"edition": edition})
    if request.method == "POST" and registration.is_active:
        try:
            if action == "person":
                person_form = PersonForm(request.POST, instance=registration, prefix="person")
                if person_form.is_valid():
                    services.registration_update_person(
                        registration=registration, person=person_form.person()
                    )
                    messages.success(request, _("Your details have been saved."))
                    return redirect(registration.get_manage_url())
            elif action == "items":
                items_form = ChangeItemsForm(request.POST, edition=edition, items=items, prefix="items")
                if items_form.is_valid():
                    services.registration_change_items(
                        registration=registration,
                        item_ids=[item.pk for item in items_form.cleaned_data["items"]],
                        day_ids=[day.pk for day in items_form.cleaned_data["days"]],
                    )
                    messages.success(request, _("Your program has been saved."))
                    return redirect(registration.get_manage_url())
            elif action == "leave_waitlist":
                kept = [b.item_id for b in bookings if str(b.item_id) != request.POST.get("item")]
                services.registration_change_items(registration=registration, item_ids=kept)
                messages.success(request, _("You have left the waiting list."))
                return redirect(registration.get_manage_url())
            elif action in ("catering_diet", "catering_add"):
                catering_form = CateringManageForm(request.POST, prefix="catering")
                if catering_form.is_valid():
                    diet = {name: catering_form.cleaned_data[name] for name in ("diet", "diet_note")}
                    if action == "catering_add":
                        catering.catering_add(
                            registration=registration, invoice=catering_form.invoice(), **diet
                        )
                        messages.success(
                            request, _("The catering is ordered: the transfer details are below.")
                        )
                    else:
                        catering.catering_set_diet(registration=registration, **diet)
                        messages.success(request, _("Your diet has been saved."))
                    return redirect(registration.get_manage_url())
            elif action == "catering_drop":
                catering.catering_drop(registration=registration)
                messages.success(request, _("You have given up the catering."))
                return redirect(registration.get_manage_url())
            elif action == "cancel":
                services.registration_cancel(registration=registration)
                messages.success(request, _("Your registration has been cancelled."))
                return redirect(registration.get_manage_url())
        except services.RegistrationError as error:
            messages.error(request, error.message)
            return redirect(registration.get_manage_url())
    status = 400 if (person_form.errors or items_form.errors or catering_form.errors) else 200
    return _registration_page(
        request,
        "registration/manage.html",
        registration,
        {
            "bookings": bookings,
            "person_form": person_form,
            "items_form": items_form,
            "catering": catering_summary,
            "catering_form": catering_form,
            "can_order_catering": catering_summary is not None
            and order is None
            and catering.can_order_paid(catering_summary.offer, timezone.now())
            and catering_summary.offer.paid_left > 0,
            "is_open": edition.is_registration_open(),
        },
        status=status,
    )


@require_safe
def ticket(request, public_id, token):
    registration = _registration_or_404(public_id, token)
    return _registration_page(
        request,
        "registration/ticket.html",
        registration,
        {
            "qr_svg": tickets.ticket_qr_svg(registration),
            "ticket_code": tickets.formatted_ticket_code(registration.ticket_code),
        },
    )


@require_safe
def ticket_pdf(request, public_id, token):
    registration = _registration_or_404(public_id, token)
    response = HttpResponse(
        tickets.ticket_pdf(registration, registration.bookings.all()), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="e-ticket-{registration.edition.number}.pdf"'
    return response


@require_safe
def my_calendar(request, public_id, token):
    registration = _registration_or_404(public_id, token)
    items = [b.item for b in registration.bookings.all() if b.is_confirmed]
    body = ical.calendar_for_items(registration.edition, items, request)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-program.ics"'
    return response


@require_safe
def my_data(request, public_id, token):
    """Everything stored about the person (RODO: right of access and portability)."""
    registration = _registration_or_404(public_id, token)
    data = {
        "registration": model_to_dict(
            registration, fields=[*PERSON_FIELDS, "status", "language", "ticket_code"]
        ),
        "registered_at": registration.created_at,
        "edition": str(registration.edition),
        "days": [str(d.day.date) for d in registration.days.all()],
        "bookings": [
            {"item": b.item.title, "status": b.status, "waitlist_position": b.waitlist_position}
            for b in registration.bookings.all()
        ],
        "consents": list(registration.consents.values("kind", "granted", "text_version", "recorded_at")),
        "catering_orders": list(
            registration.catering_orders.values(
                "status",
                "diet",
                "diet_note",
                "amount",
                "payment_due",
                "paid_on",
                "invoice_name",
                "invoice_nip",
                "invoice_address",
                "created_at",
            )
        ),
        "free_ticket_claims": list(
            registration.ticket_claims.values(
                "basis",
                "organisation",
                "town",
                "status",
                "waitlist_position",
                "rejection_reason",
                "created_at",
            )
        ),
    }
    response = JsonResponse(
        data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@require_http_methods(["GET", "POST"])
def resend_link(request):
    edition = current_edition_or_404()
    form = ResendLinkForm(request.POST or None)
    if request.method == "POST":
        if _rate_limited(request, "resend", settings.RATELIMIT_RESEND):
            form.add_error(
                None, _("Too many attempts from your network. Please wait a minute and try again.")
            )
            return render(request, "registration/resend.html", {"form": form}, status=429)
        if form.is_valid():
            services.manage_link_send(edition=edition, email=form.cleaned_data["email"])
            return render(request, "registration/resend.html", {"sent": True})
    return render(request, "registration/resend.html", {"form": form}, status=400 if form.errors else 200)


@require_safe
def seats(request):
    """Seats left per limited item, for the live counters on the form (no personal data)."""
    edition = current_edition_or_404()
    return JsonResponse(
        {
            str(item.pk): {"left": item.seats_left, "waiting": item.waitlist_length}
            for item in selectors.bookable_items(edition)
        }
    )


@require_safe
def privacy(request):
    current_edition_or_404()
    return render(request, "registration/privacy.html")
