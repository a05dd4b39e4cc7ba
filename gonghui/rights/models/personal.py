"""Personal data of complainants, applicants, lawyers and bookers: the member registry's three-field pattern.

Each ID number or phone is kept as ``*_cipher`` (SM4-GCM token bound to its column), ``*_index`` (keyed blind
index for exact lookup) and ``*_masked`` (what pages, the API and exports show); see gonghui.members.models.
Each model passes its own column contexts, so a token copied into another table does not decrypt.
"""

from __future__ import annotations

from django.db import models

from gonghui.members.models import Sealed
from gonghui.utilities.idnumber import parse_id_number
from gonghui.utilities.pii import blind_index, decrypt, encrypt, mask_id_number, mask_phone
from gonghui.utilities.validators import normalize_phone, validate_mobile

FULL_PII_PERMISSION = "rights.view_full_pii"


def seal(value: str, *, context: str, mask) -> Sealed:
    if not value:
        return Sealed("", "", "")
    return Sealed(encrypt(value, context=context), blind_index(value, context=context), mask(value))


def phone_fields() -> tuple[models.Field, models.Field, models.Field]:
    return (
        models.TextField("手机号（密文）", blank=True, editable=False),
        models.CharField("手机号索引", max_length=32, blank=True, editable=False, db_index=True),
        models.CharField("手机号", max_length=11, blank=True, editable=False),
    )


def id_number_fields() -> tuple[models.Field, models.Field, models.Field]:
    return (
        models.TextField("身份证号（密文）", blank=True, editable=False),
        models.CharField("身份证号索引", max_length=32, blank=True, editable=False, db_index=True),
        models.CharField("身份证号", max_length=18, blank=True, editable=False),
    )


class PhoneMixin:
    """``set_phone`` / ``reveal_phone`` for a model with the three phone fields and ``phone_context``."""

    phone_context = ""

    def set_phone(self, value: str) -> None:
        phone = normalize_phone(value or "")
        if phone:
            validate_mobile(phone)
        sealed = seal(phone, context=self.phone_context, mask=mask_phone)
        self.phone_cipher, self.phone_index, self.phone_masked = sealed.cipher, sealed.index, sealed.masked

    def reveal_phone(self) -> str:
        return decrypt(self.phone_cipher, context=self.phone_context) if self.phone_cipher else ""


class IdNumberMixin:
    id_number_context = ""

    def set_id_number(self, value: str) -> None:
        """Validate (GB 11643) and seal; an empty value clears it."""
        number = parse_id_number(value).number if value else ""
        sealed = seal(number, context=self.id_number_context, mask=mask_id_number)
        self.id_number_cipher, self.id_number_index, self.id_number_masked = (
            sealed.cipher,
            sealed.index,
            sealed.masked,
        )

    def reveal_id_number(self) -> str:
        return decrypt(self.id_number_cipher, context=self.id_number_context) if self.id_number_cipher else ""


def phone_index(value: str, context: str) -> str:
    return blind_index(normalize_phone(value), context=context)
