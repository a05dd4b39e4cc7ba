"""Serialising objects for the change log, with personal data redacted."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

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
    if isinstance(value, FieldFile):
        return value.name or ""
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


def redacted_attnames(model: type[models.Model]) -> list[str]:
    """The columns whose values never reach the log (their changes are still noticed)."""
    redacted = ALWAYS_REDACTED | set(getattr(model, "pii_fields", ()))
    excluded = set(getattr(model, "changelog_exclude", ()))
    return [
        field.attname
        for field in model._meta.concrete_fields
        if field.name not in excluded and (field.name in redacted or field.attname in redacted)
    ]


def volatile_fields(model: type[models.Model]) -> set[str]:
    """Fields that change on every save (auto_now): alone they are not a change worth logging."""
    return {field.name for field in model._meta.concrete_fields if getattr(field, "auto_now", False)}
