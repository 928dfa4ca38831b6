"""Polish bank account numbers and tax numbers, checked with python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import nip


def compact_iban(value: str) -> str:
    return iban.compact(value)


def compact_nip(value: str) -> str:
    return nip.compact(value)


def validate_polish_iban(value: str) -> None:
    """A Polish IBAN with a valid checksum: the QR code for Polish banking apps needs the NRB."""
    try:
        compact = iban.validate(value)
    except StdnumError as error:
        raise ValidationError(_("Enter a valid IBAN, e.g. PL50 1090 1014 0000 0000 1234 5678.")) from error
    if not compact.startswith("PL"):
        raise ValidationError(_("Enter a Polish account number (starting with PL)."))


def validate_nip(value: str) -> None:
    """A NIP whose check digit is right (weights 6,5,7,2,3,4,5,6,7; sum mod 11)."""
    try:
        nip.validate(value)
    except StdnumError as error:
        raise ValidationError(_("Enter a valid NIP: 10 digits, e.g. 123-456-32-18.")) from error
