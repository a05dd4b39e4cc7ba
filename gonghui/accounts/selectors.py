"""Readers for accounts. Every function takes the user and returns data restricted to them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db.models import Count, Prefetch, Q, QuerySet

from gonghui.accounts.models import ApiToken, Department, LoginLog, Role, User
from gonghui.core.querysets import ACTIONS
from gonghui.orgs.models import Organization

ACTION_LABELS = {
    "view": "查看",
    "add": "新增",
    "change": "修改",
    "delete": "删除",
    "export": "导出",
    "approve": "审批",
}


def users_for(user, action: str = "view") -> QuerySet:
    return (
        User.objects.restrict(user, action)
        .select_related("org", "department")
        .prefetch_related(Prefetch("roles", queryset=Role.objects.order_by("sort", "pk")))
    )


def user_orgs_for(user) -> QuerySet:
    """Units that have users the viewer may see: the choices of the user list's unit filter."""
    with_users = User.objects.restrict(user, "view").exclude(org=None).values("org_id")
    return Organization.objects.filter(pk__in=with_users)


def user_departments_for(user) -> QuerySet:
    """Departments that have users the viewer may see."""
    with_users = User.objects.restrict(user, "view").exclude(department=None).values("department_id")
    return Department.objects.filter(pk__in=with_users).select_related("org")


def departments_for(user, action: str = "view") -> QuerySet:
    return Department.objects.restrict(user, action).select_related("org").annotate(user_count=Count("users"))


def roles_for(user, action: str = "view") -> QuerySet:
    return Role.objects.restrict(user, action).annotate(user_count=Count("users", distinct=True))


def tokens_for(user) -> QuerySet:
    """A user's own API tokens: never anybody else's, whatever their roles."""
    if user is None or not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def login_logs_for(user, action: str = "view") -> QuerySet:
    return LoginLog.objects.restrict(user, action)


# ---------------------------------------------------------------------------
# The permission matrix of the role form


def our_app_configs() -> list:
    """Our own apps (gonghui.*), in INSTALLED_APPS order: only their models get permissions here."""
    return [config for config in apps.get_app_configs() if config.name.startswith("gonghui.")]


def matrix_permissions() -> QuerySet:
    """Every permission the role form may grant: one of our models × one of the six actions,
    plus the models' own special permissions (Meta.permissions, e.g. 查看完整个人信息)."""
    wanted = Q(pk__in=[])
    for config in our_app_configs():
        for model in config.get_models():
            codenames = [f"{action}_{model._meta.model_name}" for action in ACTIONS]
            codenames += [codename for codename, _label in model._meta.permissions]
            wanted |= Q(content_type__app_label=model._meta.app_label, codename__in=codenames)
    return Permission.objects.filter(wanted).select_related("content_type")


@dataclass
class MatrixRow:
    label: str
    model: str
    cells: list = field(default_factory=list)  # one (action label, Permission | None) per column
    extras: list = field(default_factory=list)  # (label, Permission) of the model's special permissions


@dataclass
class MatrixGroup:
    label: str
    rows: list[MatrixRow] = field(default_factory=list)


def permission_matrix() -> tuple[list[tuple[str, str]], list[MatrixGroup]]:
    """(columns, groups): rows are models grouped by app, columns the actions any model has."""
    by_key = {(p.content_type.app_label, p.codename): p for p in matrix_permissions()}
    used_actions: set[str] = set()
    groups = []
    for config in our_app_configs():
        rows = []
        for model in config.get_models():
            cells = []
            for action in ACTIONS:
                permission = by_key.get((model._meta.app_label, f"{action}_{model._meta.model_name}"))
                if permission is not None:
                    used_actions.add(action)
                cells.append((action, permission))
            extras = [
                (str(label), by_key[(model._meta.app_label, codename)])
                for codename, label in model._meta.permissions
                if (model._meta.app_label, codename) in by_key
            ]
            if any(permission for _action, permission in cells) or extras:
                rows.append(MatrixRow(str(model._meta.verbose_name), model._meta.label_lower, cells, extras))
        if rows:
            groups.append(MatrixGroup(str(config.verbose_name), rows))
    columns = [(action, ACTION_LABELS[action]) for action in ACTIONS if action in used_actions]
    for group in groups:
        for row in group.rows:
            row.cells = [(ACTION_LABELS[action], perm) for action, perm in row.cells if action in used_actions]
    return columns, groups
