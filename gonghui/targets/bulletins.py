"""Quarterly bulletins (通报): the figures, the wording, the Word template and the generate request.

``bulletin_data`` turns the progress board (``selectors.progress_board``, the one source of every progress and
ranking figure), the quarter trend and the overdue supervision tasks into the plain ``BulletinData`` that
``gonghui.reports.bulletin`` renders to Word and PDF. Everything is read as ``user``, through ``restrict``.

The summary paragraph and the default requirements are written from the numbers, so a bulletin reads sensibly
before anyone edits it; the requirements may be replaced when the bulletin is requested.

Word templates: an administrator (targets.change_bulletin over a unit) may upload a docxtpl template for that
unit; it applies to the unit's bulletins and to those of its sub-units that have none of their own. Files live
under ``MEDIA_ROOT/bulletin_templates/<org id>/`` named by upload time, so the newest one is the one in use;
going back to the default removes the unit's uploads.
"""

from __future__ import annotations

import datetime
import tempfile
import uuid
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from gonghui.core.querysets import ensure_in_scope, permission_name, permission_scope_q
from gonghui.orgs.models import Organization
from gonghui.reports.bulletin import (
    BehindLine,
    BulletinData,
    IndicatorLine,
    ProjectLine,
    RankingLine,
    TaskLine,
    render_docx,
)
from gonghui.reports.formatting import date_text, percent_text, quarter_name, score_text
from gonghui.targets import selectors
from gonghui.targets.models import Bulletin, Task
from gonghui.targets.progress import Light
from gonghui.targets.selectors_tasks import days_overdue, overdue_q

JOB_KIND = "targets.bulletin"
TEMPLATE_DIR = "bulletin_templates"
TEMPLATE_MAX_BYTES = 10 * 1024 * 1024
MAX_REQUIREMENTS = 8
MAX_REQUIREMENT_CHARS = 200
NAMES_IN_SENTENCE = 5  # more unit or indicator names than this read as a list, not a sentence


# --- who may do what --------------------------------------------------------------------------------------


def bulletin_orgs(user: Any, action: str) -> QuerySet[Organization]:
    """The units over which ``user`` holds ``action`` on bulletins (the same data scope, read on the tree)."""
    condition = permission_scope_q(user, Organization, permission_name(Bulletin, action))
    if condition is None:
        return Organization.objects.none()
    return Organization.objects.restrict(user, "view").filter(condition)


def bulletins_for(user: Any, action: str = "view") -> QuerySet[Bulletin]:
    return Bulletin.objects.restrict(user, action).select_related("org", "job")


# --- the figures ------------------------------------------------------------------------------------------


def bulletin_title(org: Organization, year: int, quarter: int) -> str:
    return f"关于{org.name}{year}年{quarter_name(quarter)}重点工作目标任务进展情况的通报"


def check_period(year: Any, quarter: Any) -> tuple[int, int]:
    """The year and quarter as integers, or a Chinese error saying what is allowed."""
    try:
        year, quarter = int(year), int(quarter)
    except (TypeError, ValueError):
        raise ValidationError({"quarter": "年度和季度须为数字，例如 2026 年第 3 季度。"}) from None
    if not 1 <= quarter <= 4:
        raise ValidationError({"quarter": f"季度“{quarter}”无效，季度只能是 1、2、3 或 4。"})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": f"年度“{year}”无效，请填写 2000 至 2100 之间的年份。"})
    return year, quarter


def bulletin_data(
    user: Any,
    org: Organization,
    year: int,
    quarter: int,
    *,
    doc_number: str = "",
    issue_date: datetime.date | None = None,
    requirements: list[str] | None = None,
    today: datetime.date | None = None,
) -> BulletinData:
    """The bulletin of ``org`` for a quarter, read as ``user`` (``org`` must be one the user may view)."""
    year, quarter = check_period(year, quarter)
    board = selectors.progress_board(user, org, year, quarter, today=today)
    indicators = _indicator_lines(board)
    ranking = _ranking_lines(board)
    behind = [
        BehindLine(cell.unit.name, cell.indicator.name, cell.completion, cell.status.expected, cell.light)
        for cell in board.behind
    ]
    tasks = overdue_tasks(user, org, board.as_of)
    facts = _Facts(board=board, indicators=indicators, ranking=ranking, behind=behind, tasks=tasks)
    return BulletinData(
        org_name=org.name,
        title=bulletin_title(org, year, quarter),
        doc_number=doc_number,
        issue_date=issue_date or timezone.localdate(),
        year=year,
        quarter=quarter,
        expected=board.expected,
        summary=summary_text(facts),
        indicators=indicators,
        ranking=ranking,
        behind=behind,
        overdue_tasks=tasks,
        requirements=clean_requirements(requirements) or default_requirements(facts),
        trend=_trend(user, org, year, quarter, board),
        projects=project_lines(user, org, year, board.as_of),
    )


def project_lines(user: Any, org: Organization, year: int, as_of: datetime.date) -> list[ProjectLine]:
    """The year's 民生实事 of ``org`` and its sub-units that ``user`` may see, with their progress at ``as_of``
    (computed ones live from the records, the others as last reported)."""
    from gonghui.programmes.models.projects import LivelihoodProject
    from gonghui.programmes.selectors_projects import progress

    projects = (
        LivelihoodProject.objects.restrict(user, "view")
        .filter(year=year, org__path__subtree=org.path)
        .select_related("org", "indicator")
        .order_by("org__path", "sort", "pk")
    )
    lines = []
    for project in projects:
        row = progress(project, as_of)
        lines.append(
            ProjectLine(
                title=project.title,
                org=project.org.name,
                unit=project.unit,
                target=project.target_value,
                actual=row.actual,
                completion=row.completion,
                expected=row.expected,
                status=row.status_label,
                light=Light.GREEN if row.done else row.light,
            )
        )
    return lines


def _indicator_lines(board: selectors.Board) -> list[IndicatorLine]:
    lines = []
    for indicator in board.indicators:
        cell = board.own.cells[indicator.key]
        if cell.target is None and cell.completion is None:
            continue  # an indicator only the sub-units have: it belongs to the ranking, not the own table
        lines.append(
            IndicatorLine(
                name=indicator.name,
                unit=indicator.unit,
                target=cell.target,
                actual=cell.actual,
                completion=cell.completion,
                expected=cell.status.expected,
                light=cell.light,
            )
        )
    return lines


def _ranking_lines(board: selectors.Board) -> list[RankingLine]:
    """Sub-units by assessment rank; none when the plan gives no assessment weights (nothing to rank by)."""
    if not board.weights:
        return []
    return [
        RankingLine(
            rank=row.rank,
            unit=row.unit.name,
            score=row.score if row.score is not None else Decimal(0),
            completions={
                board_indicator.name: row.cells[board_indicator.key].completion
                for board_indicator in board.indicators
                if row.cells[board_indicator.key].target is not None
            },
        )
        for row in board.units
    ]


def overdue_tasks(user: Any, org: Organization, as_of: datetime.date) -> list[TaskLine]:
    """Open supervision tasks led by units of ``org``'s subtree whose deadline had passed on ``as_of``."""
    tasks = (
        Task.objects.restrict(user, "view")
        .filter(org__path__subtree=org.path)
        .filter(overdue_q(as_of))
        .select_related("org")
        .order_by("deadline", "pk")
    )
    return [
        TaskLine(
            title=task.title,
            lead_unit=task.org.name,
            deadline=task.deadline,
            days_overdue=days_overdue(task, as_of),
            state=task.get_state_display(),
        )
        for task in tasks
    ]


def _trend(user: Any, org: Organization, year: int, quarter: int, board: selectors.Board) -> dict[str, list]:
    """Completion per quarter of the unit's own indicators, up to the bulletin's quarter."""
    own = [ind for ind in board.indicators if board.own.cells[ind.key].target is not None]
    if not own:
        return {}
    series = selectors.quarter_trend(user, org, year, own)
    trend = {}
    for indicator in own:
        values = [value if number <= quarter else None for number, value in enumerate(series[indicator.key], 1)]
        if any(value is not None for value in values):
            trend[indicator.name] = values
    return trend


# --- the words --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    board: selectors.Board
    indicators: list[IndicatorLine]
    ranking: list[RankingLine]
    behind: list[BehindLine]
    tasks: list[TaskLine]

    @property
    def behind_units(self) -> list[str]:
        return list(dict.fromkeys(line.unit for line in self.behind))


def _names(names: list[str], measure: str = "个单位") -> str:
    """ "甲、乙、丙"; a long list is cut: "甲、乙、丙、丁、戊等7个单位"."""
    shown = "、".join(names[:NAMES_IN_SENTENCE])
    return shown + (f"等{len(names)}{measure}" if len(names) > NAMES_IN_SENTENCE else "")


def summary_text(facts: _Facts) -> str:
    """The overall-progress paragraphs: own indicators, the ranking and behind units, overdue tasks."""
    board = facts.board
    paragraphs = [_own_paragraph(facts, date_text(board.as_of))]
    if facts.ranking:
        paragraphs.append(_ranking_paragraph(facts))
    if facts.tasks:
        paragraphs.append(
            f"督办事项方面，截至{date_text(board.as_of)}，有{len(facts.tasks)}项督办事项超过完成时限仍未办结，"
            f"涉及{_names(list(dict.fromkeys(task.lead_unit for task in facts.tasks)))}。"
        )
    else:
        paragraphs.append("督办事项方面，各项督办事项均在完成时限内推进，无逾期未办结事项。")
    return "\n".join(paragraphs)


def _own_paragraph(facts: _Facts, as_of: str) -> str:
    org = facts.board.org.name
    expected = percent_text(facts.board.expected)
    lines = facts.indicators
    if not lines:
        return f"截至{as_of}，序时进度为{expected}。{org}本年度尚未下达目标任务，暂无指标完成数据。"
    counts = {light: sum(1 for line in lines if line.light == light) for light in Light}
    wording = {
        Light.GREEN: "达到序时进度（绿灯）",
        Light.YELLOW: "稍有滞后（黄灯）",
        Light.RED: "明显滞后（红灯）",
        Light.NONE: "暂无完成数据",
    }
    parts = "，".join(f"{counts[light]}项{words}" for light, words in wording.items() if counts[light])
    text = f"截至{as_of}，序时进度为{expected}。{org}{len(lines)}项目标任务中，{parts}"
    lagging = [line for line in lines if line.light in (Light.YELLOW, Light.RED)]
    if lagging:
        items = "、".join(f"{line.name}（完成{percent_text(line.completion)}）" for line in lagging)
        return f"{text}。滞后的指标是：{items}。"
    return f"{text}，总体进展符合序时要求。"


def _ranking_paragraph(facts: _Facts) -> str:
    ranked = [line for line in facts.ranking if line.rank is not None]
    text = f"从{len(facts.ranking)}个下级单位的综合考核情况看，"
    if ranked:
        first, last = ranked[0], ranked[-1]
        text += f"{first.unit}综合得分最高（{score_text(first.score)}分）"
        if len(ranked) > 1:
            text += f"，{last.unit}得分最低（{score_text(last.score)}分）"
    else:
        text += "各单位暂无可比的考核得分"
    units = facts.behind_units
    if units:
        red = sum(1 for line in facts.behind if line.light == Light.RED)
        text += f"。{_names(units)}共有{len(facts.behind)}项指标进度滞后，其中红灯{red}项。"
    else:
        text += "。各下级单位的指标均达到序时进度。"
    return text


def default_requirements(facts: _Facts) -> list[str]:
    """Three or four requirements that name the units and indicators the figures point at."""
    items = []
    units = facts.behind_units
    if units:
        indicators = list(dict.fromkeys(line.indicator for line in facts.behind))
        items.append(
            f"{_names(units)}要对照序时进度查找差距、分析原因，制定针对性措施，"
            f"加快推进{_names(indicators, '项')}{'' if len(indicators) > NAMES_IN_SENTENCE else '等'}滞后指标，"
            "确保尽快赶上序时进度。"
        )
    else:
        items.append("各单位要保持良好势头，对照年度目标任务逐项推进，确保各项指标持续达到序时进度。")
    if facts.tasks:
        leads = list(dict.fromkeys(task.lead_unit for task in facts.tasks))
        items.append(f"{_names(leads)}要对逾期督办事项明确责任人和办结时限，限期办结并报送办结情况。")
    else:
        items.append("各牵头单位要按照督办事项的完成时限倒排工期，确保按期办结、按时销号。")
    items.append("各单位要坚持一季一报，按时报送季度报表，确保数据真实、准确、完整。")
    if facts.board.quarter < 4:
        items.append("各单位要对标全年目标任务，统筹抓好下一阶段工作，确保全面完成全年目标任务。")
    else:
        items.append("各单位要认真总结全年工作，做好年度考核评价各项准备。")
    return items


def clean_requirements(requirements: list[str] | str | None) -> list[str]:
    """Requirements typed one per line: blank lines dropped; too many or too long lines are an error."""
    if requirements is None:
        return []
    lines = requirements.splitlines() if isinstance(requirements, str) else list(requirements)
    items = [str(line).strip() for line in lines if str(line).strip()]
    if len(items) > MAX_REQUIREMENTS:
        raise ValidationError(
            {"requirements": f"下步要求最多 {MAX_REQUIREMENTS} 条（现有 {len(items)} 条），请合并或删减后再提交。"}
        )
    long = [number for number, item in enumerate(items, 1) if len(item) > MAX_REQUIREMENT_CHARS]
    if long:
        raise ValidationError(
            {"requirements": f"第 {long[0]} 条要求超过 {MAX_REQUIREMENT_CHARS} 个字，请精简后再提交。"}
        )
    return items


# --- requesting a bulletin --------------------------------------------------------------------------------


@transaction.atomic
def bulletin_generate(
    *,
    user: Any,
    org: Organization,
    year: int,
    quarter: int,
    doc_number: str = "",
    requirements: list[str] | str | None = None,
) -> Bulletin:
    """Record the bulletin and queue the job that renders it (the job re-reads everything as ``user``)."""
    from gonghui.jobs.services import job_submit

    year, quarter = check_period(year, quarter)
    items = clean_requirements(requirements)
    bulletin = Bulletin(
        org=org,
        year=year,
        quarter=quarter,
        doc_number=(doc_number or "").strip(),
        title=bulletin_title(org, year, quarter),
        created_by=user,
    )
    bulletin.full_clean()
    bulletin.save()
    try:
        ensure_in_scope(user, bulletin, "add")
    except PermissionDenied:
        raise PermissionDenied(f"您无权为「{org.name}」生成通报，只能为本单位或下级单位生成。") from None
    bulletin.job = job_submit(
        user=user,
        kind=JOB_KIND,
        title=f"生成通报：{org.name}{year}年{quarter_name(quarter)}",
        params={"bulletin_id": bulletin.pk, "requirements": items},
    )
    bulletin.save(update_fields=["job", "updated_at"])
    return bulletin


@transaction.atomic
def bulletin_delete(*, user: Any, bulletin: Bulletin) -> None:
    """Remove the bulletin record; its files stay with the job in the requester's download centre."""
    from gonghui.core.services import fetch_for_update

    fetch_for_update(Bulletin, user, "delete", bulletin.pk).delete()


# --- Word templates ---------------------------------------------------------------------------------------


def _template_names(org_id: int) -> list[str]:
    folder = f"{TEMPLATE_DIR}/{org_id}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(f"{folder}/{name}" for name in files if name.endswith(".docx"))


@dataclass(frozen=True)
class TemplateChoice:
    """The template a unit's bulletins use: an uploaded one (by ``org``) or the default (``org`` None)."""

    path: Path | None
    org: Organization | None
    uploaded_at: datetime.datetime | None

    @property
    def is_default(self) -> bool:
        return self.path is None


def template_for(org: Organization) -> TemplateChoice:
    """The newest template uploaded for ``org`` or, failing that, for its nearest ancestor; else the default."""
    for unit in [org, *list(Organization.objects.get_ancestors(org))[::-1]]:
        names = _template_names(unit.pk)
        if names:
            name = names[-1]
            return TemplateChoice(
                path=Path(default_storage.path(name)), org=unit, uploaded_at=default_storage.get_modified_time(name)
            )
    return TemplateChoice(path=None, org=None, uploaded_at=None)


def sample_data() -> BulletinData:
    """Made-up figures that exercise every part of a template (used to check an uploaded one)."""
    one = Decimal("0.75")
    return BulletinData(
        org_name="示例市总工会",
        title="关于示例市总工会2026年第三季度重点工作目标任务进展情况的通报",
        doc_number="示总工〔2026〕1号",
        issue_date=datetime.date(2026, 10, 10),
        year=2026,
        quarter=3,
        expected=one,
        summary="截至2026年9月30日，序时进度为75.0%。\n各单位总体进展顺利。",
        indicators=[
            IndicatorLine("发展会员", "人", Decimal(100), Decimal(80), Decimal("0.8"), one, "green"),
            IndicatorLine("新建工会驿站", "个", Decimal(10), Decimal(5), Decimal("0.5"), one, "red"),
        ],
        ranking=[
            RankingLine(1, "甲区总工会", Decimal("92.5"), {"发展会员": Decimal("0.9")}),
            RankingLine(2, "乙区总工会", Decimal("70"), {"发展会员": Decimal("0.6")}),
        ],
        behind=[BehindLine("乙区总工会", "发展会员", Decimal("0.6"), one, "yellow")],
        overdue_tasks=[TaskLine("示例督办事项", "乙区总工会", datetime.date(2026, 9, 1), 29, "推进中")],
        requirements=["示例要求一。", "示例要求二。"],
        trend={"发展会员": [Decimal("0.3"), Decimal("0.5"), Decimal("0.8"), None]},
        projects=[
            ProjectLine(
                "新建提升200家户外劳动者驿站",
                "示例市总工会",
                "家",
                Decimal(200),
                Decimal(210),
                Decimal("1.05"),
                one,
                "超额完成",
                "green",
            ),
        ],
    )


def check_template(path: Path) -> None:
    """Render the sample bulletin with the template at ``path``; a Chinese ``ValidationError`` if it fails."""
    try:
        render_docx(sample_data(), BytesIO(), template=path)
    except ValueError as error:
        raise ValidationError({"file": str(error)}) from None


def _require_template_scope(user: Any, org: Organization) -> None:
    if not bulletin_orgs(user, "change").filter(pk=org.pk).exists():
        raise PermissionDenied(f"您无权更换「{org.name}」的通报模板，只能更换本单位或下级单位的模板。")


def bulletin_template_upload(*, user: Any, org: Organization, file: Any) -> str:
    """Check an uploaded .docx against the sample data and store it as ``org``'s template; returns its name."""
    _require_template_scope(user, org)
    filename = getattr(file, "name", "") or ""
    if not filename.lower().endswith(".docx"):
        raise ValidationError({"file": f"“{filename}”不是 .docx 文件。请上传 Word 文档(*.docx)格式的模板。"})
    if (getattr(file, "size", 0) or 0) > TEMPLATE_MAX_BYTES:
        raise ValidationError({"file": "模板文件超过 10 MB，请删去大图片后重新上传。"})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(filename).name
        with path.open("wb") as handle:
            for chunk in file.chunks() if hasattr(file, "chunks") else [file.read()]:
                handle.write(chunk)
        check_template(path)
        name = f"{TEMPLATE_DIR}/{org.pk}/{timezone.now():%Y%m%d%H%M%S%f}-{uuid.uuid4().hex[:8]}.docx"
        with path.open("rb") as handle:
            return default_storage.save(name, handle)


def bulletin_template_reset(*, user: Any, org: Organization) -> int:
    """Go back to the inherited or default template: remove ``org``'s uploads; returns how many."""
    _require_template_scope(user, org)
    names = _template_names(org.pk)
    for name in names:
        default_storage.delete(name)
    return len(names)
