"""帮扶慰问名单 import: the generic importer (gonghui.utilities.importing) with the member roster's per-row report.

Each valid row goes through the same ``prepare_record`` as a record typed on the page, so the cross-union
"same campaign once per person" check, the payment standards and the date checks are the same; each row is
saved in its own savepoint, so a rejected row leaves nothing behind and the others still import.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gonghui.core.querysets import can, ensure_in_scope
from gonghui.orgs.models import Organization
from gonghui.programmes.models.assistance import Assistance, Campaign, SchoolStage
from gonghui.programmes.services_assistance import _save_record, prepare_record
from gonghui.utilities.importing import CellError, Column, ImportReport, ImportRow, run_import

STAGE_BY_LABEL = {label: value for value, label in SchoolStage.choices}


def _stage(value: str) -> str:
    value = str(value).strip()
    if value in STAGE_BY_LABEL:
        return STAGE_BY_LABEL[value]
    if value in STAGE_BY_LABEL.values():
        return value
    raise CellError(None, f"就学阶段「{value}」无法识别，应为：{'、'.join(STAGE_BY_LABEL)}。")


COLUMNS = [
    Column("name", "姓名", required=True, kind="name", example="张三"),
    Column(
        "id_number", "身份证号码", synonyms=("公民身份号码", "证件号码", "身份证号"), required=True, kind="id_number"
    ),
    Column("phone", "手机号码", synonyms=("手机", "联系电话"), kind="phone"),
    Column("employer_name", "工作单位", synonyms=("单位", "所在单位")),
    Column("school_stage", "就学阶段", synonyms=("子女就学阶段", "学段"), parse=_stage, note="金秋助学必填"),
    Column(
        "cash_amount", "慰问金", synonyms=("慰问金（元）", "金额", "发放金额"), kind="number", note="不填按活动标准"
    ),
    Column("in_kind_value", "实物折价", synonyms=("实物折价（元）", "物品折价"), kind="number"),
    Column("in_kind_items", "慰问物品", synonyms=("物品",)),
    Column("given_on", "发放日期", synonyms=("慰问日期", "日期"), required=True, kind="date"),
    Column("note", "备注"),
]
LABELS = {column.key: column.label for column in COLUMNS}


def _row_errors(error: ValidationError) -> list[CellError]:
    if hasattr(error, "error_dict"):
        return [
            CellError(LABELS.get(field), message) for field, items in error.message_dict.items() for message in items
        ]
    return [CellError(None, message) for message in error.messages]


def import_assistance(
    *, user, campaign: Campaign, org: Organization, file: Any, filename: str, keep_rows: str = "all"
) -> ImportReport:
    if not can(user, Assistance, "add"):
        raise ValidationError("您没有登记帮扶慰问记录的权限。")

    def apply_batch(rows: list[ImportRow]):
        outcomes = []
        for row in rows:
            try:
                with transaction.atomic():
                    record = prepare_record(campaign=campaign, org=org, data=row.values, user=user)
                    _save_record(record)
                    ensure_in_scope(user, record, "add")
            except ValidationError as error:
                outcomes.append(_row_errors(error))
            else:
                outcomes.append("imported")
        return outcomes

    return run_import(
        file,
        COLUMNS,
        apply_batch=apply_batch,
        filename=filename,
        duplicate_key=lambda values: values.get("id_number"),
        duplicate_column="身份证号码",
        keep_rows=keep_rows,
        batch_size=500,
    )
