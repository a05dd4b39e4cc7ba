"""Built-in roles: the three separated admin roles (三员分立) and the business roles.

They are created or brought up to date after every migrate (post_migrate), so a
fresh database always has them. Security administrators may add other roles.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Permission

from gonghui.core.querysets import DataScope

BUSINESS = ("view", "add", "change", "delete", "export", "approve")
READ = ("view", "export")


def perms(model: str, actions: tuple[str, ...]) -> list[str]:
    app_label, model_name = model.split(".")
    return [f"{app_label}.{action}_{model_name}" for action in actions]


# 服务阵地与民生实事 (gonghui.programmes)
PROGRAMMES_MODELS = (
    "programmes.station",
    "programmes.stationphoto",
    "programmes.inspection",
    "programmes.usagereport",
    "programmes.servicecenter",
    "programmes.livelihoodproject",
    # 职工体检 and 疗休养
    "programmes.healthcheckbatch",
    "programmes.healthcheckallocation",
    "programmes.healthcheckappointment",
    "programmes.examvehiclevisit",
    "programmes.recuperationquota",
    "programmes.recuperationroute",
    "programmes.recuperationgroup",
    "programmes.recuperationparticipant",
    "programmes.jobfair",
    "programmes.jobfairemployer",
)
PROGRAMMES_BUSINESS = tuple(name for model in PROGRAMMES_MODELS for name in perms(model, BUSINESS))
PROGRAMMES_GRASSROOTS = tuple(name for model in PROGRAMMES_MODELS for name in perms(model, ("view", "add", "change")))
PROGRAMMES_READ = tuple(name for model in PROGRAMMES_MODELS for name in perms(model, READ))
# 建功立业 and 产改 (gonghui/honours): federations run them, grassroots unions declare, enter and nominate.
HONOURS_MODELS = (
    "honours.competition",
    "honours.competitionproject",
    "honours.competitionteam",
    "honours.competitionparticipant",
    "honours.honour",
    "honours.carerecord",
    "honours.innovationstudio",
    "honours.pilotenterprise",
    "honours.demosite",
)
HONOURS_ADMIN = tuple(name for model in HONOURS_MODELS for name in perms(model, BUSINESS))
HONOURS_GRASSROOTS = (
    *perms("honours.competition", ("view",)),
    *perms("honours.competitionproject", ("view", "add", "change", "delete")),
    *perms("honours.competitionteam", ("view", "add", "change", "delete")),
    *perms("honours.competitionparticipant", ("view", "add", "change", "delete", "export")),
    *perms("honours.honour", ("view", "add", "change", "delete")),
    *perms("honours.carerecord", ("view",)),
    *perms("honours.innovationstudio", ("view", "add", "change")),
    *perms("honours.pilotenterprise", ("view", "change")),
    *perms("honours.demosite", ("view",)),
)
HONOURS_READ = tuple(name for model in HONOURS_MODELS for name in perms(model, READ))

# 建会 and 换届 (gonghui/orgs/models_establishment.py)
ESTABLISHMENT_MODELS = ("orgs.establishmentcase", "orgs.reelection", "orgs.committeemember")
ESTABLISHMENT_ADMIN = (
    *(name for model in ESTABLISHMENT_MODELS for name in perms(model, BUSINESS)),
    "orgs.view_reelectionreminder",
)
ESTABLISHMENT_GRASSROOTS = (
    *perms("orgs.reelection", ("view", "add", "change")),
    *perms("orgs.committeemember", ("view", "export")),
)
ESTABLISHMENT_READ = tuple(name for model in ESTABLISHMENT_MODELS for name in perms(model, READ))


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: str
    data_scope: str
    permissions: tuple[str, ...]
    remark: str = ""


BUILTIN_ROLES: tuple[RoleSpec, ...] = (
    RoleSpec(
        "sysadmin",
        "系统管理员",
        DataScope.ALL,
        (
            *perms("accounts.user", ("view", "add", "change", "delete", "export")),
            *perms("accounts.department", ("view", "add", "change", "delete", "export")),
            *perms("orgs.organization", ("view", "add", "change", "delete", "export")),
            *perms("core.dicttype", ("view", "add", "change", "delete")),
            *perms("core.dictitem", ("view", "add", "change", "delete")),
            *perms("targets.indicator", ("view", "add", "change", "delete", "export")),
        ),
        "三员之一：管理用户、组织和系统设置，不接触业务数据",
    ),
    RoleSpec(
        "secadmin",
        "安全管理员",
        DataScope.ALL,
        (
            *perms("accounts.role", ("view", "add", "change", "delete")),
            "accounts.view_user",
            "orgs.view_organization",  # to pick the units of a 自定义 data scope
        ),
        "三员之一：管理角色、权限和用户的角色分配",
    ),
    RoleSpec(
        "auditor",
        "审计管理员",
        DataScope.ALL,
        (
            *perms("core.changelog", READ),
            *perms("core.operationlog", READ),
            *perms("accounts.loginlog", READ),
        ),
        "三员之一：只读审计日志",
    ),
    RoleSpec(
        "union_admin",
        "工会业务管理员",
        DataScope.OWN_ORG_AND_BELOW,
        (
            *perms("orgs.organization", BUSINESS),
            *perms("orgs.employer", BUSINESS),
            *perms("members.member", BUSINESS),
            *perms("members.membershipevent", ("view",)),
            *perms("members.transfer", BUSINESS),
            *perms("members.joinapplication", ("view", "approve", "export")),
            *perms("notices.announcement", BUSINESS),
            *perms("targets.indicator", READ),
            *perms("targets.plan", BUSINESS),
            *perms("targets.target", BUSINESS),
            *perms("targets.quarterlyreport", BUSINESS),
            *perms("targets.task", BUSINESS),
            *perms("targets.bulletin", BUSINESS),
            *perms("intel.document", BUSINESS),
            *HONOURS_ADMIN,
            *ESTABLISHMENT_ADMIN,
            "accounts.view_user",
            *PROGRAMMES_BUSINESS,
        ),
        "市、县(区)总工会业务人员：管理本单位及下级的组织、用人单位和通知",
    ),
    RoleSpec(
        "grassroots_chair",
        "基层工会主席",
        DataScope.OWN_ORG_AND_BELOW,
        (
            *perms("orgs.organization", ("view",)),
            *perms("orgs.employer", ("view", "add", "change", "export")),
            *perms("members.member", ("view", "add", "change", "export")),
            *perms("members.membershipevent", ("view",)),
            *perms("members.transfer", ("view", "add", "change", "approve")),
            *perms("members.joinapplication", ("view", "approve", "export")),
            *perms("notices.announcement", ("view",)),
            *perms("targets.indicator", ("view",)),
            *perms("targets.plan", ("view",)),
            *perms("targets.target", ("view",)),
            *perms("targets.quarterlyreport", ("view", "add", "change")),
            *perms("targets.task", ("view", "change")),
            *perms("intel.document", ("view", "add", "change", "delete")),
            *PROGRAMMES_GRASSROOTS,
            *HONOURS_GRASSROOTS,
            *ESTABLISHMENT_GRASSROOTS,
        ),
        "基层工会：维护本工会信息，查看通知",
    ),
    RoleSpec(
        "leader",
        "领导",
        DataScope.OWN_ORG_AND_BELOW,
        (
            *perms("orgs.organization", READ),
            *perms("orgs.employer", READ),
            *perms("members.member", READ),
            *perms("members.membershipevent", ("view",)),
            *perms("members.transfer", ("view",)),
            *perms("notices.announcement", ("view",)),
            *perms("targets.indicator", ("view",)),
            *perms("targets.plan", READ),
            *perms("targets.target", READ),
            *perms("targets.quarterlyreport", READ),
            *perms("targets.task", READ),
            *perms("targets.bulletin", READ),
            *perms("intel.document", READ),
            *PROGRAMMES_READ,
            *HONOURS_READ,
            *ESTABLISHMENT_READ,
        ),
        "主席、党组书记：查看数据和看板",
    ),
)


def sync_builtin_roles(**kwargs) -> None:
    """Create or update the built-in roles with whatever of their permissions exist yet."""
    from gonghui.accounts.models import Role

    wanted = {name for spec in BUILTIN_ROLES for name in spec.permissions}
    by_name = {}
    for permission in Permission.objects.select_related("content_type"):
        name = f"{permission.content_type.app_label}.{permission.codename}"
        if name in wanted:
            by_name[name] = permission
    for sort, spec in enumerate(BUILTIN_ROLES):
        granted = sorted(name for name in spec.permissions if name in by_name)
        role, created = Role.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "data_scope": spec.data_scope,
                "is_builtin": True,
                "remark": spec.remark,
                "sort": sort,
            },
        )
        if created:
            role.permissions.set([by_name[name] for name in granted])
        else:
            previously = set(role.builtin_permissions)
            added = [by_name[name] for name in granted if name not in previously]
            removed = [by_name[name] for name in previously - set(granted) if name in by_name]
            if added:
                role.permissions.add(*added)
            if removed:
                role.permissions.remove(*removed)
        if role.builtin_permissions != granted or not role.is_builtin:
            Role.objects.filter(pk=role.pk).update(builtin_permissions=granted, is_builtin=True)


# --- rights protection (gonghui/rights): appended to the business roles ---------------------------
RIGHTS_MODELS = (
    "rights.rightscase",
    "rights.legalaidcase",
    "rights.lawyer",
    "rights.dutyslot",
    "rights.legalsupervisioncommittee",
    "rights.collectivecontract",
    "rights.bargaininginstructor",
)
RIGHTS_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "union_admin": (
        *(name for model in RIGHTS_MODELS for name in perms(model, BUSINESS)),
        *perms("rights.dutybooking", ("view", "change", "export")),
    ),
    "grassroots_chair": (
        *perms("rights.rightscase", ("view", "change")),
        *perms("rights.legalaidcase", ("view", "add", "change")),
        *perms("rights.dutyslot", ("view",)),
        *perms("rights.legalsupervisioncommittee", ("view", "add", "change")),
        *perms("rights.collectivecontract", ("view", "add", "change", "export")),
        *perms("rights.bargaininginstructor", ("view",)),
    ),
    "leader": tuple(name for model in RIGHTS_MODELS for name in perms(model, READ)),
}
BUILTIN_ROLES = tuple(
    RoleSpec(
        spec.code,
        spec.name,
        spec.data_scope,
        spec.permissions + RIGHTS_PERMISSIONS.get(spec.code, ()),
        spec.remark,
    )
    for spec in BUILTIN_ROLES
)

# --- statistics annual returns (gonghui/reports): appended to the business roles -------------------
RETURNS_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "union_admin": (*perms("reports.returncampaign", BUSINESS), *perms("reports.unitreturn", BUSINESS)),
    "grassroots_chair": tuple(perms("reports.unitreturn", ("view", "change"))),
    "leader": (*perms("reports.returncampaign", READ), *perms("reports.unitreturn", READ)),
}
# --- union's own work (gonghui/unionwork): appended to the business roles ---------------------------
UNIONWORK_MODELS = (
    "unionwork.duesrecord",
    "unionwork.duessharescheme",
    "unionwork.trainingcourse",
    "unionwork.infoitem",
    "unionwork.infoscorerule",
    "unionwork.jointmeetingobligation",
    "unionwork.jointmeeting",
)
UNIONWORK_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "union_admin": tuple(name for model in UNIONWORK_MODELS for name in perms(model, BUSINESS)),
    "grassroots_chair": (
        *perms("unionwork.duesrecord", ("view", "export")),
        *perms("unionwork.duessharescheme", ("view",)),
        *perms("unionwork.trainingcourse", ("view",)),
        *perms("unionwork.infoitem", ("view", "add", "change", "delete", "export")),
        *perms("unionwork.infoscorerule", ("view",)),
    ),
    "leader": tuple(name for model in UNIONWORK_MODELS for name in perms(model, READ)),
}

# --- hardship files and assistance (gonghui/programmes, 帮扶服务): appended to the business roles ---------
HARDSHIP_MODELS = ("programmes.hardshipfile", "programmes.hardshipattachment", "programmes.hardshipevent")
ASSISTANCE_MODELS = ("programmes.campaign", "programmes.assistance")
HARDSHIP_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "union_admin": (
        *(name for model in (*HARDSHIP_MODELS, *ASSISTANCE_MODELS) for name in perms(model, BUSINESS)),
        "programmes.view_hardship_sensitive",
    ),
    # grassroots unions apply, review (初审), survey and pay; 建档 itself is the federation's approval
    "grassroots_chair": (
        *perms("programmes.hardshipfile", ("view", "add", "change", "export")),
        *perms("programmes.hardshipattachment", ("view", "add")),
        *perms("programmes.hardshipevent", ("view",)),
        "programmes.view_hardship_sensitive",
        *perms("programmes.campaign", ("view",)),
        *perms("programmes.assistance", ("view", "add", "change", "export")),
    ),
    # leaders read figures and masked lists, never the sensitive data
    "leader": tuple(name for model in (*HARDSHIP_MODELS, *ASSISTANCE_MODELS) for name in perms(model, READ)),
}

# --- 职工互助保障 (gonghui/programmes, mutual aid): appended to the business roles ----------------------
# Claims hold health data: the claim pages need view_mutualaidclaim, the disease, diagnosis, hospital, bank
# account and document photos additionally view_claim_health (federation staff and the union's own agent).
MUTUALAID_MODELS = (
    "programmes.mutualaidplan",
    "programmes.mutualaidenrolment",
    "programmes.mutualaidpayment",
    "programmes.mutualaidclaim",
)
MUTUALAID_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "union_admin": (
        *(name for model in MUTUALAID_MODELS for name in perms(model, BUSINESS)),
        *perms("programmes.mutualaidclaimdocument", ("view", "add")),
        "programmes.view_claim_health",
    ),
    "grassroots_chair": (
        *perms("programmes.mutualaidplan", ("view",)),
        *perms("programmes.mutualaidenrolment", ("view", "add", "change", "export")),
        *perms("programmes.mutualaidpayment", ("view", "add")),
        *perms("programmes.mutualaidclaim", ("view", "add", "change")),
        *perms("programmes.mutualaidclaimdocument", ("view", "add")),
        "programmes.view_claim_health",
    ),
    "leader": (
        *(name for model in MUTUALAID_MODELS[:3] for name in perms(model, READ)),
        *perms("programmes.mutualaidclaim", ("view",)),
    ),
}
BUILTIN_ROLES = tuple(
    RoleSpec(
        spec.code,
        spec.name,
        spec.data_scope,
        spec.permissions
        + RETURNS_PERMISSIONS.get(spec.code, ())
        + UNIONWORK_PERMISSIONS.get(spec.code, ())
        + HARDSHIP_PERMISSIONS.get(spec.code, ())
        + MUTUALAID_PERMISSIONS.get(spec.code, ()),
        spec.remark,
    )
    for spec in BUILTIN_ROLES
)
