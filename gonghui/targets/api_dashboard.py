"""JSON API of schedule progress and ranking: the same ``progress_board`` the pages read.

GET /api/targets/progress?org=&year=&quarter= — the organisation's own targets and each direct sub-unit's,
with actuals, completion, lights and ranks. Numbers are JSON numbers; completion, expected progress and
gap are fractions (0.8333 = 83.33%).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema

from gonghui.core.api_utils import require_permission
from gonghui.core.querysets import get_restricted_or_404
from gonghui.orgs.models import Organization
from gonghui.targets import selectors
from gonghui.targets.models import Target
from gonghui.targets.selectors import Board, Cell, UnitRow
from gonghui.targets.views_dashboard import source_link

router = Router(tags=["目标督办"])


class ProgressQuery(Schema):
    org: int | None = Field(None, description="工会组织 id，默认本人所在单位")
    year: int | None = Field(None, ge=2000, le=2100, description="年度，默认本年")
    quarter: int | None = Field(None, ge=1, le=4, description="季度，默认本季度")


class UnitOut(Schema):
    id: int
    name: str
    short_name: str


class IndicatorOut(Schema):
    key: str
    name: str
    unit: str
    kind: str
    source: str
    weight: float | None = None


class CellOut(Schema):
    indicator: str
    target: float | None
    actual: float | None
    completion: float | None
    expected: float | None
    gap: float | None
    light: str
    rank: int | None = None
    link: str


class RowOut(Schema):
    unit: UnitOut
    score: float | None
    rank: int | None
    cells: list[CellOut]


class BoardOut(Schema):
    org: UnitOut
    year: int
    quarter: int
    as_of: datetime.date
    expected: float
    figures_at: datetime.datetime | None
    indicators: list[IndicatorOut]
    weight_errors: list[str]
    own: RowOut
    units: list[RowOut]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _unit(org: Organization) -> dict:
    return {"id": org.pk, "name": org.name, "short_name": org.short_name}


def _cell(cell: Cell, board: Board, rank: int | None) -> dict:
    status = cell.status
    return {
        "indicator": cell.indicator.key,
        "target": _number(cell.target),
        "actual": _number(cell.actual),
        "completion": _number(status.completion),
        "expected": _number(status.expected),
        "gap": _number(status.gap),
        "light": cell.light,
        "rank": rank,
        "link": source_link(cell, board.year, board.quarter),
    }


def _row(row: UnitRow, board: Board, *, ranked: bool) -> dict:
    cells = []
    for key, cell in row.cells.items():
        rank = board.indicator_ranks.get(key, {}).get(row.unit.pk) if ranked else None
        cells.append(_cell(cell, board, rank))
    return {"unit": _unit(row.unit), "score": _number(row.score), "rank": row.rank, "cells": cells}


def board_json(board: Board) -> dict:
    return {
        "org": _unit(board.org),
        "year": board.year,
        "quarter": board.quarter,
        "as_of": board.as_of,
        "expected": float(board.expected),
        "figures_at": board.figures_at,
        "indicators": [
            {
                "key": indicator.key,
                "name": indicator.name,
                "unit": indicator.unit,
                "kind": indicator.kind,
                "source": indicator.source,
                "weight": _number(board.weights.get(indicator.key)),
            }
            for indicator in board.indicators
        ],
        "weight_errors": board.weight_errors,
        "own": _row(board.own, board, ranked=False),
        "units": [_row(row, board, ranked=True) for row in board.units],
    }


@router.get("/targets/progress", response=BoardOut, summary="序时进度与考核排名")
def progress_board(request, query: Query[ProgressQuery]):
    """The organisation's targets and its direct sub-units', with actuals, completion, lights and ranks."""
    user = request.user
    require_permission(request, Target, "view")
    pk = query.org or user.org_id
    if pk is None:
        pk = selectors.visible_orgs(user).order_by("depth", "path").values_list("pk", flat=True).first()
    org = get_restricted_or_404(Organization, user, "view", pk=pk)
    current_year, current_quarter = selectors.current_quarter()
    board = selectors.progress_board(user, org, query.year or current_year, query.quarter or current_quarter)
    return board_json(board)
