import datetime
import io
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.jobs.models import Job
from gonghui.jobs.services import job_run
from gonghui.unionwork.importing import import_dues
from gonghui.unionwork.models import DuesRecord
from tests.unionwork.helpers import LAST_YEAR, dues
from tests.world import make_uscc

pytestmark = pytest.mark.django_db
HEADERS = ["序号", "纳税人识别号", "单位名称", "所属期", "计费工资总额", "实缴金额", "入库日期"]


def statement(rows, title=True) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("入库明细")
    start = 0
    if title:
        sheet.write(0, 0, f"{LAST_YEAR}年3月工会经费（税务代收）入库明细")
        start = 2
    for col, header in enumerate(HEADERS):
        sheet.write(start, col, header)
    for number, row in enumerate(rows, start=start + 1):
        for col, value in enumerate([number - start, *row]):
            if isinstance(value, datetime.date):
                sheet.write_datetime(number, col, datetime.datetime.combine(value, datetime.time()),
                                     book.add_format({"num_format": "yyyy-mm-dd"}))  # fmt: skip
            elif value is not None:
                sheet.write(number, col, value)
    sheet.write(start + len(rows) + 1, 0, "合计")
    book.close()
    return buffer.getvalue()


PAID_ON = datetime.date(LAST_YEAR, 4, 15)


def _rows(world):
    return [
        [world.wujin_employer.uscc, "武进甲公司", f"{LAST_YEAR}-03", 1234567.89, 24691.36, PAID_ON],
        [make_uscc(99), "不存在的公司", f"{LAST_YEAR}年3月", 1000, 20, PAID_ON],
        [world.tianning_employer.uscc, "天宁乙公司", f"{LAST_YEAR}03", 1000, 20, PAID_ON],
        [world.wujin_employer.uscc, "武进甲公司", f"{LAST_YEAR}-04", "12,000.50", "100.001", PAID_ON],
        [world.wujin_employer.uscc, "武进甲公司", f"{LAST_YEAR}-05", 5000, 100, None],
        [world.wujin_employer.uscc, "武进甲公司", f"{LAST_YEAR}-03", 1, 1, PAID_ON],
    ]


def test_import_reports_each_row(world):
    report = import_dues(user=world.wujin_admin, file=io.BytesIO(statement(_rows(world))), filename="月报.xlsx")
    result = report.as_dict()
    assert (result["total_rows"], result["imported"], result["rejected"]) == (6, 1, 5)
    errors = {error["row"]: error for error in result["errors"]}
    assert "没有找到统一社会信用代码" in errors[5]["message"]
    assert "不在您的数据权限范围内" in errors[6]["message"] or "没有找到" in errors[6]["message"]
    assert errors[7]["column"] == "实缴金额" and "两位小数" in errors[7]["message"]
    assert errors[8]["column"] == "入库日期" and "入库日期" in errors[8]["message"]
    assert "与第 4 行" in errors[9]["message"]
    record = DuesRecord.objects.get()
    assert record.payroll_base == Decimal("1234567.89") and record.due == Decimal("24691.36")
    assert record.paid == Decimal("24691.36") and record.paid_on == PAID_ON and record.org == world.wujin_union
    assert record.channel == "tax" and record.origin == "import"
    out = io.BytesIO()
    report.to_xlsx(out)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue())).get_sheet_by_index(0).to_python()
    assert rows[0][-2:] == ["结果", "错误说明"]
    assert [row[-2] for row in rows[1:]] == ["新增", "拒绝", "拒绝", "拒绝", "拒绝", "拒绝"]


def test_reimport_skips_identical_rows_and_updates_changed_ones(world):
    good = [[world.wujin_employer.uscc, "武进甲公司", f"{LAST_YEAR}-03", 1000, 20, PAID_ON]]
    import_dues(user=world.wujin_admin, file=io.BytesIO(statement(good)), filename="a.xlsx")
    again = import_dues(user=world.wujin_admin, file=io.BytesIO(statement(good)), filename="a.xlsx").as_dict()
    assert (again["imported"], again["skipped"]) == (0, 1)
    good[0][4] = 15
    changed = import_dues(user=world.wujin_admin, file=io.BytesIO(statement(good)), filename="a.xlsx").as_dict()
    assert changed["updated"] == 1
    record = DuesRecord.objects.get()
    assert record.paid == Decimal("15.00") and record.arrears == Decimal("5.00")


def test_manual_record_is_updated_by_the_statement(world):
    dues(world.wujin_admin, world.wujin_employer, datetime.date(LAST_YEAR, 3, 1), "1000", channel="direct")
    rows = [[world.wujin_employer.uscc, "武进甲公司", f"{LAST_YEAR}-03", 1000, 20, PAID_ON]]
    assert import_dues(user=world.wujin_admin, file=io.BytesIO(statement(rows)), filename="a.xlsx").updated == 1
    assert DuesRecord.objects.get().channel == "tax"


def test_all_or_nothing_writes_nothing_when_a_row_is_rejected(world):
    report = import_dues(
        user=world.wujin_admin, file=io.BytesIO(statement(_rows(world))), filename="a.xlsx", mode="all-or-nothing"
    )
    assert report.aborted and report.rejected == 3  # the file's own errors; the rest were not applied
    assert not DuesRecord.objects.exists()
    # a row refused only when applied (unknown employer) rolls back the rows already written
    rows = [_rows(world)[0], _rows(world)[1]]
    report = import_dues(
        user=world.wujin_admin, file=io.BytesIO(statement(rows)), filename="a.xlsx", mode="all-or-nothing"
    )
    assert report.aborted and report.rejected == 1 and report.imported == 0
    assert not DuesRecord.objects.exists()


def test_csv_statement(world):
    text = "纳税人识别号,单位名称,所属期,计费工资总额,实缴金额,入库日期\n"
    text += f"{world.wujin_employer.uscc},武进甲公司,{LAST_YEAR}-03,2500.55,50.01,{PAID_ON.isoformat()}\n"
    report = import_dues(user=world.wujin_admin, file=io.BytesIO(text.encode("utf-8-sig")), filename="a.csv")
    assert report.imported == 1
    assert DuesRecord.objects.get().due == Decimal("50.01")


def test_missing_column_is_a_clear_error(world):
    from gonghui.utilities.spreadsheets import SpreadsheetError

    text = "单位名称,所属期,实缴金额\n武进甲公司,2025-03,20\n"
    with pytest.raises(SpreadsheetError) as error:
        import_dues(user=world.wujin_admin, file=io.BytesIO(text.encode()), filename="a.csv")
    assert "统一社会信用代码" in error.value.message and "计费工资总额" in error.value.message


def test_import_page_runs_the_job_with_a_per_row_report(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.wujin_admin)
    url = reverse("unionwork:dues_import")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("三月月报.xlsx", statement(_rows(world)))
    response = client.post(url, {"file": upload, "mode": "valid-only"})
    assert response.status_code == 302
    job = Job.objects.get(kind="unionwork.dues_import")
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded", job.message
    assert job.result_summary["imported"] == 1 and job.result_summary["rejected"] == 5
    assert job.result_name == "三月月报_导入结果.xlsx"
    rows = CalamineWorkbook.from_filelike(job.result_file.open("rb")).get_sheet_by_index(0).to_python()
    assert sum(1 for row in rows[1:] if row[-2] == "拒绝") == 5
    assert DuesRecord.objects.count() == 1
    client.force_login(world.nobody)
    assert client.get(url).status_code == 403
