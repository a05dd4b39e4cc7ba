"""Helpers every union-work page shares: permission checks and the unit/period of a table by unit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from gonghui.core.querysets import can
from gonghui.orgs.models import Organization

NO_PERMISSION = "您没有此功能的权限，请联系安全管理员分配角色。"


def _may(user, obj, action: str) -> bool:
    return type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists()


def _require(user, model, action: str) -> None:
    if not can(user, model, action):
        raise PermissionDenied(NO_PERMISSION)


def _root_and_period(request, model, *, last_complete_month: bool = False):
    """The unit (``org``, default the user's) and year/month a table by unit is drawn for; 404 outside scope."""
    user = request.user
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
        current = max(today.month - 1, 1) if last_complete_month else today.month
        month = int(request.GET.get("month") or (current if year == today.year else 12))
    except ValueError:
        year, month = today.year, today.month
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        year, month = today.year, today.month
    org_id = request.GET.get("org") or user.org_id
    visible = Organization.objects.restrict(user, "view")
    root = visible.filter(pk=org_id).first() if str(org_id).isdigit() else None
    if root is None:
        if request.GET.get("org"):
            raise Http404("对象不存在或不在您的数据权限范围内。")
        root = visible.order_by("depth", "path").first()
        if root is None:
            raise PermissionDenied(NO_PERMISSION)
    return root, year, month, visible


def _error_message(error) -> str:
    return "；".join(getattr(error, "messages", [str(error)]))
