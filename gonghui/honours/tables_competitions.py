"""Tables of competitions, projects and participants (pages and xlsx exports)."""

from __future__ import annotations

import django_tables2 as tables

from gonghui.honours.models import Competition, CompetitionParticipant, CompetitionProject


class CompetitionTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="竞赛名称")
    org = tables.Column(verbose_name="主办单位", order_by=("org__path", "-start_date"))
    participant_count = tables.Column(verbose_name="参赛人数")
    project_count = tables.Column(verbose_name="项目数")

    class Meta:
        model = Competition
        fields = (
            "name",
            "kind",
            "level",
            "brand",
            "subject",
            "org",
            "start_date",
            "end_date",
            "status",
            "project_count",
            "participant_count",
        )
        order_by = ("-start_date",)
        attrs = {"class": "table"}


class ProjectTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name="项目名称")
    competition = tables.Column(verbose_name="所属竞赛", order_by=("competition__name",))
    org = tables.Column(verbose_name="申报单位", order_by=("org__path",))
    current_org = tables.Column(verbose_name="当前审核单位", order_by=("current_org__path",))
    challenge = tables.Column(verbose_name="所揭榜单", default="—")

    class Meta:
        model = CompetitionProject
        fields = (
            "title",
            "competition",
            "mode",
            "challenge",
            "org",
            "leader_name",
            "submitted_on",
            "state",
            "current_org",
            "accepted_on",
            "award",
        )
        order_by = ("-submitted_on",)
        attrs = {"class": "table"}

    def render_current_org(self, record, value):
        return value.name if record.state == "submitted" else "—"

    def value_current_org(self, record, value):
        return value.name if record.state == "submitted" else ""


class ParticipantTable(tables.Table):
    name = tables.Column(verbose_name="姓名", accessor="member__name", order_by=("member__name",))
    id_number = tables.Column(verbose_name="身份证号", accessor="member__id_number_masked", orderable=False)
    card = tables.Column(verbose_name="会员证号", accessor="member__member_card_number", orderable=False)
    competition = tables.Column(
        verbose_name="竞赛",
        order_by=("competition__name",),
        linkify=lambda record: record.competition.get_absolute_url(),
    )
    org = tables.Column(verbose_name="参赛单位", order_by=("org__path",))
    team = tables.Column(verbose_name="队伍", default="个人")

    class Meta:
        model = CompetitionParticipant
        fields = ("name", "id_number", "card", "competition", "org", "team", "event", "score", "rank", "award")
        order_by = ("competition", "rank")
        attrs = {"class": "table"}
