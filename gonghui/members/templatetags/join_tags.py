"""``{% join_panel org %}``: overdue join applications and the join QR link on an organisation page."""

from django import template

from gonghui.core.querysets import can
from gonghui.members import join
from gonghui.members.models import JoinApplication

register = template.Library()


@register.inclusion_tag("members/join/_org_panel.html", takes_context=True)
def join_panel(context, org):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not can(user, JoinApplication, "view"):
        return {"show": False}
    return {
        "show": True,
        "org": org,
        "overdue": join.overdue_count(user, org),
        "has_qr": join.is_open_union(org),
    }
