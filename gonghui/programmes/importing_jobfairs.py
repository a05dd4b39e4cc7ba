"""Import a job fair's participating employers (参会单位) from a spreadsheet: one employer a row with the
positions it offered, the applicants it received and the intentions it reached.

A row names the employer by 统一社会信用代码 (then it must be a registered employer the user may see) or by
name (a registered employer of exactly that name in scope is linked; otherwise the name is kept as typed, for
employers that are not registered). A name already at the fair updates that row; re-importing the same file
changes nothing. Afterwards the fair's figures are the sums of its rows.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from gonghui.orgs.models import Employer
from gonghui.programmes import imports_common, services_jobfairs
from gonghui.programmes.models.jobfairs import MAX_FIGURE, FairStatus, JobFair
from gonghui.utilities.importing import CellError, Column, ImportPipeline, ImportReport
from gonghui.utilities.validators import validate_uscc

NAME_LABEL = "单位名称"
USCC_LABEL = "统一社会信用代码"


def _uscc(value: str) -> str:
    value = value.upper()
    try:
        validate_uscc(value)
    except ValidationError as error:
        raise CellError(None, "；".join(error.messages) + "。可留空，只填单位名称。", "uscc_invalid") from None
    return value


COLUMNS = [
    Column(
        "employer_name",
        NAME_LABEL,
        synonyms=("参会单位", "企业名称", "用人单位", "招聘单位", "单位"),
        required=True,
        kind="name",
        width=30,
        example="常州某某机械有限公司",
    ),
    Column(
        "uscc",
        USCC_LABEL,
        synonyms=("信用代码", "社会信用代码"),
        kind="code",
        parse=_uscc,
        width=22,
        note="已在系统登记的单位可填，用于关联用人单位档案；未登记的留空",
    ),
    Column(
        "positions",
        "提供岗位数",
        synonyms=("岗位数", "提供岗位", "招聘岗位数", "招聘人数", "岗位"),
        required=True,
        kind="number",
        parse=imports_common.whole_number("提供岗位数", MAX_FIGURE),
        example="35",
    ),
    Column(
        "applicants",
        "应聘人数",
        synonyms=("应聘", "求职人数", "投递简历人数", "进场求职人数"),
        kind="number",
        parse=imports_common.whole_number("应聘人数", MAX_FIGURE),
        example="60",
    ),
    Column(
        "intents",
        "达成意向人数",
        synonyms=("达成就业意向人数", "达成意向", "意向人数", "达成就业意向"),
        kind="number",
        parse=imports_common.whole_number("达成意向人数", MAX_FIGURE),
        example="12",
    ),
    Column("remark", "备注", synonyms=("说明",)),
]
LABELS = {
    "employer_name": NAME_LABEL,
    "employer": USCC_LABEL,
    "positions": "提供岗位数",
    "applicants": "应聘人数",
    "intents": "达成意向人数",
    "remark": "备注",
}
TEMPLATE_NOTES = (
    "每个参会单位一行；带 * 的列必须填写。",
    "已在系统登记的用人单位可填统一社会信用代码（18 位），系统会关联到单位档案；未登记的单位只填名称即可。",
    "提供岗位数、应聘人数、达成意向人数填整数；达成意向人数不能多于应聘人数。",
    "同一单位在同一场招聘会只能出现一次；再次导入同名单位会更新原记录。",
    "导入后，招聘会的岗位、应聘、达成意向合计按参会单位自动汇总。",
)


def _clean_row(values: dict) -> dict:
    values["applicants"] = values.get("applicants") or 0
    values["intents"] = values.get("intents") or 0
    values["remark"] = values.get("remark") or ""
    if values["intents"] > values["applicants"]:
        raise CellError(
            "达成意向人数", f"达成意向人数（{values['intents']}）不能多于应聘人数（{values['applicants']}），请核对。"
        )
    return values


def pipeline() -> ImportPipeline:
    return ImportPipeline(
        COLUMNS,
        duplicate_key=lambda values: values["employer_name"],
        duplicate_column=NAME_LABEL,
        duplicate_message="与第 {first_row} 行是同一个单位，同一单位在一场招聘会只能出现一次，请合并为一行。",
        clean_row=_clean_row,
        batch_size=500,
    )


def check_fair(fair: JobFair) -> None:
    if fair.status != FairStatus.HELD:
        raise ValidationError(f"「{fair}」的状态是“{fair.get_status_display()}”，只有已举办的招聘会才能导入参会单位。")


def import_employers(*, user, fair: JobFair, file, mode: str = "all-or-nothing") -> ImportReport:
    """Import ``file`` into ``fair`` as ``user`` (who must be able to change the fair; the view checks)."""
    check_fair(fair)
    visible = Employer.objects.restrict(user, "view")

    def apply_one(values: dict) -> str:
        employer = None
        uscc = values.pop("uscc", None)
        if uscc:
            employer = visible.filter(uscc=uscc).first()
            if employer is None:
                raise CellError(
                    USCC_LABEL,
                    f"统一社会信用代码 {uscc} 的单位未在系统登记，或不在您的数据权限范围内；"
                    "请核对，或清空此格只按名称登记。",
                    "employer_unknown",
                )
        else:
            matches = list(visible.filter(name=values["employer_name"])[:2])
            employer = matches[0] if len(matches) == 1 else None
        values["employer"] = employer
        return services_jobfairs.apply_employer_rows(user=user, fair=fair, rows=[values])[0]

    return imports_common.run(pipeline(), file, mode=mode, apply_batch=imports_common.apply_each(apply_one, LABELS))
