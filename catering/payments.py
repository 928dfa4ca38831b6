"""How people pay for the catering (the bank statement is read in catering.bank_statements).

Payment goes through a `PaymentMethod`; bank transfer is the only one. An online gateway would be
a second implementation chosen in `payment_method_for`, with the same instructions shape.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import segno
from django.core.cache import cache
from stdnum import iban

from .models import CateringOrder


@dataclass(frozen=True, kw_only=True)
class PaymentInstructions:
    amount: Decimal
    due: dt.date
    title: str
    recipient: str
    account: str  # formatted for reading
    qr_svg: str = ""


class PaymentMethod(Protocol):
    def instructions(self, order: CateringOrder) -> PaymentInstructions: ...


class BankTransfer:
    """A domestic transfer to the account in the edition's catering settings."""

    def instructions(self, order: CateringOrder) -> PaymentInstructions:
        offer = order.offer
        return PaymentInstructions(
            amount=order.amount,
            due=order.payment_due,
            title=order.transfer_title,
            recipient=offer.account_holder,
            account=iban.format(offer.account_number),
            qr_svg=transfer_qr_svg(zbp_qr_payload(order), title=order.transfer_title),
        )


def payment_method_for(order: CateringOrder) -> PaymentMethod:
    return BankTransfer()


QR_CACHE_TIMEOUT = 24 * 60 * 60


def transfer_qr_svg(payload: str, *, title: str) -> str:
    """The transfer's 2D code as inline SVG. Drawing it (segno scores all eight masks) costs more
    than the rest of the page that shows it, and it depends only on the transfer's details: kept in
    the shared cache under them, drawn once and not at every visit of the person's page."""
    key = "catering:transfer-qr:" + hashlib.sha256(f"{payload}\n{title}".encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = segno.make(payload, error="m").svg_inline(scale=4, title=title)
        cache.set(key, svg, timeout=QR_CACHE_TIMEOUT)
    return svg


def zbp_qr_payload(order: CateringOrder) -> str:
    """The Polish banks' 2D-code transfer format (Związek Banków Polskich recommendation, 2013):
    NIP|country|26-digit account|amount in grosze, 6 digits|recipient (≤20)|title (≤32)|||"""
    offer = order.offer
    grosze = int(order.amount * 100)
    return "|".join(
        [
            offer.recipient_nip,
            "PL",
            offer.account_number.removeprefix("PL"),
            f"{grosze:06d}",
            offer.account_holder[:20].strip(),
            order.transfer_title,
            "",
            "",
            "",
        ]
    )
