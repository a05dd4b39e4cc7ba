"""Outbound delivery channels besides the site itself: email (Django's backend) and SMS (pluggable).

The SMS backend is named by ``settings.SMS_BACKEND``: a class with ``send(phone, text) -> None``.
Phone numbers never reach a log in full.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def mask_phone(phone: str) -> str:
    """138****5678: enough to tell numbers apart, not enough to call one."""
    digits = str(phone or "").strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) < 8:
        return "*" * (len(digits) - 2) + digits[-2:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


class SmsError(Exception):
    """A backend could not deliver a message (network, gateway refusal, quota)."""


class BaseSmsBackend:
    """Interface of an SMS gateway. Subclasses deliver one text to one phone number or raise SmsError."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Development default: writes the text to the log stream, with the number masked."""

    def send(self, phone: str, text: str) -> None:
        logger.info("短信 -> %s：%s", mask_phone(phone), text)


@dataclass(frozen=True)
class SmsRecord:
    phone: str
    text: str


#: Messages "sent" by LocmemSmsBackend, for tests (as django.core.mail.outbox).
outbox: list[SmsRecord] = []


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps sent messages in the module-level ``outbox`` list."""

    def send(self, phone: str, text: str) -> None:
        outbox.append(SmsRecord(phone=phone, text=text))


def get_sms_backend() -> BaseSmsBackend:
    backend_class = import_string(getattr(settings, "SMS_BACKEND", "gonghui.notices.channels.ConsoleSmsBackend"))
    return backend_class()


def user_phone(user: Any) -> str:
    # Users have no phone field yet; a later module adds one (decrypted on access).
    return str(getattr(user, "phone", "") or "").strip()


def send_emails(users: Iterable[Any], subject: str, body: str) -> int:
    """One email per user with an address (nobody sees the others' addresses). Returns how many went out."""
    messages = [
        (user.pk, EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]))
        for user in users
        if user.email
    ]
    if not messages:
        return 0
    sent = 0
    connection = get_connection()
    try:
        connection.open()
        for user_id, message in messages:
            message.connection = connection
            try:
                sent += message.send()
            except (smtplib.SMTPException, OSError):
                # One bad address or a hiccup must not stop the rest; the address itself is not logged.
                logger.warning("邮件发送失败（用户编号 %s）", user_id, exc_info=True)
    except (smtplib.SMTPException, OSError):
        logger.exception("无法连接邮件服务器，%d 封邮件未发送。", len(messages) - sent)
    finally:
        connection.close()
    return sent


def send_sms(users: Iterable[Any], text: str) -> int:
    """One SMS per user with a phone number; users without one are skipped. Returns how many went out."""
    backend = get_sms_backend()
    sent = 0
    for user in users:
        phone = user_phone(user)
        if not phone:
            continue
        try:
            backend.send(phone, text)
        except (SmsError, OSError):
            logger.warning("短信发送失败：%s（用户编号 %s）", mask_phone(phone), user.pk, exc_info=True)
        else:
            sent += 1
    return sent
