import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from gonghui.core.models import ChangeLog
from gonghui.programmes import importing_jobfairs, services_jobfairs
from gonghui.programmes.models import JobFair, JobFairEmployer
from gonghui.targets import sources
from gonghui.targets.models import Indicator
from gonghui.utilities.periods import Period
from tests.testing import CrudSuite

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
LAST_WEEK = TODAY - datetime.timedelta(days=7)


def fair(user, org, **extra):
    data = {
        "org": org,
        "name": extra.pop("name", f"{org.name}春风行动招聘会"),
        "mode": "offline",
        "held_on": LAST_WEEK,
        "organiser": "市总工会",
        "venue": "人力资源市场三楼",
        "status": "held",
        "positions": 120,
        "applicants": 200,
        "intents": 30,
    }
    data.update(extra)
    return services_jobfairs.fair_create(user=user, data=data)


def admin_for(world, org):
    return world.wujin_admin if org.region_code == "320412" else world.tianning_admin


class TestJobFairPages(CrudSuite):
    model = JobFair
    list_url_name = "programmes:jobfair_list"
    detail_url_name = "programmes:jobfair_detail"
    add_url_name = "programmes:jobfair_add"
    edit_url_name = "programmes:jobfair_edit"
    delete_url_name = "programmes:jobfair_delete"

    def make_object(self, world, org):
        return fair(admin_for(world, org), org)

    def form_data(self, world, org):
        return {
            "org": org.pk,
            "name": "线上直播带岗专场",
            "mode": "online",
            "held_on": LAST_WEEK.isoformat(),
            "organiser": "区总工会",
            "venue": "某直播平台",
            "status": "held",
            "positions": "300",
            "applicants": "450",
            "intents": "60",
        }

    def created(self, world, data):
        return JobFair.objects.filter(name=data["name"]).first()

    def edit_data(self, world, obj):
        return {**self.form_data(world, obj.org), "name": obj.name}


def test_list_searches_filters_and_sums_held_fairs(client, world):
    fair(world.wujin_admin, world.hutang, name="湖塘春风行动")
    fair(world.wujin_admin, world.hutang, name="网上招聘月", mode="online", positions=80, applicants=90, intents=9)
    fair(world.tianning_admin, world.chashan, name="茶山招聘会")
    client.force_login(world.wujin_admin)
    body = client.get(reverse("programmes:jobfair_list"), {"q": "春风"}).content.decode()
    assert "湖塘春风行动" in body and "网上招聘月" not in body
    body = client.get(reverse("programmes:jobfair_list"), {"mode": "online"}).content.decode()
    assert "网上招聘月" in body and "湖塘春风行动" not in body
    body = client.get(reverse("programmes:jobfair_list")).content.decode()
    assert "提供岗位 200 个，应聘 290 人，达成就业意向 39 人" in body  # the other subtree's fair is not counted
    assert "茶山招聘会" not in body
    body = client.get(reverse("programmes:jobfair_list"), {"sort": "positions"}).content.decode()
    assert body.index("网上招聘月") < body.index("湖塘春风行动")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"intents": 300}, "intents"),
        ({"status": "planned"}, "status"),
        ({"held_on": TODAY + datetime.timedelta(days=3)}, "status"),
        ({"ends_on": LAST_WEEK - datetime.timedelta(days=1)}, "ends_on"),
        ({"venue": ""}, "venue"),
    ],
)
def test_fair_is_validated(world, extra, field):
    with pytest.raises(ValidationError) as error:
        fair(world.wujin_admin, world.hutang, **extra)
    assert field in error.value.message_dict
    assert not JobFair.objects.exists()


def test_fair_in_other_subtree_is_refused(world):
    with pytest.raises(PermissionDenied):
        fair(world.wujin_admin, world.chashan)
    assert not JobFair.objects.exists()


def test_employer_rows_drive_the_fair_figures_and_are_logged(world):
    one = fair(world.wujin_admin, world.hutang)
    row = services_jobfairs.employer_add(
        user=world.wujin_admin,
        fair=one,
        data={"employer": world.wujin_employer, "employer_name": "", "positions": 40, "applicants": 55, "intents": 8},
    )
    assert row.employer_name == "武进甲公司" and row.org == world.hutang
    services_jobfairs.employer_add(
        user=world.wujin_admin,
        fair=one,
        data={"employer": None, "employer_name": "未登记的小微企业", "positions": 5, "applicants": 7, "intents": 2},
    )
    one.refresh_from_db()
    assert (one.positions, one.applicants, one.intents) == (45, 62, 10)
    # the entered figures no longer apply once rows exist
    services_jobfairs.fair_update(user=world.wujin_admin, fair=one, data={"positions": 999, "remark": "改备注"})
    one.refresh_from_db()
    assert one.positions == 45 and one.remark == "改备注"
    services_jobfairs.employer_delete(user=world.wujin_admin, row=row)
    one.refresh_from_db()
    assert (one.positions, one.applicants, one.intents) == (5, 7, 2)
    assert ChangeLog.objects.filter(object_repr="武进甲公司").count() >= 2  # created and deleted


def test_employer_of_other_subtree_cannot_be_linked(world):
    one = fair(world.wujin_admin, world.hutang)
    with pytest.raises(PermissionDenied):
        services_jobfairs.employer_add(
            user=world.wujin_admin,
            fair=one,
            data={"employer": world.tianning_employer, "employer_name": "", "positions": 1},
        )
    assert not JobFairEmployer.objects.exists()


def test_duplicate_employer_and_too_many_intents_are_refused(world):
    one = fair(world.wujin_admin, world.hutang)
    data = {"employer": None, "employer_name": "某公司", "positions": 3, "applicants": 4, "intents": 1}
    services_jobfairs.employer_add(user=world.wujin_admin, fair=one, data=data)
    with pytest.raises(ValidationError) as error:
        services_jobfairs.employer_add(user=world.wujin_admin, fair=one, data=data)
    assert "已是本场招聘会的参会单位" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services_jobfairs.employer_add(
            user=world.wujin_admin, fair=one, data={**data, "employer_name": "另一家", "intents": 9}
        )
    assert "intents" in error.value.message_dict
    one.refresh_from_db()
    assert one.positions == 3


def test_sources_sum_held_fairs_in_subtree_and_period(world):
    fair(world.wujin_admin, world.hutang, name="一")
    fair(world.wujin_admin, world.wujin_union, name="二", positions=10, applicants=20, intents=5)
    fair(world.wujin_admin, world.hutang, name="三", status="cancelled", positions=0, applicants=0, intents=0)
    fair(world.tianning_admin, world.chashan, name="四", positions=1000, applicants=1000, intents=100)
    period = Period.year_of(LAST_WEEK.year)
    assert sources.value("jobs_offered", world.wujin, period) == 130
    assert sources.value("job_seekers", world.wujin, period) == 220
    assert sources.value("job_intents", world.wujin, period) == 35
    assert sources.value("job_intents", world.city, period) == 135
    assert sources.value("jobs_offered", world.wujin, Period.year_of(LAST_WEEK.year - 1)) == 0
    for key in ("jobs_offered", "job_seekers", "job_intents"):
        assert Indicator.objects.get(key=key).is_computed
    link = sources.get("jobs_offered").records_link(world.wujin, period)
    assert link.startswith(reverse("programmes:jobfair_list")) and "status=held" in link


def test_employer_pages(client, world):
    one = fair(world.wujin_admin, world.hutang)
    other = fair(world.tianning_admin, world.chashan)
    client.force_login(world.wujin_admin)
    url = reverse("programmes:jobfair_employer_add", args=[one.pk])
    response = client.post(
        url, {"row-employer": world.wujin_employer.pk, "row-positions": "12", "row-applicants": "3", "row-intents": "1"}
    )
    assert response.status_code == 302
    row = JobFairEmployer.objects.get()
    body = client.get(reverse("programmes:jobfair_detail", args=[one.pk])).content.decode()
    assert "武进甲公司" in body and 'id="fair-positions">12 个' in body
    # a registered employer of another subtree is not offered, and posting it is a form error
    assert "天宁乙公司" not in body
    response = client.post(url, {"row-employer": world.tianning_employer.pk, "row-positions": "1"})
    assert response.status_code == 200 and JobFairEmployer.objects.count() == 1
    # neither name nor employer: a Chinese error on the page
    response = client.post(url, {"row-positions": "1"})
    assert "请选择已登记的用人单位，或填写参会单位名称" in response.content.decode()
    edit = reverse("programmes:jobfair_employer_edit", args=[one.pk, row.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit, {"edit-employer": world.wujin_employer.pk, "edit-employer_name": "武进甲公司", "edit-positions": "20"}
    )
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.positions == 20
    delete = reverse("programmes:jobfair_employer_delete", args=[one.pk, row.pk])
    assert "确认删除" in client.get(delete).content.decode()
    assert client.post(delete).status_code == 302
    assert not JobFairEmployer.objects.exists()
    # another subtree's fair: every employer page is 404
    other_row = services_jobfairs.employer_add(
        user=world.tianning_admin, fair=other, data={"employer": None, "employer_name": "天宁某厂", "positions": 2}
    )
    for name, args in (
        ("programmes:jobfair_employer_add", [other.pk]),
        ("programmes:jobfair_import", [other.pk]),
        ("programmes:jobfair_employer_edit", [other.pk, other_row.pk]),
        ("programmes:jobfair_employer_delete", [other.pk, other_row.pk]),
        ("programmes:jobfair_employer_edit", [one.pk, other_row.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code in (404, 405), name
        assert client.post(reverse(name, args=args), {"row-positions": "1"}).status_code == 404, name
    assert JobFairEmployer.objects.get().positions == 2


def test_employer_pages_without_permission_are_403(client, world):
    one = fair(world.wujin_admin, world.hutang)
    client.force_login(world.nobody)
    assert client.get(reverse("programmes:jobfair_import", args=[one.pk])).status_code == 403
    assert client.get(reverse("programmes:jobfair_import_template")).status_code == 403
    assert client.post(reverse("programmes:jobfair_employer_add", args=[one.pk])).status_code == 403


# --- import -------------------------------------------------------------------------------------------------


def sheet(rows, header=("单位名称", "统一社会信用代码", "提供岗位数", "应聘人数", "达成意向人数", "备注")):
    book = Workbook()
    ws = book.active
    ws.append(["某招聘会参会单位汇总表"])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "参会单位.xlsx"
    return buffer


def test_import_links_registered_employers_and_keeps_free_names(world):
    one = fair(world.wujin_admin, world.hutang)
    rows = [
        ("武进甲公司", "", 30, 40, 6, ""),  # matched by name
        ("写错名字也行", world.wujin_employer.uscc, 99, 0, 0, ""),  # same employer by code: named differently
        ("未登记的合作社", "", 5, 6, 1, "现场登记"),
    ]
    report = importing_jobfairs.import_employers(user=world.wujin_admin, fair=one, file=sheet(rows[::2]))
    assert report.as_dict() | {"errors": []} == {
        "total_rows": 2,
        "imported": 2,
        "updated": 0,
        "skipped": 0,
        "rejected": 0,
        "errors": [],
    }
    linked = JobFairEmployer.objects.get(employer_name="武进甲公司")
    assert linked.employer == world.wujin_employer
    assert JobFairEmployer.objects.get(employer_name="未登记的合作社").employer is None
    one.refresh_from_db()
    assert (one.positions, one.applicants, one.intents) == (35, 46, 7)
    again = importing_jobfairs.import_employers(user=world.wujin_admin, fair=one, file=sheet(rows[::2]))
    assert (again.imported, again.skipped) == (0, 2)
    changed = importing_jobfairs.import_employers(
        user=world.wujin_admin, fair=one, file=sheet([("武进甲公司", "", 31, 40, 6, "")])
    )
    assert changed.updated == 1
    one.refresh_from_db()
    assert one.positions == 36


def test_import_reports_each_bad_row_and_writes_nothing_all_or_nothing(world):
    one = fair(world.wujin_admin, world.hutang)
    rows = [
        ("好单位", "", 10, 10, 2, ""),
        ("", "", 10, 10, 2, ""),
        ("意向太多", "", 10, 3, 5, ""),
        ("小数岗位", "", 2.5, 3, 1, ""),
        ("好单位", "", 1, 1, 1, ""),
        ("外区单位", world.tianning_employer.uscc, 1, 1, 1, ""),
        ("坏代码", "123", 1, 1, 1, ""),
    ]
    report = importing_jobfairs.import_employers(user=world.wujin_admin, fair=one, file=sheet(rows))
    errors = {(e["row"], e["column"]): e["message"] for e in report.errors}
    assert "不能为空" in errors[(4, "单位名称")]
    assert "不能多于应聘人数" in errors[(5, "达成意向人数")]
    assert "整数" in errors[(6, "提供岗位数")]
    assert "与第 3 行是同一个单位" in errors[(7, "单位名称")]
    assert (9, "统一社会信用代码") in errors
    assert report.aborted and report.imported == 0
    assert not JobFairEmployer.objects.exists()
    one.refresh_from_db()
    assert one.positions == 120  # untouched
    partial = importing_jobfairs.import_employers(user=world.wujin_admin, fair=one, file=sheet(rows), mode="valid-only")
    assert partial.imported == 1 and partial.rejected == 6
    # checked when written: a registered employer outside the user's scope
    errors = {(e["row"], e["column"]): e["message"] for e in partial.errors}
    assert "不在您的数据权限范围内" in errors[(8, "统一社会信用代码")]
    assert list(JobFairEmployer.objects.values_list("employer_name", flat=True)) == ["好单位"]


def test_import_page_shows_the_report_and_offers_the_per_row_file(client, world):
    one = fair(world.wujin_admin, world.hutang)
    client.force_login(world.wujin_admin)
    url = reverse("programmes:jobfair_import", args=[one.pk])
    assert client.get(url).status_code == 200
    upload = sheet([("甲", "", 5, 5, 1, ""), ("乙", "", 5, 1, 3, "")])
    response = client.post(url, {"file": upload, "mode": "valid-only"})
    body = response.content.decode()
    assert "新增 1" in body and "第 4 行" in body and "不能多于应聘人数" in body
    report_url = response.context["report_url"]
    download = client.get(report_url)
    assert download.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(download.streaming_content))).get_sheet_by_index(0)
    cells = rows.to_python()
    assert cells[0][0] == "原行号" and "拒绝" in [str(c) for c in cells[2]]
    # someone else cannot fetch it
    client.force_login(world.tianning_admin)
    assert client.get(report_url).status_code == 404
    # a file that is not a spreadsheet: a Chinese error on the form, nothing written
    client.force_login(world.wujin_admin)
    bad = io.BytesIO(b"not a spreadsheet")
    bad.name = "x.xlsx"
    response = client.post(url, {"file": bad, "mode": "all-or-nothing"})
    assert response.status_code == 200 and response.context["form"].errors["file"]


def test_import_template_has_the_columns(client, world):
    client.force_login(world.wujin_admin)
    response = client.get(reverse("programmes:jobfair_import_template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    headers = [cell.value for cell in book.worksheets[0][2]]
    assert headers[:3] == ["*单位名称", "统一社会信用代码", "*提供岗位数"]
    # the template itself imports (its header is found)
    one = fair(world.wujin_admin, world.hutang)
    book.worksheets[0].append(["模板里的单位", None, 3, 2, 1])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "t.xlsx"
    report = importing_jobfairs.import_employers(user=world.wujin_admin, fair=one, file=buffer)
    assert report.imported == 1, report.errors


def test_planned_fair_takes_no_import(world):
    planned = fair(
        world.wujin_admin,
        world.hutang,
        status="planned",
        held_on=TODAY + datetime.timedelta(days=10),
        positions=0,
        applicants=0,
        intents=0,
    )
    with pytest.raises(ValidationError):
        importing_jobfairs.import_employers(user=world.wujin_admin, fair=planned, file=sheet([("甲", "", 1, 1, 1, "")]))
