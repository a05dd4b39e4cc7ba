from gonghui.core.menu import menu_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from gonghui.notices.selectors import unread_message_count

    return {
        "menu": menu_for(user, request.resolver_match),
        "unread_messages": unread_message_count(user),
        "scope_label": scope_label(user),
    }


def scope_label(user) -> str:
    """The user's widest data scope, shown in the header so they know what they see."""
    from gonghui.core.querysets import DataScope, role_grants

    if user.is_superuser:
        return "全部数据"
    scopes = {scope for scope, _perms, _custom in role_grants(user)}
    order = [DataScope.ALL, DataScope.OWN_ORG_AND_BELOW, DataScope.CUSTOM, DataScope.OWN_ORG, DataScope.SELF]
    for scope in order:
        if scope in scopes:
            label = DataScope(scope).label
            if scope in (DataScope.OWN_ORG_AND_BELOW, DataScope.OWN_ORG) and user.org_id:
                return f"{user.org.name} · {label}"
            return label
    return "无数据权限"
