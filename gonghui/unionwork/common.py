"""Pieces the union-work services share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.orgs.models import Organization, OrgStatus, OrgType

FEDERATION_TYPES = (OrgType.FEDERATION,)


def owning_unit(user, org: Organization | None, what: str, *, federation: bool = False) -> Organization:
    """The unit a record of ``what`` is filed under: chosen, in the user's scope, not dissolved."""
    if org is None:
        raise ValidationError({"org": f"请选择{what}所属的单位。"})
    if not Organization.objects.restrict(user, "view").filter(pk=org.pk).exists():
        raise PermissionDenied(f"您无权为该单位登记{what}，请选择您管理范围内的单位。")
    if org.status == OrgStatus.DISSOLVED:
        raise ValidationError({"org": f"「{org}」已撤销，不能再登记{what}。"})
    if federation and org.org_type not in FEDERATION_TYPES:
        raise ValidationError({"org": f"{what}由总工会（市、县区总工会）登记，「{org}」不是总工会。"})
    return org


def ancestors_first_deepest(org: Organization) -> list[str]:
    """The paths of ``org`` and its ancestors, deepest first."""
    step = Organization.steplen
    return [org.path[:length] for length in range(len(org.path), 0, -step)]


def restrict_child(model, parent_model, user, action: str = "view"):
    """Rows of a child table (trainees, adoptions, decisions) the user may ``action`` by the permission on
    their parent (``parent_model``), scoped through the child's own ``scope_org_field``."""
    from gonghui.core.querysets import permission_name, permission_scope_q

    condition = permission_scope_q(user, model, permission_name(parent_model, action))
    if condition is None:
        return model.objects.none()
    return model.objects.filter(condition)
