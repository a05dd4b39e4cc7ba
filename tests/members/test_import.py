"""Roster import into a union: real xlsx/csv files, every row outcome, modes, scope."""

from __future__ import annotations

import datetime
import json

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from gonghui.members.importing import import_members
from gonghui.members.models import EventKind, Member, MembershipEvent, MemberStatus
from gonghui.utilities.spreadsheets import SheetChoiceRequired
from tests.members.helpers import add_member, id_number

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "姓名",
    "公民身份号码",
    "联系电话",
    "民族",
    "学历",
    "政治面貌",
    "职工类别",
    "新就业形态类型",
    "工作单位",
    "入会时间",
]


def write_xlsx(path, rows, *, header=HEADER, title="武进甲公司工会会员花名册", sheets=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "会员"
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for name, extra in (sheets or {}).items():
        other = book.create_sheet(name)
        for row in extra:
            other.append(row)
    book.save(path)
    return path


def person(serial, name="张三", *, phone="13812345678", joined="2023.5.1", area="320412", **extra):
    row = [serial, name, id_number(serial, area), phone, "汉族", "大专", "群众", "职工", "", "武进甲公司", joined]
    for key, value in extra.items():
        row[HEADER.index(key)] = value
    return row


@pytest.fixture
def roster(tmp_path):
    # title rows, synonyms, full-width digits, several date forms, a 合计 row, an Excel-mangled ID,
    # an in-file duplicate, a bad check digit, a new-employment worker
    good = id_number(5)
    rows = [
        person(1, "张三"),
        person(2, "李 四", joined="2023年5月1日", phone="138 1234 5679"),
        person(3, "王五", joined=datetime.date(2022, 1, 3)),
        person(4, "赵六", joined="2021/05/01", 民族="回族"),
        [
            5,
            "孙七",
            good.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            "",
            "汉",
            "本科",
            "中共党员",
            "新就业形态",
            "外卖配送员",
            "美团",
            45000,
        ],
        [6, "周八", 320412199005170000.0, "", "汉族", "", "", "", "", "", "2023-01-01"],
        person(1, "张三重复"),
        [
            8,
            "吴九",
            id_number(9)[:-1] + ("0" if id_number(9)[-1] != "0" else "1"),
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "2023-1-1",
        ],
        ["合计", "", "", "", "", "", "", "", "", "", ""],
    ]
    return write_xlsx(tmp_path / "花名册.xlsx", rows)


def test_import_counts_rows_and_reports_errors_with_spreadsheet_row_numbers(world, roster):
    report = import_members(user=world.wujin_admin, org=world.wujin_union, file=roster)
    data = report.as_dict()
    assert set(data) == {"total_rows", "imported", "updated", "skipped", "rejected", "errors"}
    assert (data["total_rows"], data["imported"], data["updated"], data["skipped"], data["rejected"]) == (8, 5, 0, 0, 3)
    by_row = {error["row"]: error for error in data["errors"]}
    assert set(by_row) == {9, 10, 11}  # title, blank, header above: data starts on row 4
    assert by_row[9]["code"] == "id_excel_number"
    assert by_row[10]["code"] == "duplicate_in_file" and "第 4 行" in by_row[10]["message"]
    assert by_row[11]["code"] == "id_checksum"
    assert all(error["column"] == "公民身份号码" for error in data["errors"])

    members = Member.objects.filter(org=world.wujin_union)
    assert members.count() == 5
    li = members.get(name="李四")
    assert li.phone_masked.startswith("138") and li.join_date == datetime.date(2023, 5, 1)
    assert li.employer_id == world.wujin_employer.pk
    sun = members.get(name="孙七")
    assert sun.employment_category == "new_employment" and sun.new_employment_type == "delivery_rider"
    assert sun.join_date == datetime.date(2023, 3, 15)  # Excel serial 45000
    assert sun.education == "bachelor" and sun.political_status == "cpc" and sun.employer_id is None
    assert members.get(name="赵六").ethnicity == "03"
    assert all(m.member_card_number and m.status == MemberStatus.ACTIVE for m in members)
    assert MembershipEvent.objects.filter(member__in=members, kind=EventKind.JOIN).count() == 5


def test_reimporting_the_same_file_changes_nothing(world, roster):
    import_members(user=world.wujin_admin, org=world.wujin_union, file=roster)
    before = list(Member.objects.order_by("pk").values())
    report = import_members(user=world.wujin_admin, org=world.wujin_union, file=roster)
    assert (report.imported, report.updated, report.skipped, report.rejected) == (0, 0, 5, 3)
    assert list(Member.objects.order_by("pk").values()) == before
    assert MembershipEvent.objects.count() == 5


def test_changed_fields_update_the_existing_member(world, tmp_path):
    first = write_xlsx(tmp_path / "a.xlsx", [person(1, "张三"), person(2, "李四")])
    import_members(user=world.wujin_admin, org=world.wujin_union, file=first)
    second = write_xlsx(tmp_path / "b.xlsx", [person(1, "张三", phone="13900000000", 学历="本科"), person(2, "李四")])
    report = import_members(user=world.wujin_admin, org=world.wujin_union, file=second)
    assert (report.imported, report.updated, report.skipped) == (0, 1, 1)
    zhang = Member.objects.get(name="张三")
    assert zhang.education == "bachelor" and zhang.reveal_phone() == "13900000000"


def test_person_active_in_another_union_is_rejected_naming_it(world, tmp_path):
    add_member(world, world.tianning_union, name="钱一", serial=1, id_number=id_number(1))
    path = write_xlsx(tmp_path / "a.xlsx", [person(1, "钱一"), person(2, "李四")])
    report = import_members(user=world.city_admin, org=world.wujin_union, file=path)
    assert (report.imported, report.rejected) == (1, 1)
    assert report.errors[0]["message"] == "已在「天宁乙公司工会」登记为在会会员，请办理转会。"
    # a user who cannot see that union is not told its name
    report = import_members(user=world.wujin_admin, org=world.wujin_union, file=path)
    assert report.rejected == 1 and "天宁" not in report.errors[0]["message"]
    assert Member.objects.filter(id_number_index=Member.objects.get(name="钱一").id_number_index).count() == 1


def test_all_or_nothing_writes_nothing_when_one_row_is_bad(world, roster):
    report = import_members(user=world.wujin_admin, org=world.wujin_union, file=roster, mode="all-or-nothing")
    assert report.aborted and report.rejected == 3 and report.imported == 0
    assert not Member.objects.exists() and not MembershipEvent.objects.exists()


def test_all_or_nothing_rejected_by_the_database_check_rolls_back(world, tmp_path):
    add_member(world, world.tianning_union, name="钱一", serial=7, id_number=id_number(7))
    path = write_xlsx(tmp_path / "a.xlsx", [person(1, "张三"), person(7, "钱一")])
    report = import_members(user=world.city_admin, org=world.wujin_union, file=path, mode="all-or-nothing")
    assert report.aborted and report.rejected == 1
    assert not Member.objects.filter(org=world.wujin_union).exists()


def test_all_or_nothing_imports_a_clean_file(world, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [person(1, "张三"), person(2, "李四")])
    report = import_members(user=world.wujin_admin, org=world.wujin_union, file=path, mode="all-or-nothing")
    assert (report.imported, report.rejected, report.aborted) == (2, 0, False)
    assert Member.objects.count() == 2


def test_csv_roster(world, tmp_path):
    path = tmp_path / "roster.csv"
    lines = [
        "姓名,身份证号码,手机,入会日期",
        f"张三,{id_number(1).lower()},13812345678,2023-05-01",
        f"李四,{id_number(2)},,2023.5.1",
        "合计,,,",
    ]
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    report = import_members(user=world.wujin_admin, org=world.wujin_union, file=str(path))
    assert (report.total_rows, report.imported, report.rejected) == (2, 2, 0)


def test_cross_column_rules(world, tmp_path):
    rows = [
        person(1, 职工类别="新就业形态"),
        person(2, 职工类别="", 新就业形态类型="快递员"),
        person(3, joined="2099-01-01"),
        person(4, "骑手", 职工类别="外卖配送员"),  # the type written in the category column
    ]
    report = import_members(user=world.wujin_admin, org=world.wujin_union, file=write_xlsx(tmp_path / "a.xlsx", rows))
    assert (report.imported, report.rejected) == (2, 2)
    assert {e["column"] for e in report.errors} == {"新就业形态类型", "入会日期"}
    assert set(Member.objects.values_list("employment_category", "new_employment_type")) == {
        ("new_employment", "courier"),
        ("new_employment", "delivery_rider"),
    }


def test_another_subtree_union_is_refused(world, roster):
    with pytest.raises(PermissionDenied):
        import_members(user=world.tianning_admin, org=world.wujin_union, file=roster)
    assert not Member.objects.exists()


def test_several_sheets_ask_which(world, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [person(1)], sheets={"去年": [HEADER, person(2)]})
    with pytest.raises(SheetChoiceRequired):
        import_members(user=world.wujin_admin, org=world.wujin_union, file=path)
    report = import_members(user=world.wujin_admin, org=world.wujin_union, file=path, sheet="去年")
    assert report.imported == 1


# --- the command ------------------------------------------------------------------------------


def test_command_prints_summary_and_writes_json(world, roster, tmp_path, capsys):
    out = tmp_path / "report.json"
    call_command(
        "import_members",
        str(roster),
        "--org",
        world.wujin_union.code,
        "--user",
        "wujin_admin",
        "--report-json",
        str(out),
    )
    assert "新增 5" in capsys.readouterr().out
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["total_rows"], data["imported"], data["rejected"]) == (8, 5, 3)
    assert set(data["errors"][0]) == {"row", "column", "code", "message"}


def test_command_fails_when_it_cannot_run(world, tmp_path):
    garbage = tmp_path / "a.xlsx"
    garbage.write_bytes(b"\x00garbage" * 100)
    with pytest.raises(CommandError):
        call_command("import_members", str(garbage), "--org", world.wujin_union.code, "--user", "wujin_admin")
    with pytest.raises(CommandError):
        call_command("import_members", str(garbage), "--org", "NOPE", "--user", "wujin_admin")
    path = write_xlsx(tmp_path / "b.xlsx", [person(1)], sheets={"去年": [HEADER, person(2)]})
    with pytest.raises(CommandError, match="去年"):
        call_command("import_members", str(path), "--org", world.wujin_union.code, "--user", "wujin_admin")
    with pytest.raises(CommandError):
        call_command(
            "import_members", str(path), "--org", world.wujin_union.code, "--user", "tianning_admin", "--sheet", "去年"
        )


def test_the_copy_path_names_every_member_column():
    from gonghui.members.importing import _MEMBER_COPY_COLUMNS
    from gonghui.members.models import Member

    assert sorted(_MEMBER_COPY_COLUMNS) == sorted(field.column for field in Member._meta.concrete_fields)


def test_large_files_get_a_report_of_the_rejected_rows_only(world, roster, tmp_path, monkeypatch):
    from gonghui.members import importing

    monkeypatch.setattr(importing, "FULL_REPORT_ROWS", 5)  # the roster has 8 data rows
    report = import_members(user=world.wujin_admin, org=world.wujin_union, file=roster, keep_rows="auto")
    out = tmp_path / "report.xlsx"
    report.to_xlsx(str(out))
    book = openpyxl.load_workbook(out)
    rows = list(book["导入结果"].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [9, 10, 11] and {row[-2] for row in rows[1:]} == {"拒绝"}
    notes = [row[0] for row in book["汇总"].iter_rows(values_only=True)]
    assert notes[0] == "共 8 行：新增 5，更新 0，跳过 0，拒绝 3。"
    assert "只列出被拒绝的行" in notes[1]

    monkeypatch.setattr(importing, "FULL_REPORT_ROWS", 100)
    report = import_members(user=world.wujin_admin, org=world.wujin_union, file=roster, keep_rows="auto")
    assert len(list(report.iter_rows())) == 8


def test_the_copy_lines_carry_the_same_values_as_the_orm_path(world, roster):
    """PostgreSQL's COPY text (built straight from the row) says what SQLite's bulk_create stores."""
    from django.utils import timezone

    from gonghui.members import importing
    from gonghui.members.models import ID_NUMBER_CONTEXT, PHONE_CONTEXT
    from gonghui.utilities.pii import decrypt, encryptor, indexer

    pipeline = importing.member_pipeline()
    with pipeline.open(roster) as table:
        rows = [row for row in pipeline.validate_rows(table.rows(), table.header) if row.errors is None]
    assert any(not row.values["phone"] for row in rows) and any(row.values["phone"] for row in rows)
    applier = importing._Applier(user=world.wujin_admin, org=world.wujin_union)
    applier.employers = {"美团": 77}  # a matched employer: its id goes into the line
    applier.seal_id = encryptor(context=ID_NUMBER_CONTEXT)
    applier.seal_phone = encryptor(context=PHONE_CONTEXT)
    applier.index_phone = indexer(context=PHONE_CONTEXT)
    index = indexer(context=ID_NUMBER_CONTEXT)
    pairs = [(row.values, index(row.values["id_number"][0])) for row in rows]
    lines = list(applier._member_lines(pairs, list(range(len(pairs))), ["C"] * len(pairs), timezone.now()))
    own = importing._MEMBER_COPY_COLUMNS[11:]
    for line, (values, key) in zip(lines, pairs, strict=True):
        fields = line.rstrip("\n").split("\t")
        assert len(fields) == len(importing._MEMBER_COPY_COLUMNS)
        got = dict(zip(own, fields[11:], strict=True))
        expected = applier._prepare(values, key)
        for column, text in got.items():
            name = column.removesuffix("_id") if column == "employer_id" else column
            value = expected["employer_id" if name == "employer" else name]
            if column.endswith("_cipher"):
                context = ID_NUMBER_CONTEXT if column.startswith("id") else PHONE_CONTEXT
                assert (decrypt(text, context=context) if text else "") == (
                    decrypt(value, context=context) if value else ""
                )
            elif value is None:
                assert text == "\\N"
            elif isinstance(value, bool):
                assert text == ("t" if value else "f")
            elif isinstance(value, datetime.date):
                assert text == value.isoformat()
            else:
                assert text == str(value), column
    assert any(line.split("\t")[-3] == "77" for line in lines)
