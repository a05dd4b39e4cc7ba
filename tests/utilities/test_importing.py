import csv
import datetime
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from django.core.exceptions import ValidationError

from gonghui.utilities.importing import (
    CellError,
    Column,
    ImportAborted,
    ImportPipeline,
    SheetChoiceRequired,
    SpreadsheetError,
    header_key,
    open_table,
    run_import,
)
from gonghui.utilities.templates_xlsx import NOTES_SHEET, OPTIONS_SHEET, write_template

FILES = Path(__file__).parent / "files"
MAY_FIRST = datetime.date(2023, 5, 1)
CATEGORIES = ["职工", "农民工", "快递员", "外卖配送员"]


def check_gender(value):
    if value not in ("男", "女"):
        raise CellError(None, "性别只能填写“男”或“女”。", "choice")
    return value


def check_id(value):
    if len(value) != 18:
        raise ValidationError(
            "身份证号码应为 18 位，当前为 %(n)s 位，请核对。", code="id_length", params={"n": len(value)}
        )
    return value


COLUMNS = [
    Column("name", "姓名", required=True, kind="name"),
    Column("gender", "性别", parse=check_gender),
    Column(
        "id_number",
        "身份证号码",
        synonyms=("公民身份号码", "证件号码", "身份证号", "身份证"),
        required=True,
        kind="id_number",
        parse=check_id,
    ),
    Column("phone", "手机号码", synonyms=("手机", "联系电话"), kind="phone"),
    Column("employer", "工作单位"),
    Column("joined_on", "入会日期", synonyms=("入会时间",), kind="date"),
]


def pipeline(**kwargs):
    kwargs.setdefault("duplicate_key", lambda values: values["id_number"])
    kwargs.setdefault("duplicate_column", "身份证号码")
    return ImportPipeline(COLUMNS, **kwargs)


class Recorder:
    """An apply_batch that answers "imported" and remembers what it got."""

    def __init__(self, outcome=lambda row: "imported"):
        self.batches = []
        self.outcome = outcome

    def __call__(self, rows):
        self.batches.append([(row.row_number, dict(row.values)) for row in rows])
        return [self.outcome(row) for row in rows]

    @property
    def rows(self):
        return [row for batch in self.batches for row in batch]


def write_rows(path, rows, *, sheet="花名册", numbers=None, merges=(), extra_sheets=None):
    """Write rows with xlsxwriter; numbers={(r, c)} cells are written as numbers."""
    workbook = xlsxwriter.Workbook(str(path))
    for name, content in {sheet: rows, **(extra_sheets or {})}.items():
        worksheet = workbook.add_worksheet(name)
        for r, row in enumerate(content):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, datetime.date):
                    worksheet.write_datetime(r, c, value, workbook.add_format({"num_format": "yyyy-mm-dd"}))
                elif isinstance(value, int | float):
                    worksheet.write_number(r, c, value)
                else:
                    worksheet.write_string(r, c, value)
        if name == sheet:
            for first_row, first_col, last_row, last_col, text in merges:
                worksheet.merge_range(first_row, first_col, last_row, last_col, text)
    workbook.close()
    return path


HEADER = ["序号", "姓名", "性别", "身份证号码", "手机号码", "工作单位", "入会日期"]


def roster(path, body, header=HEADER, title=True):
    rows = []
    if title:
        rows += [["常州市XX公司工会会员花名册"], ["填报单位：XX公司工会", "", "", "", "填报日期：2024年1月5日"]]
    rows.append(header)
    rows += body
    return write_rows(path, rows)


# --- header detection ------------------------------------------------------------------------


def test_header_key_ignores_marks_spaces_and_notes():
    assert header_key("*身份证号码") == header_key("身份证号码")
    assert header_key("手机(必填)") == "手机"
    assert header_key("手机（必填）") == "手机"
    assert header_key("姓\u3000名") == "姓名"
    assert header_key(" 入会\n日期 ") == "入会日期"
    assert header_key("身份证号码*必填") == "身份证号码"
    assert header_key("【必填】姓名：") == "姓名"
    assert header_key("Phone") == "phone"


def test_title_rows_and_synonyms(tmp_path):
    path = roster(
        tmp_path / "r.xlsx",
        [[1, "张三", "男", "32041219900101123X", "13812345678", "甲公司", MAY_FIRST]],
        header=["序号", "*姓名", "性别", "公民身份号码\n(18位)", "联系电话(必填)", "工作单位", "入会时间", "籍贯"],
    )
    with open_table(path, COLUMNS) as table:
        assert (table.header.first_row, table.header.last_row) == (3, 3)
        assert table.header.positions == {
            "name": 1,
            "gender": 2,
            "id_number": 3,
            "phone": 4,
            "employer": 5,
            "joined_on": 6,
        }
        assert table.header.labels[1:5] == ["姓名", "性别", "公民身份号码 (18位)", "联系电话(必填)"]
        assert any("H 列“籍贯”" in warning and "已忽略" in warning for warning in table.warnings)
        assert not any("序号" in warning for warning in table.warnings)


def test_missing_optional_columns_are_warned(tmp_path):
    path = roster(tmp_path / "r.xlsx", [["张三", "32041219900101123X"]], header=["姓名", "身份证号"])
    with open_table(path, COLUMNS) as table:
        assert any("性别" in warning and "留空" in warning for warning in table.warnings)


def test_header_not_found_names_the_missing_columns(tmp_path):
    path = roster(tmp_path / "r.xlsx", [["张三", "13812345678"]], header=["姓名", "手机"])
    with pytest.raises(SpreadsheetError) as caught:
        open_table(path, COLUMNS)
    message = caught.value.message
    assert caught.value.code == "header_not_found"
    assert "第 3 行" in message and "“身份证号码”" in message and "公民身份号码" in message
    assert "“姓名”" not in message.split("缺少必填列")[1]


def test_no_header_at_all(tmp_path):
    path = write_rows(tmp_path / "r.xlsx", [["a", "b"], ["c", "d"]])
    with pytest.raises(SpreadsheetError) as caught:
        open_table(path, COLUMNS)
    assert "没有一行像表头" in caught.value.message and "“身份证号码”" in caught.value.message


def test_merged_two_row_header(tmp_path):
    # 序号/姓名 merged down two rows; 基本信息 and 联系方式 are group titles over sub-columns.
    rows = [
        ["常州市XX公司工会会员花名册"],
        [],
        ["序号", "姓名", "基本信息", "", "联系方式", ""],
        ["", "", "性别", "身份证号码", "手机", "固定电话"],
        [1, "张三", "男", "32041219900101123X", "13812345678", "0519-85681234"],
        [2, "李四", "女", "320412198505052345", "13900001111", ""],
    ]
    merges = [
        (0, 0, 0, 5, "常州市XX公司工会会员花名册"),
        (2, 0, 3, 0, "序号"),
        (2, 1, 3, 1, "姓名"),
        (2, 2, 2, 3, "基本信息"),
        (2, 4, 2, 5, "联系方式"),
    ]
    path = write_rows(tmp_path / "m.xlsx", rows, merges=merges)
    recorder = Recorder()
    with open_table(path, COLUMNS) as table:
        assert (table.header.first_row, table.header.last_row) == (3, 4)
        assert table.header.positions == {"name": 1, "gender": 2, "id_number": 3, "phone": 4}
        report = pipeline().run(table, apply_batch=recorder)
    assert report.imported == 2
    assert recorder.rows[0] == (
        5,
        {
            "name": "张三",
            "gender": "男",
            "id_number": "32041219900101123X",
            "phone": "13812345678",
            "employer": None,
            "joined_on": None,
        },
    )


def test_group_title_joins_its_sub_columns(tmp_path):
    rows = [
        ["姓名", "身份证号码", "入会", ""],
        ["", "", "日期", "介绍人"],
        ["张三", "32041219900101123X", "2023.5.1", "李四"],
    ]
    path = write_rows(
        tmp_path / "g.xlsx", rows, merges=[(0, 0, 1, 0, "姓名"), (0, 1, 1, 1, "身份证号码"), (0, 2, 0, 3, "入会")]
    )
    recorder = Recorder()
    with open_table(path, COLUMNS) as table:
        assert table.header.positions["joined_on"] == 2
        pipeline().run(table, apply_batch=recorder)
    assert recorder.rows[0][1]["joined_on"] == MAY_FIRST


def test_column_number_row_under_the_header_is_skipped(tmp_path):
    path = roster(
        tmp_path / "n.xlsx",
        [["甲", 1, 2, 3, 4, 5, 6], [1, "张三", "男", "32041219900101123X", "13812345678", "甲公司", MAY_FIRST]],
    )
    report = run_import(path, COLUMNS, apply_batch=Recorder())
    assert (report.total_rows, report.imported, report.rejected) == (1, 1, 0)


# --- the rows -----------------------------------------------------------------------------------------


def test_normalisation_empty_rows_and_trailing_total(tmp_path):
    body = [
        [1, " 张 三 ", "男", "３２０４１２１９９００１０１１２３ｘ", "+86 138 1234 5678", " 甲公司\u3000 ", "2023.5.1"],
        [],
        [2, "李四", "女", "320412198505052345", 13900001111, "乙公司", "2023年5月1日"],
        [None, "", "", "   ", "", "", ""],
        [3, "王五", "男", "110101199003071234", "13700001111", "丙公司", "2023/05/01"],
        [4, "赵六", "女", "110101199003075678", "13700002222", "丁公司", 45047],
        [5, "钱七", "男", "110101199003079999", "13700003333", "戊公司", "20230501"],
        [6, "孙八", "女", "110101199003070011", "13700004444", "己公司", MAY_FIRST],
        ["合计", "6人"],
        [],
        ["填表人：张三", "", "审核人：李四"],
    ]
    path = roster(tmp_path / "r.xlsx", body)
    recorder = Recorder()
    report = run_import(path, COLUMNS, apply_batch=recorder)
    assert report.as_dict() == {"total_rows": 6, "imported": 6, "updated": 0, "skipped": 0, "rejected": 0, "errors": []}
    first = dict(recorder.rows)[4]
    assert first == {
        "name": "张三",
        "gender": "男",
        "id_number": "32041219900101123X",
        "phone": "13812345678",
        "employer": "甲公司",
        "joined_on": MAY_FIRST,
    }
    assert [number for number, _values in recorder.rows] == [4, 6, 8, 9, 10, 11]
    assert {values["joined_on"] for _number, values in recorder.rows} == {MAY_FIRST}
    assert dict(recorder.rows)[6]["phone"] == "13900001111"


def test_subtotals_are_skipped_and_rows_after_a_signoff_are_reported(tmp_path):
    body = [
        ["一车间"],
        [1, "张三", "男", "32041219900101123X"],
        ["小计", "1人"],
        [2, "李四", "女", "320412198505052345"],
        ["合 计：", "2人"],
        ["注：本表一式两份。"],
        [3, "王五", "男", "110101199003071234"],
    ]
    path = roster(tmp_path / "r.xlsx", body)
    report = run_import(path, COLUMNS, apply_batch=Recorder())
    # "一车间" sits in the 序号 column only, which is not imported: the row counts as empty.
    assert (report.total_rows, report.imported, report.rejected) == (2, 2, 0)
    assert any("第 9 行是落款或说明" in warning and "第 10 行起还有 1 行" in warning for warning in report.warnings)


def test_excel_mangled_id_is_rejected_with_the_fix(tmp_path):
    body = [
        [1, "张三", "男", 320412199001011234, "13812345678"],
        [2, "李四", "女", "3.20412E+17", "13812345679"],
        [3, "王五", "男", "320412199001011000", "13812345670"],
    ]
    path = roster(tmp_path / "r.xlsx", body)
    report = run_import(path, COLUMNS, apply_batch=Recorder())
    assert report.rejected == 3
    assert {error["row"] for error in report.errors} == {4, 5, 6}
    for error in report.errors:
        assert error["column"] == "身份证号码"
        assert error["code"] == "id_excel_number"
        assert "文本" in error["message"] and "单引号" in error["message"]


def test_formula_injection_cell_is_rejected(tmp_path):
    body = [
        [1, "张三", "男", "32041219900101123X", "+86 138 1234 5678", '=HYPERLINK("http://evil.example","点我")'],
        [2, "李四", "女", "320412198505052345", "-", "@SUM(A1:A3)"],
        [3, "王五", "男", "110101199003071234", "13700001111", "- 个体 -"],
    ]
    path = roster(tmp_path / "r.xlsx", body)
    recorder = Recorder()
    report = run_import(path, COLUMNS, apply_batch=recorder)
    assert (report.imported, report.rejected) == (1, 2)
    assert [(error["row"], error["column"], error["code"]) for error in report.errors] == [
        (4, "工作单位", "formula"),
        (5, "工作单位", "formula"),
    ]
    assert "公式" in report.errors[0]["message"]
    assert recorder.rows[0][1]["employer"] == "- 个体 -"


def test_every_error_of_a_row_is_listed(tmp_path):
    body = [[1, "", "未知", "12345", "13812345678", "甲公司", "明年"]]
    path = roster(tmp_path / "r.xlsx", body)
    report = run_import(path, COLUMNS, apply_batch=Recorder())
    assert report.rejected == 1
    assert [(error["column"], error["code"]) for error in report.errors] == [
        ("性别", "choice"),
        ("身份证号码", "id_length"),
        ("入会日期", "date_invalid"),
        ("姓名", "required"),
    ]
    assert report.errors[1]["message"] == "身份证号码应为 18 位，当前为 5 位，请核对。"
    assert report.errors[3]["message"] == "“姓名”不能为空，请填写。"


def test_errors_use_the_files_own_header_text(tmp_path):
    path = roster(tmp_path / "r.xlsx", [[1, "张三", "男", "123"]], header=["序号", "姓名", "性别", "公民身份号码"])
    report = run_import(path, COLUMNS, apply_batch=Recorder())
    assert report.errors[0]["column"] == "公民身份号码"


def test_duplicates_inside_the_file(tmp_path):
    body = [
        [1, "张三", "男", "32041219900101123X"],
        [2, "李四", "女", "320412198505052345"],
        [3, "张三", "男", "32041219900101123x"],
    ]
    path = roster(tmp_path / "r.xlsx", body)
    report = run_import(
        path, COLUMNS, apply_batch=Recorder(), duplicate_key=lambda v: v["id_number"], duplicate_column="身份证号码"
    )
    assert (report.imported, report.rejected) == (2, 1)
    assert report.errors == [
        {
            "row": 6,
            "column": "身份证号码",
            "code": "duplicate_in_file",
            "message": "与第 4 行重复，同一文件中同一条记录只能出现一次，请删除重复的行。",
        }
    ]


def test_clean_row_checks_across_columns(tmp_path):
    def clean_row(values):
        if values["gender"] == "女" and values["id_number"][16] in "13579":
            raise CellError("性别", "性别与身份证号码不符（第 17 位为奇数应为男），请核对。", "gender_mismatch")
        return {**values, "checked": True}

    body = [[1, "张三", "女", "32041219900101123X"], [2, "李四", "女", "320412198505052345"]]
    path = roster(tmp_path / "r.xlsx", body)
    recorder = Recorder()
    report = run_import(path, COLUMNS, apply_batch=recorder, clean_row=clean_row)
    assert report.errors[0]["code"] == "gender_mismatch" and report.errors[0]["row"] == 4
    assert recorder.rows[0][1]["checked"] is True


def test_apply_batch_outcomes_and_batch_size(tmp_path):
    body = [[n, f"会员{n}", "男", f"3204121990010{n:05d}"] for n in range(1, 8)]
    path = roster(tmp_path / "r.xlsx", body)

    def outcome(row):
        number = row.row_number
        if number == 4:
            return "updated"
        if number == 5:
            return "skipped"
        if number == 6:
            return CellError(None, "此人已在“武进乙公司工会”登记为在会会员，请先办理转会。", "active_elsewhere")
        return "imported"

    recorder = Recorder(outcome)
    progress = []
    with open_table(path, COLUMNS) as table:
        report = pipeline(batch_size=3).run(
            table, apply_batch=recorder, progress=lambda done, total: progress.append(done)
        )
    assert [len(batch) for batch in recorder.batches] == [3, 3, 1]
    assert report.as_dict()["imported"] == 4
    assert (report.updated, report.skipped, report.rejected, report.total_rows) == (1, 1, 1, 7)
    assert report.errors == [
        {
            "row": 6,
            "column": "",
            "code": "active_elsewhere",
            "message": "此人已在“武进乙公司工会”登记为在会会员，请先办理转会。",
        }
    ]
    assert progress[-1] == 7
    assert report.summary() == "共 7 行：新增 4，更新 1，跳过 1，拒绝 1。"


def test_report_json_shape(tmp_path):
    path = roster(tmp_path / "r.xlsx", [[1, "张三", "男", "123"], [2, "李四", "女", "320412198505052345"]])
    report = run_import(path, COLUMNS, apply_batch=Recorder())
    data = json.loads(report.to_json())
    assert list(data) == ["total_rows", "imported", "updated", "skipped", "rejected", "errors"]
    assert data["total_rows"] == 2 and data["imported"] == 1 and data["rejected"] == 1
    assert list(data["errors"][0]) == ["row", "column", "code", "message"]
    assert data["errors"][0]["row"] == 4
    assert "身份证号码应为 18 位" in report.to_json()  # not escaped


def test_xlsx_report_has_the_original_columns_result_and_errors(tmp_path):
    body = [
        [1, "张三", "男", "123", "13812345678", '=HYPERLINK("http://x","y")', MAY_FIRST],
        [2, "李四", "女", "320412198505052345", "13900001111", "乙公司", "2023.5.1"],
    ]
    path = roster(tmp_path / "r.xlsx", body)
    report = run_import(path, COLUMNS, apply_batch=Recorder())
    out = tmp_path / "report.xlsx"
    report.to_xlsx(out)
    sheet = openpyxl.load_workbook(out).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["原行号", *HEADER, "结果", "错误说明"]
    assert rows[1][0] == 4 and rows[1][2] == "张三" and rows[1][-2] == "拒绝"
    assert "身份证号码：身份证号码应为 18 位" in rows[1][-1] and "工作单位：" in rows[1][-1]
    assert rows[2][0] == 5 and rows[2][-2] == "新增" and rows[2][-1] is None
    assert sheet.cell(row=2, column=7).data_type == "s"  # the formula text stays text
    with zipfile.ZipFile(out) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_report_can_keep_only_problem_rows(tmp_path):
    path = roster(tmp_path / "r.xlsx", [[1, "张三", "男", "123"], [2, "李四", "女", "320412198505052345"]])
    report = run_import(path, COLUMNS, apply_batch=Recorder(), keep_rows="problems")
    buffer = io.BytesIO()
    report.to_xlsx(buffer)
    sheet = openpyxl.load_workbook(buffer).active
    assert sheet.max_row == 2 and sheet.cell(row=2, column=1).value == 4


def test_validate_only_dry_run(tmp_path):
    path = roster(tmp_path / "r.xlsx", [[1, "张三", "男", "123"], [2, "李四", "女", "320412198505052345"]])
    report = run_import(path, COLUMNS)
    assert report.dry_run and report.valid == 1 and report.rejected == 1 and report.imported == 0
    assert "仅检查" in report.summary()


def test_all_or_nothing_with_a_bad_row_applies_nothing(tmp_path):
    body = [[1, "张三", "男", "32041219900101123X"], [2, "李四", "女", "123"], [3, "王五", "男", "110101199003071234"]]
    path = roster(tmp_path / "r.xlsx", body)
    recorder = Recorder()
    with pytest.raises(ImportAborted) as caught:
        run_import(path, COLUMNS, apply_batch=recorder, all_or_nothing=True)
    report = caught.value.report
    assert recorder.batches == []
    assert report.aborted
    assert report.as_dict() == {
        "total_rows": 3,
        "imported": 0,
        "updated": 0,
        "skipped": 2,
        "rejected": 1,
        "errors": report.errors,
    }
    out = tmp_path / "report.xlsx"
    report.to_xlsx(out)
    results = [row[-2].value for row in openpyxl.load_workbook(out).active.iter_rows(min_row=2)]
    assert results == ["未导入", "拒绝", "未导入"]


def test_all_or_nothing_rejection_while_applying_raises_after_all_batches(tmp_path):
    body = [[n, f"会员{n}", "男", f"3204121990010{n:05d}"] for n in range(1, 6)]
    path = roster(tmp_path / "r.xlsx", body)
    recorder = Recorder(
        lambda row: CellError(None, "已在其他工会。", "active_elsewhere") if row.row_number == 5 else "imported"
    )
    with open_table(path, COLUMNS) as table, pytest.raises(ImportAborted) as caught:
        pipeline(batch_size=2).run(table, apply_batch=recorder, all_or_nothing=True)
    assert len(recorder.rows) == 5  # every batch was tried, so every error is reported
    report = caught.value.report
    assert (report.imported, report.skipped, report.rejected) == (0, 4, 1)
    assert "所有行均未导入" in report.summary()


def test_all_or_nothing_without_errors_applies_everything(tmp_path):
    body = [[n, f"会员{n}", "男", f"3204121990010{n:05d}", "", "", MAY_FIRST] for n in range(1, 6)]
    path = roster(tmp_path / "r.xlsx", body)
    recorder = Recorder()
    progress = []
    report = run_import(
        path,
        COLUMNS,
        apply_batch=recorder,
        all_or_nothing=True,
        batch_size=2,
        progress=lambda done, total: progress.append(done),
    )
    assert report.imported == 5 and not report.aborted
    assert progress == sorted(progress) and progress[-1] == 5
    assert [len(batch) for batch in recorder.batches] == [2, 2, 1]
    assert recorder.rows[0][1]["joined_on"] == MAY_FIRST


def test_apply_batch_must_answer_every_row(tmp_path):
    path = roster(tmp_path / "r.xlsx", [[1, "张三", "男", "32041219900101123X"]])
    with pytest.raises(ValueError, match="outcomes"):
        run_import(path, COLUMNS, apply_batch=lambda rows: [])


# --- sheets, formats ------------------------------------------------------------------------------------


def test_several_sheets_picks_the_one_with_the_header(tmp_path):
    rows = [HEADER, [1, "张三", "男", "32041219900101123X"]]
    path = write_rows(tmp_path / "s.xlsx", rows, sheet="会员", extra_sheets={"统计": [["单位", "人数"], ["甲公司", 1]]})
    report = run_import(path, COLUMNS, apply_batch=Recorder())
    assert report.imported == 1 and report.sheet_name == "会员"
    assert any("已导入表头相符的“会员”" in warning for warning in report.warnings)


def test_several_sheets_without_the_columns(tmp_path):
    path = write_rows(tmp_path / "s.xlsx", [["单位", "人数"]], sheet="统计", extra_sheets={"备注": [["说明"]]})
    with pytest.raises(SpreadsheetError) as caught:
        open_table(path, COLUMNS)
    assert caught.value.code == "header_not_found" and "工作表“统计”" in caught.value.message


def test_several_matching_sheets_ask_which(tmp_path):
    rows = [HEADER, [1, "张三", "男", "32041219900101123X"]]
    path = write_rows(tmp_path / "s.xlsx", rows, sheet="2023年", extra_sheets={"2024年": rows})
    with pytest.raises(SheetChoiceRequired) as caught:
        open_table(path, COLUMNS)
    assert [sheet.name for sheet in caught.value.sheets] == ["2023年", "2024年"]
    assert "请选择要导入的工作表" in caught.value.message
    report = run_import(path, COLUMNS, apply_batch=Recorder(), sheet="2024年")
    assert report.imported == 1 and report.sheet_name == "2024年"


def test_gbk_csv_end_to_end(tmp_path):
    path = tmp_path / "r.csv"
    with open(path, "w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["会员花名册"])
        writer.writerow(["姓名", "身份证号", "手机"])
        writer.writerow(["张三", "32041219900101123x", "13812345678"])
        writer.writerow(["合计", "1"])
    recorder = Recorder()
    report = run_import(path, COLUMNS, apply_batch=recorder)
    assert report.imported == 1
    assert recorder.rows[0] == (
        3,
        {
            "name": "张三",
            "gender": None,
            "id_number": "32041219900101123X",
            "phone": "13812345678",
            "employer": None,
            "joined_on": None,
        },
    )


def test_utf8_bom_csv_end_to_end(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("姓名,身份证号码,入会日期\n张三,32041219900101123X,2023.5.1\n", encoding="utf-8-sig")
    recorder = Recorder()
    run_import(path, COLUMNS, apply_batch=recorder)
    assert recorder.rows[0][1]["name"] == "张三" and recorder.rows[0][1]["joined_on"] == MAY_FIRST


def test_xls_end_to_end():
    recorder = Recorder()
    report = run_import(FILES / "roster.xls", COLUMNS, apply_batch=recorder)
    assert report.sheet_name == "花名册"
    assert (report.total_rows, report.imported) == (3, 3)
    assert recorder.rows[0] == (
        5,
        {
            "name": "张三",
            "gender": None,
            "id_number": "32041219900101123X",
            "phone": "13812345678",
            "employer": None,
            "joined_on": MAY_FIRST,
        },
    )
    assert recorder.rows[1][1]["name"] == "李四" and recorder.rows[1][1]["phone"] == "13900001111"


def test_conflicting_synonyms_are_a_programming_error():
    with pytest.raises(ValueError, match="claimed by both"):
        ImportPipeline([Column("a", "电话"), Column("b", "手机", synonyms=("电话",))])


# --- templates -----------------------------------------------------------------------------------------


def template_columns():
    return [
        Column("name", "姓名", required=True, kind="name"),
        Column("id_number", "身份证号码", synonyms=("公民身份号码",), required=True, kind="id_number"),
        Column("phone", "手机号码", kind="phone"),
        Column("category", "职工类别", required=True, note="新就业形态劳动者请选具体类别。"),
        Column("employer", "工作单位", synonyms=("单位名称",), example="常州市XX有限公司"),
        Column("joined_on", "入会日期", kind="date"),
    ]


def test_template_has_dropdowns_text_columns_and_notes(tmp_path):
    path = tmp_path / "template.xlsx"
    employers = [f"常州市第{n}机械有限公司" for n in range(300)]  # far beyond Excel's 255-character inline list
    write_template(
        [*template_columns()[:4], Column("employer", "工作单位"), template_columns()[5]],
        path,
        title="会员花名册导入模板",
        notes=["每人一行。"],
        choices={"category": CATEGORIES, "employer": employers},
    )
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[0] == "导入数据"
    sheet = workbook["导入数据"]
    assert sheet["A1"].value == "会员花名册导入模板"
    assert [cell.value for cell in sheet[2]] == [
        "*姓名",
        "*身份证号码",
        "手机号码",
        "*职工类别",
        "工作单位",
        "入会日期",
    ]
    validations = {str(validation.sqref): validation for validation in sheet.data_validations.dataValidation}
    assert validations["D3:D1002"].type == "list"
    assert validations["D3:D1002"].formula1 == f"'{OPTIONS_SHEET}'!$A$2:$A$5"
    assert validations["E3:E1002"].formula1 == f"'{OPTIONS_SHEET}'!$B$2:$B$301"
    options = workbook[OPTIONS_SHEET]
    assert options.sheet_state == "hidden"
    assert [options.cell(row=r, column=1).value for r in range(2, 6)] == CATEGORIES
    assert options.cell(row=301, column=2).value == employers[-1]
    for letter in ("B", "C"):
        assert sheet[f"{letter}3"].number_format == "@"
        assert sheet[f"{letter}1002"].number_format == "@"
        assert sheet.column_dimensions[letter].number_format == "@"
    assert sheet["F3"].number_format == "yyyy-mm-dd"
    assert sheet["A3"].number_format == "General"
    assert sheet.column_dimensions["B"].width == 22
    assert sheet.freeze_panes == "A3"
    notes = workbook[NOTES_SHEET]
    texts = [cell.value for row in notes.iter_rows() for cell in row if cell.value]
    assert "1. 每人一行。" in texts and "职工、农民工、快递员、外卖配送员" in texts


def test_filled_template_imports_back(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(template_columns(), path, title="会员花名册导入模板", choices={"category": CATEGORIES})
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["导入数据"]
    for col, value in enumerate(["张三", "32041219900101123X", "13812345678", "职工", "甲公司", MAY_FIRST], 1):
        sheet.cell(row=3, column=col, value=value)
    workbook.save(path)
    columns = template_columns()
    recorder = Recorder()
    report = run_import(path, columns, apply_batch=recorder)
    assert report.sheet_name == "导入数据"
    assert (report.total_rows, report.imported) == (1, 1)
    assert recorder.rows[0] == (
        3,
        {
            "name": "张三",
            "id_number": "32041219900101123X",
            "phone": "13812345678",
            "category": "职工",
            "employer": "甲公司",
            "joined_on": MAY_FIRST,
        },
    )
