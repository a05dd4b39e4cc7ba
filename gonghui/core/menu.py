"""The sidebar menu, built from the user's permissions (RuoYi's system menu included)."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from gonghui.core.querysets import can


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    model: str | None = None  # "app_label.ModelName" whose view permission shows the item
    icon: str = ""


MENU: list[tuple[str, list[Item]]] = [
    ("工作台", [Item("首页", "home")]),
    (
        "组织管理",
        [
            Item("组织架构", "orgs:tree", "orgs.Organization"),
            Item("工会组织列表", "orgs:org_list", "orgs.Organization"),
            Item("用人单位", "orgs:employer_list", "orgs.Employer"),
            Item("建会线索", "orgs:establishment_leads", "orgs.EstablishmentCase"),
            Item("建会案卷", "orgs:establishment_list", "orgs.EstablishmentCase"),
            Item("建会超期", "orgs:establishment_overdue", "orgs.EstablishmentCase"),
            Item("换届选举", "orgs:reelection_list", "orgs.ReElection"),
            Item("到期换届", "orgs:reelection_due", "orgs.ReElection"),
            Item("工会委员会", "orgs:committee_member_list", "orgs.CommitteeMember"),
        ],
    ),
    (
        "会员管理",
        [
            Item("会员名册", "members:member_list", "members.Member"),
            Item("转会申请", "members:transfer_list", "members.Transfer"),
            Item("入会申请", "members:join_application_list", "members.JoinApplication"),
        ],
    ),
    (
        "目标督办",
        [
            Item("工作看板", "targets:dashboard", "targets.Plan"),
            Item("年度目标", "targets:plan_list", "targets.Plan"),
            Item("进度排名", "targets:progress", "targets.Target"),
            Item("季度报表", "targets:report_list", "targets.QuarterlyReport"),
            Item("督办事项", "targets:task_list", "targets.Task"),
            Item("通报", "targets:bulletin_list", "targets.Bulletin"),
            Item("工作指标", "targets:indicator_list", "targets.Indicator"),
        ],
    ),
    (
        "统计年报",
        [
            Item("年报填报", "reports:return_list", "reports.UnitReturn"),
            Item("年报任务", "reports:campaign_list", "reports.ReturnCampaign"),
        ],
    ),
    (
        "工作材料",
        [
            Item("工作材料", "intel:document_list", "intel.Document"),
            Item("材料数值", "intel:fact_list", "intel.Document"),
        ],
    ),
    (
        "服务阵地",
        [
            Item("工会驿站", "programmes:station_list", "programmes.Station"),
            Item("驿站地图", "programmes:station_map", "programmes.Station"),
            Item("巡查超期", "programmes:station_overdue", "programmes.Station"),
            Item("职工服务阵地", "programmes:center_list", "programmes.ServiceCenter"),
            Item("民生实事", "programmes:project_list", "programmes.LivelihoodProject"),
            Item("招聘会", "programmes:jobfair_list", "programmes.JobFair"),
        ],
    ),
    (
        "体检与疗休养",
        [
            Item("体检批次", "programmes:health_batch_list", "programmes.HealthCheckBatch"),
            Item("体检预约", "programmes:health_appointment_list", "programmes.HealthCheckAppointment"),
            Item("体检车送检", "programmes:health_visit_list", "programmes.ExamVehicleVisit"),
            Item("疗休养线路", "programmes:recuperation_route_list", "programmes.RecuperationRoute"),
            Item("疗休养人员", "programmes:recuperation_participant_list", "programmes.RecuperationParticipant"),
            Item("疗休养名额", "programmes:recuperation_quota_list", "programmes.RecuperationQuota"),
        ],
    ),
    (
        "帮扶服务",
        [
            Item("困难职工档案", "programmes:hardship_list", "programmes.HardshipFile"),
            Item("困难档案超期", "programmes:hardship_overdue", "programmes.HardshipFile"),
            Item("困难职工统计", "programmes:hardship_stats", "programmes.HardshipFile"),
            Item("帮扶慰问活动", "programmes:campaign_list", "programmes.Campaign"),
            Item("帮扶慰问记录", "programmes:assistance_list", "programmes.Assistance"),
            Item("帮扶慰问统计", "programmes:assistance_stats", "programmes.Assistance"),
        ],
    ),
    (
        "互助保障",
        [
            Item("保障计划", "programmes:mutualaid_plan_list", "programmes.MutualAidPlan"),
            Item("参保名单", "programmes:mutualaid_enrolment_list", "programmes.MutualAidEnrolment"),
            Item("理赔申请", "programmes:mutualaid_claim_list", "programmes.MutualAidClaim"),
            Item("理赔超时", "programmes:mutualaid_claim_overdue", "programmes.MutualAidClaim"),
            Item("互助保障统计", "programmes:mutualaid_figures", "programmes.MutualAidClaim"),
        ],
    ),
    (
        "权益保障",
        [
            Item("维权案件", "rights:case_list", "rights.RightsCase"),
            Item("超时预警", "rights:case_overdue", "rights.RightsCase"),
            Item("维权统计", "rights:case_stats", "rights.RightsCase"),
            Item("法律援助", "rights:aid_list", "rights.LegalAidCase"),
            Item("律师团", "rights:lawyer_list", "rights.Lawyer"),
            Item("律师值班", "rights:duty_list", "rights.DutySlot"),
            Item("劳动法律监督委员会", "rights:committee_list", "rights.LegalSupervisionCommittee"),
            Item("集体合同", "rights:contract_list", "rights.CollectiveContract"),
            Item("集体协商指导员", "rights:instructor_list", "rights.BargainingInstructor"),
        ],
    ),
    (
        "建功立业",
        [
            Item("劳动和技能竞赛", "honours:competition_list", "honours.Competition"),
            Item("竞赛项目", "honours:project_list", "honours.CompetitionProject"),
            Item("参赛职工", "honours:participant_list", "honours.CompetitionParticipant"),
            Item("劳模工匠", "honours:honour_list", "honours.Honour"),
            Item("劳模待遇", "honours:care_list", "honours.CareRecord"),
            Item("创新工作室", "honours:studio_list", "honours.InnovationStudio"),
        ],
    ),
    (
        "产改",
        [
            Item("产改试点企业", "honours:pilot_list", "honours.PilotEnterprise"),
            Item("产改示范点", "honours:demo_site_list", "honours.DemoSite"),
        ],
    ),
    (
        "自身建设",
        [
            Item("经费收缴", "unionwork:dues_list", "unionwork.DuesRecord"),
            Item("经费收缴率", "unionwork:dues_collection", "unionwork.DuesRecord"),
            Item("干部培训", "unionwork:course_list", "unionwork.TrainingCourse"),
            Item("信息报送", "unionwork:info_list", "unionwork.InfoItem"),
            Item("信息排名", "unionwork:info_ranking", "unionwork.InfoItem"),
            Item("联席会议", "unionwork:meeting_list", "unionwork.JointMeeting"),
            Item("联席会议年度任务", "unionwork:obligation_list", "unionwork.JointMeetingObligation"),
        ],
    ),
    (
        "通知消息",
        [
            Item("通知公告", "notices:announcement_list", "notices.Announcement"),
            Item("站内消息", "notices:message_list"),
            Item("下载中心", "jobs:job_list"),
        ],
    ),
    (
        "系统管理",
        [
            Item("用户", "accounts:user_list", "accounts.User"),
            Item("部门", "accounts:department_list", "accounts.Department"),
            Item("角色", "accounts:role_list", "accounts.Role"),
            Item("组织", "orgs:org_list", "orgs.Organization"),
            Item("字典", "core:dict_list", "core.DictType"),
            Item("API 令牌", "accounts:token_list"),
        ],
    ),
    (
        "安全审计",
        [
            Item("数据变更日志", "core:changelog_list", "core.ChangeLog"),
            Item("操作日志", "core:operationlog_list", "core.OperationLog"),
            Item("登录日志", "accounts:loginlog_list", "accounts.LoginLog"),
        ],
    ),
]


def menu_for(user, resolver_match=None) -> list[dict]:
    current = resolver_match.view_name if resolver_match else None
    groups = []
    seen: set[str] = set()  # the system menu repeats 组织; show each page once
    for title, items in MENU:
        visible = []
        for item in items:
            if item.model:
                try:
                    model = apps.get_model(item.model)
                except LookupError:
                    continue  # a module that is not installed
                if not can(user, model, "view"):
                    continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            if url in seen:
                continue
            seen.add(url)
            visible.append({"label": item.label, "url": url, "active": current == item.url_name})
        if visible:
            groups.append({"title": title, "items": visible})
    return groups
