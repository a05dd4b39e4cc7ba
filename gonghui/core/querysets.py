"""The one scoping primitive: ``Model.objects.restrict(user, action)``.

Every query of business data goes through it: page views, API endpoints,
exports, form choices and background jobs. It fails closed: a model that does
not declare how it is scoped, an anonymous or inactive user, a user without
the permission or without an organisation gets nothing.

How a model is scoped is declared on the model:

``scope_kind = "tree"``    the model *is* the organisation tree (``path`` prefix)
``scope_kind = "org"``     the model has a foreign key ``scope_org_field`` (default ``org``)
``scope_kind = "global"``  system configuration: the permission alone decides

``scope_owner_field`` names the field that 仅本人 (own data only) compares with the user.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

ACTIONS = ("view", "add", "change", "delete", "export", "approve")


class DataScope(models.TextChoices):
    ALL = "all", "全部数据"
    CUSTOM = "custom", "自定义数据"
    OWN_ORG = "own_org", "本单位数据"
    OWN_ORG_AND_BELOW = "own_org_and_below", "本单位及下级数据"
    SELF = "self", "仅本人数据"


def permission_name(model: type[models.Model], action: str) -> str:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def role_grants(user: Any) -> list[tuple[str, frozenset[str], tuple[int, ...]]]:
    """(data scope, permission names, custom org ids) of each active role, cached on the user."""
    cached = getattr(user, "_gonghui_role_grants", None)
    if cached is not None:
        return cached
    # Plain rows, not model instances: a role holds hundreds of permissions, and this runs on every request.
    roles = list(user.roles.filter(is_active=True).values_list("pk", "data_scope"))
    role_model = user.roles.model
    perms: dict[int, set[str]] = {pk: set() for pk, _scope in roles}
    custom: dict[int, list[int]] = {pk: [] for pk, _scope in roles}
    if roles:
        through = role_model.permissions.through.objects.filter(role_id__in=list(perms))
        for role_id, app_label, codename in through.values_list(
            "role_id", "permission__content_type__app_label", "permission__codename"
        ):
            perms[role_id].add(f"{app_label}.{codename}")
        chosen = role_model.custom_orgs.through.objects.filter(role_id__in=list(perms))
        for role_id, org_id in chosen.values_list("role_id", "organization_id").order_by("pk"):
            custom[role_id].append(org_id)
    grants = [(scope, frozenset(perms[pk]), tuple(custom[pk])) for pk, scope in roles]
    user._gonghui_role_grants = grants
    return grants


def scope_q(user: Any, model: type[models.Model], action: str) -> Q | None:
    """The filter that limits ``model`` to what ``user`` may ``action``; None means nothing."""
    return permission_scope_q(user, model, permission_name(model, action))


def permission_scope_q(user: Any, model: type[models.Model], perm: str) -> Q | None:
    """As ``scope_q`` for any permission name, e.g. a model's custom "members.view_full_pii"."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    kind = getattr(model, "scope_kind", None)
    if kind not in {"tree", "org", "global"}:
        return None  # fail closed on models that do not say how they are scoped
    if user.is_superuser:
        return Q()
    grants = [(scope, custom) for scope, perms, custom in role_grants(user) if perm in perms]
    if not grants:
        return None
    if kind == "global":
        return Q()
    if kind == "tree":
        pk_field, path_field = "pk", "path"
    else:
        org_field = getattr(model, "scope_org_field", "org")
        pk_field, path_field = f"{org_field}_id", f"{org_field}__path"
    owner_field = getattr(model, "scope_owner_field", None)
    clauses: list[Q] = []
    for scope, custom in grants:
        if scope == DataScope.ALL:
            return Q()
        if scope == DataScope.CUSTOM and custom:
            clauses.append(Q(**{f"{pk_field}__in": custom}))
        elif scope == DataScope.OWN_ORG and user.org_id:
            clauses.append(Q(**{pk_field: user.org_id}))
        elif scope == DataScope.OWN_ORG_AND_BELOW and user.org_id:
            clauses.append(Q(**{f"{path_field}__subtree": user.org.path}))
        elif scope == DataScope.SELF:
            if owner_field:
                clauses.append(Q(**{owner_field: user.pk}))
            elif kind == "tree" and user.org_id:
                clauses.append(Q(pk=user.org_id))
    if not clauses:
        return None
    combined = clauses[0]
    for clause in clauses[1:]:
        combined |= clause
    return combined


class RestrictedQuerySetMixin:
    def restrict(self, user: Any, action: str = "view"):
        condition = scope_q(user, self.model, action)
        if condition is None:
            return self.none()
        if not condition:
            return self.all()
        return self.filter(condition)


class RestrictedQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    pass


def can(user: Any, model: type[models.Model], action: str) -> bool:
    """Whether the user holds ``action`` on ``model`` for at least part of the data."""
    return scope_q(user, model, action) is not None


def get_restricted_or_404(queryset_or_model: Any, user: Any, action: str = "view", **lookup: Any) -> Any:
    """Fetch one object the user may act on; anything else is 404, never 403."""
    manager = getattr(queryset_or_model, "_default_manager", queryset_or_model)
    try:
        return manager.restrict(user, action).get(**lookup)
    except (manager.model.DoesNotExist, ValueError, TypeError):
        raise Http404("对象不存在或不在您的数据权限范围内。") from None


def ensure_in_scope(user: Any, obj: models.Model, action: str = "change") -> None:
    """Check after write: call inside the service's transaction; raising rolls it back."""
    manager = type(obj)._default_manager
    if not manager.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied("保存后的数据超出了您的数据权限范围，操作已撤销。请选择您有权管理的单位。")
