"""API authentication: the browser session (CSRF-checked) or a personal bearer token."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from gonghui.accounts.models import ApiToken, hash_token


class SessionAuthCSRF(SessionAuth):
    """Session cookie; unsafe methods are CSRF-checked by ninja."""


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token or not token.startswith("gh_"):
            return None
        record = ApiToken.objects.select_related("user", "user__org").filter(token_hash=hash_token(token)).first()
        if record is None or record.is_expired or not record.user.is_active or record.user.is_locked:
            return None
        now = timezone.now()
        if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = record.user  # so restrict() and the change log see the token's owner
        return record.user
