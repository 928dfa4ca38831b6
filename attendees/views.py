import functools
import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import prefetch_related_objects
from django.forms import BaseForm
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from aftercare import certificates
from aftercare import selectors as aftercare_selectors
from aftercare import services as aftercare_services
from catering import services as catering_services
from catering.errors import CateringError
from catering.forms import CateringManageForm
from messaging.selectors import messages_sent_to
from program.pages import CSRF_TOKEN_SLOT, shared_page
from program.selectors import cached_page, current_edition_or_404
from registration import services, tickets
from registration.errors import DomainError

from . import selectors
from .forms import (
    PERSON_FIELDS,
    ChangeItemsForm,
    FeedbackForm,
    PersonForm,
    RegistrationForm,
    ResendLinkForm,
)
from .services import sign_up


def _rate_limited(request, form, group: str, rate: str) -> bool:
    """Count the POST against the client's limit; over it, the form says so and is not processed."""
    limited = is_ratelimited(request, group=group, key="ip", rate=rate, method="POST", increment=True)
    if limited:
        form.add_error(None, _("Too many attempts from your network. Please wait a minute and try again."))
    return limited


# A form served from the cache gets the visitor's own CSRF token (program.pages); the sign-up
# form also its own submission key, which tells a form sent twice from two people's forms.
CSRF_SLOTS = {CSRF_TOKEN_SLOT: get_token}
SUBMISSION_KEY_SLOT = "submissionkeyslotofthevisitor"
SIGN_UP_SLOTS = {**CSRF_SLOTS, SUBMISSION_KEY_SLOT: lambda request: str(uuid.uuid4())}


@require_http_methods(["GET", "POST"])
def register(request):
    edition = current_edition_or_404()
    if request.method == "GET":
        return _blank_form(request, edition)
    is_open = edition.is_registration_open()
    # A sign-up that goes through shows no counts, and decides on the ones it locks.
    choices = selectors.sign_up_choices(edition, live_counts=not is_open)
    form = RegistrationForm(
        request.POST or None,
        edition=edition,
        items=choices.items,
        catering_offer=choices.offer,
        questions=choices.questions,
    )
    status = 200
    if is_open:
        if _rate_limited(request, form, "signup", settings.RATELIMIT_SIGNUP):
            status = 429
        elif form.is_valid():
            try:
                registration = sign_up(
                    edition=edition,
                    person=form.person(),
                    days=form.cleaned_data["days"],
                    items=form.cleaned_data["items"],
                    consents=form.consents(),
                    language=translation.get_language(),
                    submission_key=form.cleaned_data["submission_key"],
                    catering_request=form.catering_request(),
                    answers=form.answers(),
                )
            except DomainError as error:
                if error.code == "submission_reused":
                    # Back and send again with another person's data: their form, with a new key.
                    form.renew_submission_key()
                if error.code == "duplicate_email":
                    # The answer the resend form gives: nothing here says whether the address is
                    # registered; its owner gets the link by mail (issue #14).
                    return _manage_link_sent(request, edition, form.cleaned_data["email"])
                form.add_error(_error_field(error), error.message)
            else:
                return redirect(
                    "registration:thanks", public_id=registration.public_id, token=registration.manage_token
                )
        if form.errors:
            status = max(status, 400)
        # Shown again: with the seats and meals as they are now.
        choices = choices.with_live_counts()
        form.setup_items(edition, choices.items)
        form.setup_catering(choices.offer, shown=True)
    context = {"form": form, "is_open": is_open, "seat_texts": _seat_texts()}
    return render(request, "registration/register.html", context, status=status)


def _blank_form(request, edition):
    """The form as a new visitor gets it, from the cache: one copy per language, program version
    (seats, waiting lists, meals and free tickets left; program.pages), version of the cached
    choices (items, offer, questions) and phase; the visitor's CSRF token and submission key are
    put in."""
    choices = selectors.sign_up_choices(edition, live_counts=False)

    def context():
        live = choices.with_live_counts()
        form = RegistrationForm(
            edition=edition,
            items=live.items,
            catering_offer=live.offer,
            questions=live.questions,
            initial={"submission_key": SUBMISSION_KEY_SLOT},
        )
        return {"form": form, "is_open": edition.is_registration_open(), "seat_texts": _seat_texts()}

    page = f"register:{choices.version}:{_phase(edition, choices.offer)}"
    return shared_page(request, page, "registration/register.html", context, slots=SIGN_UP_SLOTS)


def _phase(edition, offer) -> str:
    """What the form shows that changes with the clock, not with the data: before, during or
    after registration, and whether paid catering can still be ordered."""
    now = timezone.now()
    if not edition.is_registration_open(now):
        return "before" if now < edition.registration_opens_at else "closed"
    if offer is not None and not catering_services.can_order_paid(offer, now):
        return "open-paid-closed"
    return "open"


def _error_field(error: DomainError) -> str | None:
    if isinstance(error, CateringError):
        return "catering"
    return None


def _seat_texts() -> dict[str, list[str] | str]:
    """The live counters' wording in the page's language, for the plural forms 1, 2–4 and 5+, as
    templates/program/_full.html words a full item (the script puts the number for %s)."""
    return {
        "left": [ngettext("%s seat left", "%s seats left", n) for n in (1, 2, 5)],
        "full": [
            ngettext(
                "No seats left — join the waiting list (%(waiting)s person waiting)",
                "No seats left — join the waiting list (%(waiting)s people waiting)",
                n,
            )
            % {"waiting": "%s"}
            for n in (1, 2, 5)
        ],
        "full_nobody_waiting": _("No seats left — join the waiting list"),
    }


# Every page behind the private link is @never_cache: no browser or proxy keeps a copy of it.
def _registration_or_404(public_id, token):
    registration = selectors.registration_for_manage(public_id, token)
    if registration is None:
        raise Http404
    return registration


# The pages behind the private link, which the templates link to through `links`.
PRIVATE_PAGES = (
    *("manage", "manage_items", "manage_details", "manage_catering", "cancel", "delete", "feedback"),
    *("ticket", "ticket_pdf", "calendar", "data", "certificate_pdf", "certificate_send"),
)


@functools.cache
def _private_paths() -> dict[str, str]:
    """Each page behind the private link as its path below the management page's, where the
    URLconf puts them all: reversed once per process rather than a dozen times a page."""
    link = {"public_id": uuid.UUID(int=0), "token": "-"}
    manage = reverse("registration:manage", kwargs=link)
    return {name: reverse(f"registration:{name}", kwargs=link).removeprefix(manage) for name in PRIVATE_PAGES}


# What a private page's links begin with until its response is made: the same for everyone, so the
# parts of these pages that show only links and the person's state are rendered once for everyone
# (`{% shared_part %}`), and each response gets its own person's management link. A NUL never comes
# from a form (Django's fields refuse it), so nothing a person typed can stand for it.
PRIVATE_LINK = "\x00private-link\x00"


def _registration_page(request, template: str, registration, context: dict, status: int = 200):
    """A page about one registration: its edition is the one the layout shows (already loaded,
    so the layout needs no query of its own), `links` the pages behind its private link."""
    context = {
        "registration": registration,
        "edition": registration.edition,
        "links": {name: PRIVATE_LINK + path for name, path in _private_paths().items()},
        **context,
    }
    content = render_to_string(template, context, request)
    return HttpResponse(content.replace(PRIVATE_LINK, registration.get_manage_url()), status=status)


@never_cache
@require_safe
def thanks(request, public_id, token):
    registration = _registration_or_404(public_id, token)
    context = {
        "catering": selectors.registration_catering(registration),
        "on_waiting_list": any(not booking.is_confirmed for booking in registration.bookings.all()),
    }
    return _registration_page(request, "registration/thanks.html", registration, context)


# The management page is a summary; each change is a focused step of its own under the same
# private link: one form, one save button. What a step's form can do: each takes the request, the
# registration and the step's forms (it binds its own to the POST data), calls one service and
# returns the message to show, or None when its form is invalid and the step shows again with the
# errors.


def _person_form(registration, questions, data=None) -> PersonForm:
    """The person's details and their answers to the questions they are asked (by the days and
    items they hold)."""
    form = PersonForm(data, instance=registration, prefix="person")
    if questions:
        holds = (
            {attendance.day_id for attendance in registration.days.all()},
            {booking.item_id for booking in registration.bookings.all()},
        )
        given = {answer.question_id: answer.value for answer in registration.answers.all()}
        form.setup_questions(questions, holds=holds, initial=given)
    return form


def _save_person(request, registration, forms):
    form = forms["person_form"] = _person_form(registration, forms["questions"], request.POST)
    if form.is_valid():
        services.registration_update_person(
            registration=registration,
            person=form.person(),
            answers=form.answers() if forms["questions"] else None,
        )
        return _("Your details have been saved.")
    return None


def _save_items(request, registration, forms):
    form = forms["items_form"] = ChangeItemsForm(
        request.POST, edition=registration.edition, items=forms["items"], prefix="items"
    )
    if form.is_valid():
        services.registration_change_items(
            registration=registration,
            item_ids=[item.pk for item in form.cleaned_data["items"]],
            day_ids=[day.pk for day in form.cleaned_data["days"]],
        )
        return _("Your program has been saved.")
    return None


def _leave_waitlist(request, registration, forms):
    kept = [b.item_id for b in registration.bookings.all() if str(b.item_id) != request.POST.get("item")]
    services.registration_change_items(registration=registration, item_ids=kept)
    return _("You have left the waiting list.")


def _save_catering(request, registration, forms):
    form = forms["catering_form"] = CateringManageForm(request.POST, prefix="catering")
    if not form.is_valid():
        return None
    diet = {name: form.cleaned_data[name] for name in ("diet", "diet_note")}
    if request.POST["action"] == "catering_add":
        catering_services.catering_add(registration=registration, invoice=form.invoice(), **diet)
        return _("The catering is ordered: the transfer details are below.")
    catering_services.catering_set_diet(registration=registration, **diet)
    return _("Your diet has been saved.")


def _drop_catering(request, registration, forms):
    catering_services.catering_drop(registration=registration)
    return _("You have given up the catering.")


def _manage_step(request, registration, template: str, actions: dict, forms: dict, **context):
    """A step's POST runs its action (the names the management page's forms have always sent),
    for a registration still active; the service refuses what the deadline no longer allows. Saved,
    back to the summary with the message; refused, the step again with the reason."""
    action = actions.get(request.POST.get("action", ""))
    if request.method == "POST" and registration.is_active and action is not None:
        try:
            done = action(request, registration, forms)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        if done:
            messages.success(request, done)
            return redirect(registration.get_manage_url())
    invalid = any(isinstance(form, BaseForm) and form.errors for form in forms.values())
    context = {**forms, **context, "changes_closed": _changes_closed(registration.edition)}
    return _registration_page(request, template, registration, context, status=400 if invalid else 200)


def _can_order_catering(catering_summary) -> bool:
    return (
        catering_summary is not None
        and catering_summary.order is None
        and catering_services.can_order_paid(catering_summary.offer, timezone.now())
        and catering_summary.offer.paid_left > 0
    )


@never_cache
@require_safe
def manage(request, public_id, token):
    """The summary: what the person holds, what to pay, the ticket, the messages; no form. Each
    change is a step of its own (below)."""
    registration = _registration_or_404(public_id, token)
    catering_summary = selectors.registration_catering(registration)
    return _registration_page(
        request,
        "registration/manage.html",
        registration,
        {
            "catering": catering_summary,
            "can_order_catering": _can_order_catering(catering_summary),
            "changes_closed": _changes_closed(registration.edition),
            "organisers_messages": selectors.registration_messages(registration),
            **_after_the_conference(registration),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def manage_items(request, public_id, token):
    """Change the days and program items; leave a waiting list (the summary's buttons post here)."""
    registration = _registration_or_404(public_id, token)
    edition = registration.edition
    items = selectors.sign_up_choices(edition).items
    form = ChangeItemsForm(
        edition=edition,
        items=items,
        prefix="items",
        initial={
            "items": [booking.item_id for booking in registration.bookings.all()],
            "days": [attendance.day_id for attendance in registration.days.all()],
        },
    )
    return _manage_step(
        request,
        registration,
        "registration/manage_items.html",
        {"items": _save_items, "leave_waitlist": _leave_waitlist},
        {"items_form": form, "items": items},
        is_open=edition.is_registration_open(),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def manage_details(request, public_id, token):
    """Change the personal details and the answers to the organisers' questions."""
    registration = _registration_or_404(public_id, token)
    questions = selectors.sign_up_choices(registration.edition).questions
    if questions:  # read once, for the form shown and the one sent
        prefetch_related_objects([registration], "answers")
    return _manage_step(
        request,
        registration,
        "registration/manage_details.html",
        {"person": _save_person},
        {"person_form": _person_form(registration, questions), "questions": questions},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def manage_catering(request, public_id, token):
    """Order the catering, change the diet, give it up. An edition without catering has no such
    step."""
    registration = _registration_or_404(public_id, token)
    catering_summary = selectors.registration_catering(registration)
    if catering_summary is None:
        raise Http404
    order = catering_summary.order
    form = CateringManageForm(
        prefix="catering",
        initial=model_to_dict(order, fields=CateringManageForm.base_fields) if order else {},
    )
    return _manage_step(
        request,
        registration,
        "registration/manage_catering.html",
        {"catering_add": _save_catering, "catering_diet": _save_catering, "catering_drop": _drop_catering},
        {"catering_form": form},
        catering=catering_summary,
        can_order_catering=_can_order_catering(catering_summary),
    )


def _after_the_conference(registration) -> dict:
    """The certificate and the survey, once the edition is over, for a person checked in. No query:
    the days, the seats and the survey's state come with the registration."""
    try:
        aftercare_services.certificate_check(registration=registration)
    except DomainError:
        return {}
    survey = aftercare_selectors.feedback_request_of(registration)
    return {"certificate": True, "survey_answered": survey is not None and survey.answered_at is not None}


def _changes_closed(edition) -> str | None:
    """After the edition's deadline for changes: why the forms are gone, and whom to write to."""
    try:
        services.changes_check_open(edition=edition)
    except DomainError as error:
        return error.message
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request, public_id, token):
    """Asks first: cancelling gives the seats away and cannot be undone. After the deadline for
    changes the page says whom to write to, and a POST is refused by the service."""
    registration = _registration_or_404(public_id, token)
    if request.method == "POST" and registration.is_active:
        try:
            services.registration_cancel(registration=registration)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your registration has been cancelled."))
        return redirect(registration.get_manage_url())
    context = {"changes_closed": _changes_closed(registration.edition)}
    return _registration_page(request, "registration/confirm_cancel.html", registration, context)


@never_cache
@require_http_methods(["GET", "POST"])
def delete_data(request, public_id, token):
    """Asks first, then erases the personal data (RODO); only anonymous counts remain."""
    registration = _registration_or_404(public_id, token)
    if request.method == "POST":
        try:
            services.registration_anonymise(registration=registration)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(registration.get_manage_url())
        return render(request, "registration/deleted.html", {"edition": registration.edition})
    return _registration_page(request, "registration/confirm_delete.html", registration, {})


@never_cache
@require_safe
def ticket(request, public_id, token):
    registration = _registration_or_404(public_id, token)
    if registration.awaiting_approval:
        return _no_ticket_yet(request, registration)
    return _registration_page(
        request,
        "registration/ticket.html",
        registration,
        {
            "qr_svg": tickets.ticket_qr_svg(registration),
            "ticket_code": tickets.formatted_ticket_code(registration.ticket_code),
        },
    )


@never_cache
@require_safe
def ticket_pdf(request, public_id, token):
    registration = _registration_or_404(public_id, token)
    if registration.awaiting_approval:
        return _no_ticket_yet(request, registration)
    response = HttpResponse(
        selectors.registration_ticket(registration, selectors.registration_catering(registration)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="e-ticket-{registration.edition.number}.pdf"'
    return response


@never_cache
@require_safe
def certificate_pdf(request, public_id, token):
    """The certificate of attendance in the page's language, or in both with `?languages=both`.
    Before the edition is over, or for a person never checked in, the management page says why."""
    registration = _registration_or_404(public_id, token)
    try:
        aftercare_services.certificate_check(registration=registration)
    except DomainError as error:
        messages.info(request, error.message)
        return redirect(registration.get_manage_url())
    both = request.GET.get("languages") == "both"
    languages = [code for code, _name in settings.LANGUAGES] if both else [translation.get_language()]
    response = HttpResponse(
        certificates.certificate_pdf(registration, languages=languages), content_type="application/pdf"
    )
    filename = f"certificate-{registration.edition.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@require_POST
def certificate_send(request, public_id, token):
    """The certificate by e-mail, on the person's request: counted against the client's limit for
    mails on request, and refused by the service within minutes of the last one."""
    registration = _registration_or_404(public_id, token)
    limited = is_ratelimited(
        request, group="resend", key="ip", rate=settings.RATELIMIT_RESEND, method="POST", increment=True
    )
    if limited:
        messages.error(request, _("Too many attempts from your network. Please wait a minute and try again."))
        return redirect(registration.get_manage_url())
    try:
        aftercare_services.certificate_send(registration=registration)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Your certificate is on its way to %(email)s.") % {"email": registration.email},
        )
    return redirect(registration.get_manage_url())


@never_cache
@require_http_methods(["GET", "POST"])
def feedback(request, public_id, token):
    """The survey, opened from the invitation's link (or the management page): once per person; a
    second visit thanks them. Before the edition is over, or for a person never checked in, the
    management page says why."""
    registration = _registration_or_404(public_id, token)
    try:
        attendance = aftercare_services.certificate_check(registration=registration)
    except DomainError as error:
        messages.info(request, error.message)
        return redirect(registration.get_manage_url())
    survey = aftercare_selectors.feedback_request_of(registration)
    if survey is not None and survey.answered_at is not None:
        return _registration_page(request, "registration/feedback.html", registration, {"answered": True})
    form = FeedbackForm(request.POST or None, attendance=attendance)
    if request.method == "POST" and form.is_valid():
        try:
            aftercare_services.feedback_submit(
                registration=registration,
                day_ratings=form.ratings("day"),
                item_ratings=form.ratings("item"),
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you! Your answer has been saved."))
            return redirect(request.path)
    status = 400 if form.errors else 200
    return _registration_page(
        request, "registration/feedback.html", registration, {"form": form}, status=status
    )


def _no_ticket_yet(request, registration):
    messages.info(request, _("Your e-ticket comes when the organisers approve your registration."))
    return redirect(registration.get_manage_url())


@never_cache
@require_safe
def my_calendar(request, public_id, token):
    registration = _registration_or_404(public_id, token)
    response = HttpResponse(
        selectors.registration_calendar(registration), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="my-program.ics"'
    return response


@never_cache
@require_safe
def my_data(request, public_id, token):
    """Everything stored about the person (RODO: right of access and portability)."""
    registration = _registration_or_404(public_id, token)
    survey = aftercare_selectors.feedback_request_of(registration)
    data = {
        "registration": model_to_dict(
            registration,
            fields=[*PERSON_FIELDS, "status", "language", "ticket_code", "cancellation_reason"],
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
        "answers_to_the_organisers_questions": selectors.registration_answers(registration),
        "messages_from_the_organisers": [
            {"sent": message.created_at, "subject": message.subject, "body": message.body}
            for message in messages_sent_to(registration)
        ],
        # When they were invited and answered; the answer itself is kept without the person.
        "feedback_survey": model_to_dict(survey, fields=["invited_at", "answered_at"]) if survey else None,
    }
    response = JsonResponse(
        data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@require_http_methods(["GET", "POST"])
def resend_link(request):
    edition = current_edition_or_404()
    if request.method == "GET":
        return shared_page(
            request, "link", "registration/resend.html", lambda: {"form": ResendLinkForm()}, slots=CSRF_SLOTS
        )
    form = ResendLinkForm(request.POST)
    if _rate_limited(request, form, "resend", settings.RATELIMIT_RESEND):
        return render(request, "registration/resend.html", {"form": form}, status=429)
    if form.is_valid():
        return _manage_link_sent(request, edition, form.cleaned_data["email"])
    return render(request, "registration/resend.html", {"form": form}, status=400)


def _manage_link_sent(request, edition, email: str):
    """Queue the management link if the address is registered; the same page either way."""
    services.manage_link_send(edition=edition, email=email)
    return render(request, "registration/resend.html", {"sent": True})


@require_safe
def seats(request):
    """Seats left per limited item, for the live counters on the form (no personal data). Cached
    like the form (the same in every language), so as live as its counts."""
    edition = current_edition_or_404()
    choices = selectors.sign_up_choices(edition, live_counts=False)

    def render_counts() -> bytes:
        return json.dumps(
            {
                str(item.pk): {"left": item.seats_left, "waiting": item.waitlist_length}
                for item in choices.with_live_counts().items
            }
        ).encode()

    body = cached_page(f"seats:{choices.version}", "", render_counts)
    return HttpResponse(body, content_type="application/json")


@require_safe
def privacy(request):
    current_edition_or_404()
    return shared_page(request, "privacy", "registration/privacy.html", dict)
