"""Pieces every programme shares: the owning union a record may be filed under, and its API form."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja.errors import HttpError

from gonghui.core.querysets import get_restricted_or_404
from gonghui.orgs.models import Organization, OrgStatus


def owning_union(user, org: Organization | None, what: str) -> Organization:
    """The union a new or moved record of ``what`` (e.g. "驿站") is filed under: chosen, in scope, not dissolved."""
    if org is None:
        raise ValidationError({"org": f"请选择{what}所属的工会。"})
    if not Organization.objects.restrict(user, "view").filter(pk=org.pk).exists():
        raise PermissionDenied(f"您无权为该单位登记{what}，请选择您管理范围内的工会。")
    if org.status == OrgStatus.DISSOLVED:
        raise ValidationError({"org": f"「{org}」已撤销，不能再登记{what}。"})
    return org


def api_payload(request, payload: dict) -> dict:
    """An API payload with ``org_id`` replaced by the organisation (422 when it is not visible)."""
    data = dict(payload)
    if "org_id" in data:
        pk = data.pop("org_id")
        if pk is not None:
            try:
                data["org"] = get_restricted_or_404(Organization, request.user, "view", pk=pk)
            except Http404:
                raise HttpError(422, f"单位 {pk} 不存在或不在您的数据权限范围内。") from None
    return data
