import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gonghui.programmes import geo, importing_stations
from gonghui.programmes.models import Station
from tests.programmes.helpers import make_station

pytestmark = pytest.mark.django_db
BUILT = (datetime.date.today() - datetime.timedelta(days=20)).isoformat()
HEADER = (
    "所属工会代码", "驿站名称", "依托单位类型", "依托单位", "地址", "行政区划代码", "纬度", "经度", "坐标系",
    "开放时间", "服务设施", "星级", "评星日期", "评星依据", "状态", "建设类型", "建成(提升)日期",
)  # fmt: skip


def row(code, name, **changes):
    values = {
        "所属工会代码": code,
        "驿站名称": name,
        "依托单位类型": "银行网点",
        "依托单位": "工商银行湖塘支行",
        "地址": "武进区湖塘镇花园街1号",
        "行政区划代码": "320412",
        "纬度": 31.7203,
        "经度": 119.9703,
        "坐标系": "高德",
        "开放时间": "每天 8:00-20:00",
        "服务设施": "饮水、充电、卫生间",
        "星级": "三星",
        "评星日期": BUILT,
        "评星依据": "区总工会星级驿站评定",
        "状态": "运营",
        "建设类型": "新建",
        "建成(提升)日期": BUILT,
    }
    values.update(changes)
    return [values[column] for column in HEADER]


def workbook(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "驿站.xlsx"
    return buffer


def test_import_creates_stations_with_converted_positions(world):
    report = importing_stations.import_stations(
        user=world.wujin_admin,
        file=workbook(
            [
                row(world.hutang.code, "湖塘爱心驿站"),
                row(world.wujin_union.code, "甲公司职工驿站", 坐标系="BD-09", 星级="", 评星日期="", 评星依据=""),
            ]
        ),
    )
    assert report.as_dict()["imported"] == 2, report.errors
    station = Station.objects.get(name="湖塘爱心驿站")
    assert station.org == world.hutang and station.coord_system == "gcj02" and station.star_rating == 3
    assert station.facility_codes == ["water", "charging", "toilet"]
    assert (station.wgs_lat, station.wgs_lng) == pytest.approx(geo.gcj02_to_wgs84(31.7203, 119.9703))
    assert station.next_inspection_due is not None  # the services kept the derived fields
    other = Station.objects.get(name="甲公司职工驿站")
    assert other.coord_system == "bd09" and other.star_rating == 0 and other.org == world.wujin_union


def test_reimport_skips_and_changes_update(world):
    file = [row(world.hutang.code, "湖塘爱心驿站")]
    importing_stations.import_stations(user=world.wujin_admin, file=workbook(file))
    again = importing_stations.import_stations(user=world.wujin_admin, file=workbook(file))
    assert (again.imported, again.skipped, again.updated) == (0, 1, 0), again.errors
    changed = importing_stations.import_stations(
        user=world.wujin_admin, file=workbook([row(world.hutang.code, "湖塘爱心驿站", 开放时间="全天开放")])
    )
    assert changed.updated == 1
    assert Station.objects.get().opening_hours == "全天开放"
    assert Station.objects.count() == 1


def test_each_bad_cell_is_reported_and_all_or_nothing_writes_nothing(world):
    rows = [
        row(world.hutang.code, "好驿站"),
        row(world.hutang.code, "好驿站"),  # repeated in the file
        row("NOSUCH", "没有的工会"),
        row(world.chashan.code, "外区的驿站"),  # another subtree
        row(world.hutang.code, "坐标系错", 坐标系="谷歌"),
        row(world.hutang.code, "纬度错", 纬度="北纬三十一度"),
        row(world.hutang.code, "设施错", 服务设施="饮水、按摩椅"),
        row(world.hutang.code, "缺评星依据", 评星依据=""),
        row(world.hutang.code, "境外", 纬度=48.85, 经度=2.35),
        row(world.hutang.code, "", 地址=""),
    ]
    report = importing_stations.import_stations(user=world.wujin_admin, file=workbook(rows))
    errors = {(e["row"], e["column"]): e["message"] for e in report.errors}
    assert "与第 2 行是同一工会的同名驿站" in errors[(3, "驿站名称")]
    assert "“谷歌”不是有效的坐标系" in errors[(6, "坐标系")]
    assert "不是数字" in errors[(7, "纬度")]
    assert "按摩椅" in errors[(8, "服务设施")]
    assert "不能为空" in errors[(11, "驿站名称")] and "不能为空" in errors[(11, "地址")]
    assert report.aborted and not Station.objects.exists()
    partial = importing_stations.import_stations(user=world.wujin_admin, file=workbook(rows), mode="valid-only")
    errors = {(e["row"], e["column"]): e["message"] for e in partial.errors}
    assert "不存在或不在您的管理范围内" in errors[(4, "所属工会代码")]
    assert "不在您的管理范围内" in errors[(5, "所属工会代码")]
    assert "评星依据" in errors[(9, "评星依据")]
    assert "不在中国境内" in errors[(10, "纬度")]
    assert partial.imported == 1
    assert list(Station.objects.values_list("name", flat=True)) == ["好驿站"]


def test_a_station_of_a_union_out_of_change_scope_is_not_touched(world):
    make_station(world.tianning_admin, world.chashan, name="茶山驿站")
    report = importing_stations.import_stations(
        user=world.tianning_admin, file=workbook([row(world.chashan.code, "茶山驿站", 开放时间="全天开放")])
    )
    assert report.updated == 1
    report = importing_stations.import_stations(
        user=world.wujin_admin, file=workbook([row(world.chashan.code, "茶山驿站", 开放时间="改坏了")])
    )
    assert report.rejected == 1
    assert Station.objects.get().opening_hours == "全天开放"


def test_import_page_template_and_report(client, world):
    client.force_login(world.wujin_admin)
    page = reverse("programmes:station_import")
    assert client.get(page).status_code == 200
    response = client.get(reverse("programmes:station_import_template"))
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[2]]
    assert headers[0] == "*所属工会代码" and "*坐标系" in headers and "服务设施" in headers
    formulas = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert len(formulas) == len(importing_stations.TEMPLATE_CHOICES)  # dropdowns
    options = [cell.value for cell in book["选项"]["A"]]
    assert "银行网点" in options
    # the filled-in template imports
    values = dict(zip(HEADER, row(world.hutang.code, "模板驿站"), strict=True))
    sheet.append([values.get(label.lstrip("*")) for label in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "模板.xlsx"
    response = client.post(page, {"file": buffer, "mode": "valid-only"})
    assert response.status_code == 200 and "新增 1" in response.content.decode(), response.context["report"].errors
    assert Station.objects.filter(name="模板驿站").exists()
    assert client.get(response.context["report_url"]).status_code == 200
    # the list links to the import
    assert page in client.get(reverse("programmes:station_list")).content.decode()


def test_import_pages_need_the_add_permission(client, world):
    client.force_login(world.nobody)
    assert client.get(reverse("programmes:station_import")).status_code == 403
    assert client.get(reverse("programmes:station_import_template")).status_code == 403
