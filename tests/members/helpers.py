"""Members for tests, made through the real services."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Permission

from gonghui.accounts.models import Role
from gonghui.core.context import actor
from gonghui.members import services
from gonghui.utilities.idnumber import make_id_number


def id_number(serial: int, area: str = "320412", birth: datetime.date = datetime.date(1990, 5, 17)) -> str:
    return make_id_number(area, birth, serial)


def add_member(world, org, *, name: str, serial: int, phone: str = "", user=None, **data):
    user = user or world.city_admin
    payload = {
        "org": org,
        "name": name,
        "id_number": data.pop("id_number", None) or id_number(serial, org.region_code),
        "phone": phone,
        "join_date": data.pop("join_date", datetime.date(2024, 3, 1)),
        **data,
    }
    with actor(user):
        return services.member_create(user=user, data=payload)


def grant_full_pii(user, *, scope: str = "own_org_and_below") -> Role:
    """A role with only 查看完整个人信息, granted to ``user`` on top of its other roles."""
    role, _ = Role.objects.get_or_create(code=f"pii_{scope}", defaults={"name": f"个人信息查看（{scope}）"})
    role.data_scope = scope
    role.save()
    role.permissions.set([Permission.objects.get(content_type__app_label="members", codename="view_full_pii")])
    user.roles.add(role)
    if hasattr(user, "_gonghui_role_grants"):
        del user._gonghui_role_grants
    return role
