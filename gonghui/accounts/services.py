"""Account services: the only writers of users, departments, roles, API tokens and login records.

Three rules run through this file besides scoping:

* 三员分立: user/department/dictionary administration (系统管理员), role administration
  (安全管理员) and reading the audit logs (审计管理员) never meet in one role, nor in the
  roles of one user (``separation_error``).
* Nobody raises their own privileges: the sysadmin's user forms do not touch roles, the
  secadmin may not assign roles to himself or edit a role he holds, and an account that
  carries a separated duty the actor lacks (or a superuser) is out of the actor's reach.
* Initial and reset passwords are generated here, returned once, and never stored raw.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import ApiToken, Department, LoginLog, Role, User, hash_token
from gonghui.core.middleware import client_ip
from gonghui.core.models import ChangeAction
from gonghui.core.querysets import DataScope, can, ensure_in_scope, role_grants
from gonghui.core.services import assign_fields, changelog_record, fetch_for_update
from gonghui.orgs.models import Organization

# ---------------------------------------------------------------------------
# Login records


def record_login_event(request, username: str, event: str, *, user=None, reason: str = "") -> LoginLog:
    agent = request.META.get("HTTP_USER_AGENT", "")[:200] if request is not None else ""
    return LoginLog.objects.create(
        username=username[:150],
        user=user,
        event=event,
        reason=reason[:200],
        ip=client_ip(request) if request is not None else None,
        user_agent=agent,
    )


# ---------------------------------------------------------------------------
# 三员分立

SYSTEM = "system"
SECURITY = "security"
AUDIT = "audit"

# Which permissions make a role a separated administrator. Viewing users is not
# administration (business roles and the secadmin need it); every role permission is.
DUTY_PERMISSIONS: dict[str, frozenset[str]] = {
    SYSTEM: frozenset(
        f"{app}.{action}_{model}"
        for app, model in (("accounts", "user"), ("accounts", "department"), ("core", "dicttype"), ("core", "dictitem"))
        for action in ("add", "change", "delete")
    ),
    SECURITY: frozenset(f"accounts.{action}_role" for action in ("view", "add", "change", "delete")),
    AUDIT: frozenset(
        f"{app}.{action}_{model}"
        for app, model in (("core", "changelog"), ("core", "operationlog"), ("accounts", "loginlog"))
        for action in ("view", "export")
    ),
}
DUTY_LABELS = {
    SYSTEM: "管理用户、部门或字典（系统管理员的职责）",
    SECURITY: "管理角色和权限（安全管理员的职责）",
    AUDIT: "查看审计日志（审计管理员的职责）",
}
DUTY_SHORT = {SYSTEM: "系统管理员", SECURITY: "安全管理员", AUDIT: "审计管理员"}


def duties_of(permission_names: Iterable[str]) -> set[str]:
    names = set(permission_names)
    return {duty for duty, wanted in DUTY_PERMISSIONS.items() if names & wanted}


def separation_error(permission_names: Iterable[str], *, subject: str = "同一角色") -> str | None:
    """The Chinese message when the permissions combine two separated duties, else None."""
    duties = [duty for duty in (SYSTEM, SECURITY, AUDIT) if duty in duties_of(permission_names)]
    if len(duties) < 2:
        return None
    first, second = duties[0], duties[1]
    return (
        f"三员分立：{subject}不能既{DUTY_LABELS[first]}，又{DUTY_LABELS[second]}。"
        "请把这些权限拆分到不同角色，并分配给不同的人。"
    )


def _permission_names(permissions: Iterable[Permission]) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


def _user_duties(user: User) -> set[str]:
    if user.is_superuser:
        return {SYSTEM, SECURITY, AUDIT}
    names: set[str] = set()
    for _scope, perms, _custom in role_grants(user):
        names |= perms
    return duties_of(names)


def _guard_target(actor: User, target: User) -> None:
    """Refuse to act on a superuser, or on an account holding a separated duty the actor lacks."""
    if actor.is_superuser:
        return
    if target.is_superuser:
        raise PermissionDenied("超级管理员账号只能由超级管理员维护。")
    missing = _user_duties(target) - _user_duties(actor)
    if missing:
        names = "、".join(DUTY_SHORT[d] for d in (SYSTEM, SECURITY, AUDIT) if d in missing)
        raise PermissionDenied(f"该账号是{names}，为保证三员分立，您不能修改它。请联系超级管理员处理。")


# ---------------------------------------------------------------------------
# Users

# No 0/O, 1/l/I: generated passwords are read off a screen and typed in.
_PASSWORD_ALPHABETS = ("abcdefghijkmnopqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "!@#$%^&*-_=+?")
USER_CREATE_FIELDS = ("username", "display_name", "org", "department", "email")
USER_UPDATE_FIELDS = ("org", "department", "display_name", "email", "is_active")


def generate_password(length: int = 16, user: User | None = None) -> str:
    """A strong random password that passes the configured password policy."""
    pool = "".join(_PASSWORD_ALPHABETS)
    rng = secrets.SystemRandom()
    while True:
        chars = [secrets.choice(alphabet) for alphabet in _PASSWORD_ALPHABETS]
        chars += [secrets.choice(pool) for _ in range(length - len(chars))]
        rng.shuffle(chars)
        password = "".join(chars)
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def _check_department(target: User) -> None:
    if target.department_id is not None and target.department.org_id != target.org_id:
        raise ValidationError({"department": "所选部门不属于所选单位，请重新选择部门或清空部门。"})


@transaction.atomic
def user_create(*, user: User, data: dict) -> tuple[User, str]:
    """新增用户: no roles (those are the 安全管理员's job); returns the user and the one-time password."""
    if not can(user, User, "add"):
        raise PermissionDenied("您没有新增用户的权限。")
    target = User(must_change_password=True, is_active=True)
    assign_fields(target, USER_CREATE_FIELDS, data)
    target.username = (target.username or "").strip()
    if target.org_id is None:
        raise ValidationError({"org": "请选择用户所属单位。"})
    if target.username and User.objects.filter(username__iexact=target.username).exists():
        raise ValidationError({"username": f"用户名「{target.username}」已被使用，请换一个。"})
    _check_department(target)
    password = generate_password(user=target)
    target.set_password(password)
    target.password_changed_at = None
    target.full_clean()
    target.save()
    ensure_in_scope(user, target, "add")
    return target, password


@transaction.atomic
def user_update(*, user: User, target: User, data: dict) -> User:
    """修改用户: unit, department, name, e-mail, active. Never roles, never the password."""
    target = fetch_for_update(User, user, "change", target.pk)
    _guard_target(user, target)
    target.snapshot()
    assign_fields(target, USER_UPDATE_FIELDS, data)
    if target.org_id is None:
        raise ValidationError({"org": "请选择用户所属单位。"})
    if target.pk == user.pk and not target.is_active:
        raise ValidationError({"is_active": "不能停用自己的账号。"})
    _check_department(target)
    target.full_clean()
    target.save()
    ensure_in_scope(user, target, "change")
    return target


@transaction.atomic
def user_set_active(*, user: User, target: User, active: bool) -> User:
    """停用 / 启用 an account. A deactivated account cannot log in and its tokens stop working."""
    target = fetch_for_update(User, user, "change", target.pk)
    _guard_target(user, target)
    if target.pk == user.pk and not active:
        raise ValidationError("不能停用自己的账号。")
    target.snapshot()
    target.is_active = active
    target.save()
    ensure_in_scope(user, target, "change")
    return target


@transaction.atomic
def user_reset_password(*, user: User, target: User) -> str:
    """重置密码: a new generated password, to be changed at the next login. Returns it once."""
    target = fetch_for_update(User, user, "change", target.pk)
    if target.pk == user.pk:
        raise ValidationError("不能在这里重置自己的密码，请使用右上角的「修改密码」。")
    _guard_target(user, target)
    password = generate_password(user=target)
    target.snapshot()
    target.set_password(password)
    target.must_change_password = True
    target.password_changed_at = timezone.now()
    target.failed_login_count = 0
    target.locked_until = None
    target.save()
    ensure_in_scope(user, target, "change")
    return password


@transaction.atomic
def user_unlock(*, user: User, target: User) -> User:
    """解锁: clear a lockout after too many wrong passwords."""
    target = fetch_for_update(User, user, "change", target.pk)
    if not target.is_locked and not target.failed_login_count:
        raise ValidationError(f"账号「{target.username}」没有被锁定。")
    User.objects.filter(pk=target.pk).update(failed_login_count=0, locked_until=None)
    target.refresh_from_db()
    ensure_in_scope(user, target, "change")
    return target


def _role_names(roles: Iterable[Role]) -> list[str]:
    return sorted(f"{role.name}（{role.code}）" for role in roles)


@transaction.atomic
def user_set_roles(*, user: User, target: User, roles: Iterable[Role]) -> User:
    """分配角色 (安全管理员): replace the user's roles, keeping the three admins separated."""
    if not can(user, Role, "change"):
        raise PermissionDenied("只有安全管理员可以分配角色。")
    target = fetch_for_update(User, user, "view", target.pk)
    if target.pk == user.pk and not user.is_superuser:
        raise PermissionDenied("不能给自己分配角色，请由另一位安全管理员操作。")
    if target.is_superuser and not user.is_superuser:
        raise PermissionDenied("超级管理员账号只能由超级管理员维护。")
    roles = list(roles)
    allowed = set(Role.objects.restrict(user, "view").filter(pk__in=[r.pk for r in roles]).values_list("pk", flat=True))
    for role in roles:
        if role.pk not in allowed:
            raise PermissionDenied(f"您无权分配角色「{role.name}」。")
        if not role.is_active:
            raise ValidationError(f"角色「{role.name}」已停用，不能分配。请先启用该角色。")
    permissions = Permission.objects.filter(roles__in=roles).select_related("content_type")
    message = separation_error(_permission_names(permissions), subject="同一用户")
    if message:
        raise ValidationError(message)
    before = _role_names(target.roles.all())
    target.roles.set(roles)
    after = _role_names(roles)
    if before != after:
        changelog_record(obj=target, action=ChangeAction.UPDATE, before={"roles": before}, after={"roles": after})
    return target


# ---------------------------------------------------------------------------
# Departments

DEPARTMENT_FIELDS = ("org", "name", "sort")


def _check_department_name(department: Department) -> None:
    clash = Department.objects.filter(org_id=department.org_id, name=department.name).exclude(pk=department.pk)
    if department.org_id and clash.exists():
        raise ValidationError({"name": f"本单位已有名为「{department.name}」的部门，请换一个名称。"})


@transaction.atomic
def department_create(*, user: User, data: dict) -> Department:
    department = Department(created_by=user)
    assign_fields(department, DEPARTMENT_FIELDS, data)
    department.name = (department.name or "").strip()
    _check_department_name(department)
    department.full_clean()
    department.save()
    ensure_in_scope(user, department, "add")
    return department


@transaction.atomic
def department_update(*, user: User, department: Department, data: dict) -> Department:
    department = fetch_for_update(Department, user, "change", department.pk)
    department.snapshot()
    old_org = department.org_id
    assign_fields(department, DEPARTMENT_FIELDS, data)
    department.name = (department.name or "").strip()
    if department.org_id != old_org and department.users.exists():
        raise ValidationError({"org": "该部门下还有用户，不能改到其他单位。请先调整这些用户的部门。"})
    _check_department_name(department)
    department.full_clean()
    department.save()
    ensure_in_scope(user, department, "change")
    return department


@transaction.atomic
def department_delete(*, user: User, department: Department) -> None:
    department = fetch_for_update(Department, user, "delete", department.pk)
    count = department.users.count()
    if count:
        raise ValidationError(f"部门「{department.name}」下还有 {count} 个用户，请先把他们调到其他部门。")
    department.delete()


# ---------------------------------------------------------------------------
# Roles

ROLE_FIELDS = ("name", "code", "data_scope", "is_active", "sort", "remark")


def _check_role_permissions(permissions: list[Permission]) -> None:
    from gonghui.accounts.selectors import matrix_permissions

    offered = set(matrix_permissions().values_list("pk", flat=True))
    stray = [p for p in permissions if p.pk not in offered]
    if stray:
        raise ValidationError({"permissions": "所选权限不在可分配的权限范围内，请刷新页面后重新选择。"})
    message = separation_error(_permission_names(permissions))
    if message:
        raise ValidationError({"permissions": message})


def _check_custom_orgs(user: User, role: Role, custom_orgs: list[Organization]) -> list[Organization]:
    if role.data_scope != DataScope.CUSTOM:
        return []
    if not custom_orgs:
        raise ValidationError({"custom_orgs": "数据范围为「自定义数据」时，请至少选择一个单位。"})
    visible = set(
        Organization.objects.restrict(user, "view")
        .filter(pk__in=[o.pk for o in custom_orgs])
        .values_list("pk", flat=True)
    )
    outside = [org.name for org in custom_orgs if org.pk not in visible]
    if outside:
        raise ValidationError({"custom_orgs": f"您无权把「{'、'.join(outside)}」设为数据范围，请选择您能看到的单位。"})
    return custom_orgs


def _check_holders(role: Role) -> None:
    """After a role's permissions change, no holder may end up with two separated duties."""
    for holder in role.users.all().only("pk", "username"):
        permissions = Permission.objects.filter(roles__users=holder, roles__is_active=True).select_related(
            "content_type"
        )
        message = separation_error(_permission_names(permissions), subject=f"用户「{holder.username}」")
        if message:
            raise ValidationError({"permissions": message + "（该用户同时持有其他角色）"})


def _role_state(role: Role) -> dict:
    return {
        "permissions": sorted(_permission_names(role.permissions.select_related("content_type"))),
        "custom_orgs": sorted(org.name for org in role.custom_orgs.all()),
    }


def _require_role_permission(user: User, action: str) -> None:
    if not can(user, Role, action):
        raise PermissionDenied("只有安全管理员可以维护角色。")


def _guard_own_role(user: User, role: Role) -> None:
    if not user.is_superuser and role.users.filter(pk=user.pk).exists():
        raise PermissionDenied("不能修改或删除您自己持有的角色，请由另一位安全管理员操作。")


@transaction.atomic
def role_create(
    *, user: User, data: dict, permissions: Iterable[Permission], custom_orgs: Iterable[Organization] = ()
) -> Role:
    _require_role_permission(user, "add")
    role = Role()
    assign_fields(role, ROLE_FIELDS, data)
    permissions = list(permissions)
    _check_role_permissions(permissions)
    orgs = _check_custom_orgs(user, role, list(custom_orgs))
    role.full_clean()
    role.save()
    role.permissions.set(permissions)
    role.custom_orgs.set(orgs)
    ensure_in_scope(user, role, "add")
    changelog_record(
        obj=role, action=ChangeAction.UPDATE, before={"permissions": [], "custom_orgs": []}, after=_role_state(role)
    )
    return role


@transaction.atomic
def role_update(
    *, user: User, role: Role, data: dict, permissions: Iterable[Permission], custom_orgs: Iterable[Organization] = ()
) -> Role:
    _require_role_permission(user, "change")
    role = fetch_for_update(Role, user, "change", role.pk)
    _guard_own_role(user, role)
    before_state = _role_state(role)
    role.snapshot()
    old_code = role.code
    assign_fields(role, ROLE_FIELDS, data)
    if role.is_builtin and role.code != old_code:
        raise ValidationError({"code": "内置角色的编码不能修改。"})
    permissions = list(permissions)
    _check_role_permissions(permissions)
    orgs = _check_custom_orgs(user, role, list(custom_orgs))
    role.full_clean()
    role.save()
    role.permissions.set(permissions)
    role.custom_orgs.set(orgs)
    _check_holders(role)
    ensure_in_scope(user, role, "change")
    after_state = _role_state(role)
    if after_state != before_state:
        changelog_record(obj=role, action=ChangeAction.UPDATE, before=before_state, after=after_state)
    return role


@transaction.atomic
def role_delete(*, user: User, role: Role) -> None:
    _require_role_permission(user, "delete")
    role = fetch_for_update(Role, user, "delete", role.pk)
    if role.is_builtin:
        raise ValidationError(f"「{role.name}」是内置角色，不能删除。可以停用它或修改它的权限。")
    _guard_own_role(user, role)
    holders = role.users.count()
    if holders:
        raise ValidationError(f"仍有 {holders} 个用户持有角色「{role.name}」，请先取消这些用户的该角色。")
    role.delete()


# ---------------------------------------------------------------------------
# API tokens: every user manages only their own

MAX_TOKENS_PER_USER = 10


@transaction.atomic
def token_create(*, user: User, name: str, expires_on: datetime.date | None = None) -> tuple[ApiToken, str]:
    """A personal API token; the raw token is returned once and only its hash is kept."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写令牌名称，例如用途或调用系统的名称。"})
    if expires_on is not None and expires_on <= timezone.localdate():
        raise ValidationError({"expires_on": "过期日期须晚于今天；不填则长期有效。"})
    # Lock the owner's row so two simultaneous requests cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(f"每个用户最多 {MAX_TOKENS_PER_USER} 个令牌，请先吊销不再使用的令牌。")
    raw = ApiToken.generate()
    expires_at = None
    if expires_on is not None:
        end_of_day = datetime.datetime.combine(expires_on, datetime.time.max)
        expires_at = timezone.make_aware(end_of_day, timezone.get_current_timezone())
    token = ApiToken(user=user, name=name, prefix=raw[:8], token_hash=hash_token(raw), expires_at=expires_at)
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def token_revoke(*, user: User, token: ApiToken) -> None:
    """吊销: the token stops working at once."""
    owned = ApiToken.objects.filter(user=user, pk=token.pk).first()
    if owned is None:
        raise PermissionDenied("令牌不存在或不属于您。")
    owned.delete()
