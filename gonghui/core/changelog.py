"""Serialising objects for the change log, with personal data redacted."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models

REDACTED = "***"
# Redacted on every model, whatever it declares: never written to a log.
ALWAYS_REDACTED = {"password", "id_number", "phone", "mobile", "id_number_cipher", "phone_cipher", "token"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return REDACTED
    return value


def serialize(obj: models.Model) -> dict[str, Any]:
    redacted = ALWAYS_REDACTED | set(getattr(obj, "pii_fields", ()))
    excluded = set(getattr(obj, "changelog_exclude", ()))
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in excluded:
            continue
        key = field.attname
        value = getattr(obj, key)
        if field.name in redacted or key in redacted:
            data[field.name] = REDACTED if value not in (None, "") else value
        else:
            data[field.name] = _plain(value)
    return data
