"""Electronic member card (电子会员证): a signed token carrying member pk, card number and issue date.

The token never carries the ID number. Verification checks the signature, that the
member still exists with the same card number, and that the membership is active.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.core import signing
from django.utils import timezone

from gonghui.members.models import Member, MemberStatus
from gonghui.utilities.pii import mask_name

SALT = "gonghui.members.card"


def card_token(member: Member) -> str:
    payload = {"m": member.pk, "c": member.member_card_number, "d": timezone.localdate().isoformat()}
    return signing.dumps(payload, salt=SALT, compress=True)


@dataclass(frozen=True)
class CardCheck:
    valid: bool
    verdict: str
    member: Member | None = None
    issued: str = ""

    @property
    def masked_name(self) -> str:
        return mask_name(self.member.name) if self.member else ""


def verify_card_token(token: str) -> CardCheck:
    try:
        payload = signing.loads(token, salt=SALT)
        member_pk, number, issued = int(payload["m"]), str(payload["c"]), str(payload["d"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return CardCheck(False, "无效")
    member = Member.objects.select_related("org").filter(pk=member_pk, member_card_number=number).first()
    if member is None:
        return CardCheck(False, "无效")
    if member.status != MemberStatus.ACTIVE:
        return CardCheck(False, f"无效（{member.get_status_display()}）", member, issued)
    return CardCheck(True, "有效", member, issued)


def qr_svg(data: str, scale: int = 5) -> str:
    """An inline SVG QR code (no XML declaration) for ``data``."""
    return segno.make(data, error="m").svg_inline(scale=scale, border=2, omitsize=True)
