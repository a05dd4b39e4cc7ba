"""Leaders' dashboard (工作看板), schedule progress (时间过半、任务过半) and ranking (比一比) pages.

Thin: every number comes from ``selectors.progress_board``; these views only choose the organisation and
period, shape the board for templates, charts and xlsx, and add the overdue tasks and late reports.
Every page takes ``?org=<pk>&year=&quarter=``; an organisation outside the user's scope is 404.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from gonghui.core.exports import write_xlsx, xlsx_response
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.orgs.models import Organization
from gonghui.targets import progress, selectors
from gonghui.targets.models import Plan, Target
from gonghui.targets.selectors import Board, Cell, UnitRow

HUNDRED = Decimal(100)
NO_PERMISSION = "您没有此功能的权限，请联系安全管理员分配角色。"
NO_TARGETS = "本年度尚未下达目标任务。"
#: the dashboard lists at most this many overdue tasks; the full list is on the tasks page
TASKS_SHOWN = 50
#: a few years either side of the current one in the period selector
YEAR_SPAN = 3
#: light → colour for charts (the same tones as app.css)
LIGHT_COLOURS = {"green": "#2ea121", "yellow": "#f59a23", "red": "#c8161d", "none": "#c9cdd4"}


# --- choosing the organisation and period ------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    org: Organization
    year: int
    quarter: int

    def query(self, **extra) -> str:
        return urlencode({"org": self.org.pk, "year": self.year, "quarter": self.quarter, **extra})


def _require(user, model) -> None:
    if not can(user, model, "view"):
        raise PermissionDenied(NO_PERMISSION)


def _int_param(request, name: str, default: int, low: int, high: int, label: str) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if raw.isdigit() and low <= int(raw) <= high:
        return int(raw)
    messages.warning(request, f"{label}「{raw[:10]}」无效，应为 {low}–{high} 之间的整数，已改为显示{default}。")
    return default


def _default_org_pk(user) -> int:
    """The user's own organisation, or the top of what they may see (a superuser has no unit)."""
    if user.org_id:
        return user.org_id
    pk = selectors.visible_orgs(user).order_by("depth", "path").values_list("pk", flat=True).first()
    if pk is None:
        raise Http404("您的数据权限范围内没有工会组织。")
    return pk


def choose(request) -> Choice:
    """The organisation (404 outside the user's scope) and period the page shows."""
    user = request.user
    pk = request.GET.get("org", "").strip() or _default_org_pk(user)
    org = get_restricted_or_404(Organization, user, "view", pk=pk)
    current_year, current_quarter = selectors.current_quarter()
    year = _int_param(request, "year", current_year, 2000, 2100, "年度")
    quarter = _int_param(request, "quarter", current_quarter, 1, 4, "季度")
    return Choice(org=org, year=year, quarter=quarter)


def _year_choices(year: int) -> list[int]:
    current = timezone.localdate().year
    return sorted({*range(current - YEAR_SPAN, current + 2), year}, reverse=True)


def _ancestors(user, org: Organization) -> list[Organization]:
    """The organisation's ancestors the user may view, root first (to climb back up)."""
    ids = [ancestor.pk for ancestor in Organization.objects.get_ancestors(org)]
    return list(Organization.objects.restrict(user, "view").filter(pk__in=ids).order_by("depth"))


# --- shaping numbers ---------------------------------------------------------------------------------------


def unit_name(org: Organization) -> str:
    return org.short_name or org.name


def number_text(value: Decimal | None) -> str:
    """12, 12.5, 1,234 — no trailing zeros; empty for no figure."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def percent(fraction: Decimal | None) -> float | None:
    """A completion or progress fraction as a percentage for charts (83.33)."""
    return None if fraction is None else float((fraction * HUNDRED).quantize(Decimal("0.01")))


def percent_text(fraction: Decimal | None) -> str:
    return "" if fraction is None else f"{(fraction * HUNDRED).quantize(Decimal('0.01'))}%"


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def source_link(cell: Cell, year: int, quarter: int) -> str:
    """Where the figure comes from: the records behind a computed figure, the unit's reports otherwise."""
    if cell.link:
        return cell.link
    if cell.actual is None or cell.indicator.is_computed:
        return ""
    reports = _url("targets:report_list")
    if not reports:
        return ""
    return f"{reports}?{urlencode({'org': cell.unit.pk, 'year': year, 'quarter': quarter})}"


@dataclass(frozen=True)
class CellView:
    cell: Cell
    link: str

    @property
    def indicator(self):
        return self.cell.indicator

    @property
    def actual(self) -> str:
        return number_text(self.cell.actual)

    @property
    def target(self) -> str:
        return number_text(self.cell.target)

    @property
    def completion(self) -> str:
        return percent_text(self.cell.completion)

    @property
    def gap(self) -> str:
        gap = self.cell.status.gap
        return "" if gap is None else f"{(gap * HUNDRED).quantize(Decimal('0.01')):+}"

    @property
    def light(self) -> str:
        return self.cell.light

    @property
    def light_name(self) -> str:
        return progress.LIGHT_COLOUR_NAMES[self.cell.status.light]

    @property
    def has_target(self) -> bool:
        return self.cell.target is not None


def cell_views(row: UnitRow, choice: Choice) -> list[CellView]:
    return [CellView(cell, source_link(cell, choice.year, choice.quarter)) for cell in row.cells.values()]


def page_url(name: str, choice: Choice, org: Organization | None = None, **extra) -> str:
    target = Choice(org or choice.org, choice.year, choice.quarter)
    return f"{reverse(name)}?{target.query(**extra)}"


def _base_context(request, choice: Choice, board: Board, title: str, url_name: str) -> dict:
    return {
        "title": title,
        "choice": choice,
        "board": board,
        "url_name": url_name,
        "org_name": unit_name(choice.org),
        "years": _year_choices(choice.year),
        "quarters": [(q, f"第{q}季度") for q in range(1, 5)],
        "expected_text": percent_text(board.expected),
        "margin_points": number_text(board.settings.margin * HUNDRED),
        "ancestors": [(unit_name(a), page_url(url_name, choice, a)) for a in _ancestors(request.user, choice.org)],
        "breadcrumbs": [(title, None)],
        "export_url": page_url(url_name, choice, export="xlsx") if can(request.user, Target, "export") else "",
    }


def _indicator_param(request, board: Board):
    key = request.GET.get("indicator", "")
    by_key = {indicator.key: indicator for indicator in board.indicators}
    if key and key not in by_key:
        messages.warning(request, "所选指标不在本年度目标任务中，已改为显示第一个指标。")
    return by_key.get(key) or (board.indicators[0] if board.indicators else None)


def _export_response(request, headers: list[str], rows: list[list], title: str, choice: Choice):
    if not can(request.user, Target, "export"):
        raise PermissionDenied(NO_PERMISSION)
    content = write_xlsx(headers, rows, sheet=title)
    mark_operation(request, f"导出{title}（{choice.org.name} {choice.year}年第{choice.quarter}季度）")
    return xlsx_response(content, f"{title}_{choice.org.name}_{choice.year}Q{choice.quarter}")


# --- dashboard ---------------------------------------------------------------------------------------------


def _overdue_tasks(tasks, today: datetime.date) -> list[dict]:
    return [
        {
            "task": task,
            "unit": unit_name(task.org),
            "days": (today - task.deadline).days,
            "url": _url("targets:task_detail", task.pk),
        }
        for task in tasks
    ]


def _late_reports(states) -> list[dict]:
    return [
        {
            "state": state,
            "unit": unit_name(state.unit),
            "url": _url("targets:report_detail", state.report.pk) if state.report else "",
        }
        for state in states
        if state.is_missing or state.is_late
    ]


def _bar_chart(board: Board, indicator, choice: Choice) -> dict:
    """Completion per sub-unit of one indicator, with the expected-progress line and each bar's drill-down."""
    bars = []
    for row in board.units:
        cell = row.cells.get(indicator.key)
        bars.append(
            {
                "name": unit_name(row.unit),
                "value": percent(cell.completion if cell else None),
                "colour": LIGHT_COLOURS[cell.light if cell else "none"],
                "url": page_url("targets:dashboard", choice, row.unit, indicator=indicator.key),
            }
        )
    return {"indicator": indicator.name, "expected": percent(board.expected), "bars": bars}


def _trend_chart(board: Board, trend: dict[str, list]) -> dict:
    return {
        "quarters": [f"第{q}季度" for q in range(1, 5)],
        "series": [
            {"name": indicator.name, "values": [percent(value) for value in trend[indicator.key]]}
            for indicator in board.indicators
        ],
    }


@login_required
def dashboard(request):
    """工作看板: the organisation's key figures, its sub-units compared, and what needs attention."""
    _require(request.user, Plan)
    choice = choose(request)
    today = timezone.localdate()
    data = selectors.dashboard_data(
        request.user, choice.org, choice.year, choice.quarter, today=today, tasks_shown=TASKS_SHOWN
    )
    board = data.board
    context = _base_context(request, choice, board, "工作看板", "targets:dashboard")
    context["empty_text"] = NO_TARGETS
    context["tasks"] = _overdue_tasks(data.overdue_tasks, today)
    context["tasks_url"] = _url("targets:task_overdue")
    context["reports_url"] = _url("targets:report_overdue")
    if board.indicators:
        indicator = _indicator_param(request, board)
        context.update(
            indicator=indicator,
            key_figures=cell_views(board.own, choice),
            units=[_unit_line(row, indicator, choice) for row in board.units],
            behind=[_behind_line(cell, choice) for cell in board.behind],
            reports=_late_reports(data.report_states),
            charts={"bars": _bar_chart(board, indicator, choice), "trend": _trend_chart(board, data.trend)},
            progress_url=page_url("targets:progress", choice),
            ranking_url=page_url("targets:ranking", choice),
        )
    return render(request, "targets/dashboard.html", context)


def _unit_line(row: UnitRow, indicator, choice: Choice) -> dict:
    cell = row.cells[indicator.key]
    return {
        "row": row,
        "name": unit_name(row.unit),
        "url": page_url("targets:dashboard", choice, row.unit, indicator=indicator.key),
        "cell": CellView(cell, source_link(cell, choice.year, choice.quarter)),
        "score": number_text(row.score),
        "behind": len(row.behind),
    }


def _behind_line(cell: Cell, choice: Choice) -> dict:
    return {
        "view": CellView(cell, source_link(cell, choice.year, choice.quarter)),
        "unit": unit_name(cell.unit),
        "url": page_url("targets:dashboard", choice, cell.unit),
    }


# --- schedule progress (时间过半、任务过半) ----------------------------------------------------------------


def _progress_rows(board: Board, choice: Choice) -> list[dict]:
    rows = []
    for row, is_own in [(board.own, True), *[(unit_row, False) for unit_row in board.units]]:
        rows.append(
            {
                "name": unit_name(row.unit) + ("（本级）" if is_own else ""),
                "url": "" if is_own else page_url("targets:progress", choice, row.unit),
                "cells": cell_views(row, choice),
            }
        )
    return rows


def _ranked_lines(board: Board, indicator, choice: Choice) -> list[dict]:
    """Sub-units by completion of one indicator, with their rank (unranked last)."""
    ranks = board.indicator_ranks.get(indicator.key, {})
    lines = [
        {
            "rank": ranks.get(row.unit.pk),
            "name": unit_name(row.unit),
            "url": page_url("targets:progress", choice, row.unit),
            "view": CellView(
                row.cells[indicator.key], source_link(row.cells[indicator.key], choice.year, choice.quarter)
            ),
        }
        for row in board.units
    ]
    return sorted(lines, key=lambda line: (line["rank"] is None, line["rank"] or 0, line["name"]))


def _progress_export(request, board: Board, choice: Choice):
    headers = ["单位"]
    for indicator in board.indicators:
        label = f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name
        headers += [f"{label}目标", f"{label}完成", f"{indicator.name}完成率", f"{indicator.name}进度"]
    rows = []
    for line in _progress_rows(board, choice):
        values: list = [line["name"]]
        for view in line["cells"]:
            values += [excel_number(view.cell.target), excel_number(view.cell.actual), view.completion, view.light_name]
        rows.append(values)
    rows.append([f"序时进度 {percent_text(board.expected)}（截至 {board.as_of.isoformat()}）"])
    return _export_response(request, headers, rows, "进度情况", choice)


@login_required
def progress_table(request):
    """时间过半、任务过半: every indicator of the organisation and its sub-units against expected progress."""
    _require(request.user, Target)
    choice = choose(request)
    board = selectors.progress_board(request.user, choice.org, choice.year, choice.quarter)
    if request.GET.get("export") == "xlsx":
        return _progress_export(request, board, choice)
    context = _base_context(request, choice, board, "进度情况", "targets:progress")
    context["empty_text"] = NO_TARGETS
    if board.indicators:
        indicator = _indicator_param(request, board) if request.GET.get("indicator") else None
        context.update(
            rows=_progress_rows(board, choice),
            indicator=indicator,
            ranked=_ranked_lines(board, indicator, choice) if indicator else [],
            ranking_url=page_url("targets:ranking", choice),
            dashboard_url=page_url("targets:dashboard", choice),
        )
    return render(request, "targets/progress.html", context)


# --- ranking (考核评价 / 比一比) --------------------------------------------------------------------------


def _ranking_lines(board: Board, choice: Choice) -> list[dict]:
    keys = list(board.weights)
    lines = []
    for row in board.units:
        items = []
        item_values = []
        for key in keys:
            item_values.append(excel_number(row.items.get(key)))
            cell = row.cells.get(key)
            items.append(
                {
                    "score": number_text(row.items.get(key)),
                    "completion": percent_text(cell.completion) if cell else "",
                    "link": source_link(cell, choice.year, choice.quarter) if cell else "",
                }
            )
        lines.append(
            {
                "rank": row.rank,
                "row": row,
                "name": unit_name(row.unit),
                "url": page_url("targets:progress", choice, row.unit),
                "items": items,
                "item_values": item_values,
                "score": number_text(row.score),
            }
        )
    return lines


def _weighted_indicators(board: Board) -> list[dict]:
    by_key = {indicator.key: indicator for indicator in board.indicators}
    return [{"indicator": by_key[key], "weight": number_text(weight)} for key, weight in board.weights.items()]


def _ranking_export(request, board: Board, choice: Choice):
    weighted = _weighted_indicators(board)
    headers = ["名次", "单位", *[f"{item['indicator'].name}（权重{item['weight']}）" for item in weighted], "总分"]
    rows = [
        [
            line["rank"],
            line["name"],
            *line["item_values"],
            excel_number(line["row"].score),
        ]
        for line in _ranking_lines(board, choice)
    ]
    return _export_response(request, headers, rows, "考核排名", choice)


def excel_number(value: Decimal | None) -> int | float | str:
    """Figures go to Excel as numbers, so they can be summed and sorted there."""
    if value is None:
        return ""
    return int(value) if value == value.to_integral_value() else float(value)


@login_required
def ranking(request):
    """比一比: sub-units by weighted assessment score, with each indicator's score."""
    _require(request.user, Target)
    choice = choose(request)
    board = selectors.progress_board(request.user, choice.org, choice.year, choice.quarter)
    if request.GET.get("export") == "xlsx":
        return _ranking_export(request, board, choice)
    context = _base_context(request, choice, board, "考核排名", "targets:ranking")
    context.update(
        empty_text=NO_TARGETS,
        weighted=_weighted_indicators(board),
        cap_text=percent_text(board.settings.cap),
        bonus=board.settings.bonus_rate > 0 and board.settings.bonus_cap > 0,
        lines=_ranking_lines(board, choice),
        progress_url=page_url("targets:progress", choice),
        dashboard_url=page_url("targets:dashboard", choice),
    )
    return render(request, "targets/ranking.html", context)
