import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.targets import sources
from gonghui.unionwork import selectors, services_dues
from gonghui.unionwork.models import DuesRecord, DuesShareScheme, dues_due
from gonghui.utilities.periods import Period
from tests.unionwork.helpers import LAST_YEAR, TODAY, dues, share
from tests.world import make_employer

pytestmark = pytest.mark.django_db
MARCH = datetime.date(LAST_YEAR, 3, 1)


@pytest.mark.parametrize(
    ("payroll", "due"),
    [
        ("1000000.00", "20000.00"),
        ("0.25", "0.01"),  # 0.005 rounds half up to a fen
        ("0.24", "0.00"),
        ("123456789.99", "2469135.80"),
        ("33333.33", "666.67"),
    ],
)
def test_due_is_two_percent_exactly_in_decimal(payroll, due):
    assert dues_due(Decimal(payroll)) == Decimal(due)
    assert str(dues_due(Decimal(payroll))) == due


def test_record_computes_due_and_arrears_and_files_under_the_employers_union(world):
    record = dues(world.wujin_admin, world.wujin_employer, MARCH.replace(day=15), "1234567.89", "10000.00")
    assert record.period == MARCH  # any day of the month means the month
    assert record.due == Decimal("24691.36")
    assert record.arrears == Decimal("14691.36")
    assert record.org == world.wujin_union


def test_one_record_per_employer_and_month(world):
    dues(world.wujin_admin, world.wujin_employer, MARCH, "1000")
    with pytest.raises(ValidationError) as error:
        dues(world.wujin_admin, world.wujin_employer, MARCH, "2000")
    assert "已存在" in str(error.value)
    assert DuesRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"paid": Decimal("10"), "paid_on": None}, "paid_on"),
        ({"paid": Decimal("10"), "paid_on": datetime.date(LAST_YEAR, 2, 1)}, "paid_on"),
        ({"period": TODAY.replace(day=1) + datetime.timedelta(days=40)}, "period"),
    ],
)
def test_bad_dates_are_refused(world, extra, field):
    data = {"employer": world.wujin_employer, "period": MARCH, "payroll_base": Decimal("1000"), "paid": 0}
    data.update(extra)
    if data.get("paid") and "paid_on" not in extra:
        data["paid_on"] = MARCH
    with pytest.raises(ValidationError) as error:
        services_dues.dues_create(user=world.wujin_admin, data=data)
    assert field in error.value.message_dict
    assert not DuesRecord.objects.exists()


def test_employer_of_another_subtree_is_refused(world):
    with pytest.raises(PermissionDenied):
        dues(world.wujin_admin, world.tianning_employer, MARCH, "1000")
    assert not DuesRecord.objects.exists()


def test_share_scheme_must_add_up_to_100_and_splits_to_the_fen(world):
    with pytest.raises(ValidationError) as error:
        share(world.city_admin, world.city, grassroots_pct="61")
    assert "101" in str(error.value) and "100%" in str(error.value)
    with pytest.raises(ValidationError):
        share(world.wujin_admin, world.hutang)  # a town is not a federation
    scheme = share(world.city_admin, world.city)
    parts = scheme.split(Decimal("100.01"))
    assert [part[2] for part in parts] == [Decimal("60.01"), Decimal("15.00"), Decimal("12.00"), Decimal("8.00"),
                                           Decimal("5.00")]  # fmt: skip
    assert sum(part[2] for part in parts) == Decimal("100.01")
    own = share(world.wujin_admin, world.wujin, county_pct="20", city_pct="7")
    assert services_dues.scheme_for(world.wujin_union, TODAY.year) == own  # the nearest unit's scheme wins
    assert services_dues.scheme_for(world.tianning_union, TODAY.year) == scheme
    assert services_dues.scheme_for(world.tianning_union, 2019) is None


def _year_data(world):
    # 武进: last year paid 1000 on 50000 due Jan–Mar; this year 600 (负增长). 天宁: 400 → 800.
    for month, paid in ((1, "400.00"), (2, "300.00"), (3, "300.00")):
        dues(world.wujin_admin, world.wujin_employer, datetime.date(LAST_YEAR - 1, month, 1), "50000", paid)
        dues(world.tianning_admin, world.tianning_employer, datetime.date(LAST_YEAR - 1, month, 1), "20000", "133.33")
    for month, paid in ((1, "300.00"), (2, "300.00"), (3, "0")):
        dues(world.wujin_admin, world.wujin_employer, datetime.date(LAST_YEAR, month, 1), "50000", paid)
        dues(world.tianning_admin, world.tianning_employer, datetime.date(LAST_YEAR, month, 1), "20000", "266.67")


def test_collection_table_by_unit_with_rate_and_year_on_year(world):
    _year_data(world)
    table = selectors.collection_table(world.city_admin, world.city, LAST_YEAR, 3)
    rows = {row.unit.name: row for row in table.rows}
    assert list(rows) == ["武进区总工会", "天宁区总工会"]
    wujin, tianning = rows["武进区总工会"], rows["天宁区总工会"]
    assert wujin.due == Decimal("3000.00") and wujin.paid == Decimal("600.00") and wujin.arrears == Decimal("2400.00")
    assert wujin.rate == Decimal("20.0")
    assert wujin.paid_last_year == Decimal("1000.00") and wujin.growth == Decimal("-40.0")
    assert tianning.paid == Decimal("800.01") and tianning.growth == Decimal("100.0")
    assert table.total.paid == Decimal("1400.01") and table.total.due == Decimal("4200.00")
    # a county user sees its own subtree only, even asking for the city
    own = selectors.collection_table(world.wujin_admin, world.city, LAST_YEAR, 3)
    assert sum(row.paid for row in own.rows) == Decimal("600.00")


def test_collection_page_and_export(client, world):
    _year_data(world)
    client.force_login(world.city_admin)
    url = reverse("unionwork:dues_collection")
    body = client.get(url, {"year": LAST_YEAR, "month": 3}).content.decode()
    assert "负增长" in body and "武进区总工会" in body and "20.0" in body
    response = client.get(url, {"year": LAST_YEAR, "month": 3, "export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "单位" and rows[-1][0] == "合计"
    assert [row[0] for row in rows[1:-1]] == ["武进区总工会", "天宁区总工会"]


def test_collection_page_other_subtree_is_404(client, world):
    client.force_login(world.wujin_admin)
    url = reverse("unionwork:dues_collection")
    assert client.get(url).status_code == 200
    assert client.get(url, {"org": world.tianning.pk}).status_code == 404
    client.force_login(world.nobody)
    assert client.get(url).status_code == 403


def test_dues_collected_source_is_paid_amount_by_paid_date(world):
    dues(world.wujin_admin, world.wujin_employer, datetime.date(LAST_YEAR, 12, 1), "100000", "2000.00",
         paid_on=datetime.date(LAST_YEAR + 1, 1, 15))  # fmt: skip
    dues(world.wujin_admin, world.wujin_employer, datetime.date(LAST_YEAR, 11, 1), "100000", "1999.99",
         paid_on=datetime.date(LAST_YEAR, 12, 10))  # fmt: skip
    dues(world.tianning_admin, world.tianning_employer, datetime.date(LAST_YEAR, 11, 1), "1000", "20.00",
         paid_on=datetime.date(LAST_YEAR, 12, 1))  # fmt: skip
    assert sources.value("dues_collected", world.wujin, Period.year_of(LAST_YEAR)) == Decimal("1999.99")
    assert sources.value("dues_collected", world.city, Period.year_of(LAST_YEAR)) == Decimal("2019.99")
    assert sources.value("dues_collected", world.wujin, Period.year_of(LAST_YEAR + 1)) == Decimal("2000.00")


class TestDuesPages:
    def test_list_shows_own_subtree_only(self, client, world):
        dues(world.wujin_admin, world.wujin_employer, MARCH, "1000")
        dues(world.tianning_admin, world.tianning_employer, MARCH, "1000")
        client.force_login(world.wujin_admin)
        body = client.get(reverse("unionwork:dues_list")).content.decode()
        assert "武进甲公司" in body and "天宁乙公司" not in body
        response = client.get(reverse("unionwork:dues_list"), {"export": "xlsx"})
        cells = {str(c) for row in CalamineWorkbook.from_filelike(io.BytesIO(response.content))
                 .get_sheet_by_index(0).to_python() for c in row}  # fmt: skip
        assert "武进甲公司" in cells and "天宁乙公司" not in cells

    def test_detail_edit_delete_scope(self, client, world):
        own = dues(world.wujin_admin, world.wujin_employer, MARCH, "1000", "20", paid_on=MARCH)
        other = dues(world.tianning_admin, world.tianning_employer, MARCH, "1000")
        share(world.city_admin, world.city)
        client.force_login(world.wujin_admin)
        body = client.get(reverse("unionwork:dues_detail", args=[own.pk])).content.decode()
        assert "12.00" in body and "基层工会" in body  # 20 × 60% in the share table
        for name in ("unionwork:dues_detail", "unionwork:dues_edit", "unionwork:dues_delete"):
            assert client.get(reverse(name, args=[other.pk])).status_code == 404
        assert client.post(reverse("unionwork:dues_delete", args=[other.pk])).status_code == 404
        response = client.post(
            reverse("unionwork:dues_edit", args=[own.pk]),
            {"employer": world.wujin_employer.pk, "period": MARCH.strftime("%Y-%m"), "payroll_base": "5000.50",
             "paid": "20", "channel": "direct", "paid_on": MARCH.isoformat()},
        )  # fmt: skip
        assert response.status_code == 302, response.content.decode()[-2000:]
        own.refresh_from_db()
        assert own.due == Decimal("100.01") and own.channel == "direct"
        assert "确认" in client.get(reverse("unionwork:dues_delete", args=[own.pk])).content.decode()
        assert client.post(reverse("unionwork:dues_delete", args=[own.pk])).status_code == 302
        assert not DuesRecord.objects.filter(pk=own.pk).exists()

    def test_create_page(self, client, world):
        client.force_login(world.wujin_admin)
        url = reverse("unionwork:dues_add")
        assert client.get(url).status_code == 200
        data = {"employer": world.wujin_employer.pk, "period": MARCH.strftime("%Y-%m"), "payroll_base": "1000",
                "paid": "0", "channel": "tax"}  # fmt: skip
        assert client.post(url, data).status_code == 302
        data["employer"] = world.tianning_employer.pk
        assert client.post(url, data).status_code == 200  # not a choice
        assert DuesRecord.objects.count() == 1
        client.force_login(world.nobody)
        assert client.get(url).status_code == 403

    def test_share_pages(self, client, world):
        other = share(world.tianning_admin, world.tianning)
        client.force_login(world.wujin_admin)
        response = client.post(
            reverse("unionwork:share_add"),
            {"org": world.wujin.pk, "effective_year": 2024, "grassroots_pct": "60", "county_pct": "10",
             "city_pct": "10", "province_pct": "10", "national_pct": "5"},
        )  # fmt: skip
        assert response.status_code == 200 and "95" in response.content.decode()
        assert not DuesShareScheme.objects.filter(org=world.wujin).exists()
        body = client.get(reverse("unionwork:share_list")).content.decode()
        assert "天宁区总工会" not in body
        assert client.get(reverse("unionwork:share_edit", args=[other.pk])).status_code == 404
        assert client.get(reverse("unionwork:share_delete", args=[other.pk])).status_code == 404


def test_grassroots_chair_sees_only_own_unions_dues(client, world):
    other_union_employer = make_employer(world.hutang, 3, name="湖塘另一家公司")
    dues(world.wujin_admin, world.wujin_employer, MARCH, "1000")
    dues(world.wujin_admin, other_union_employer, MARCH, "1000")
    client.force_login(world.chair)
    body = client.get(reverse("unionwork:dues_list")).content.decode()
    assert "武进甲公司" in body and "湖塘另一家公司" not in body
    assert client.get(reverse("unionwork:dues_add")).status_code == 403
