import datetime

import pytest

from gonghui.orgs.demo import load_demo
from gonghui.orgs.models import Organization
from gonghui.programmes.demo import load_demo_programmes
from gonghui.programmes.models import Inspection, LivelihoodProject, Station, StationStatus, UsageReport
from gonghui.programmes.selectors_projects import progress_list
from gonghui.targets import sources
from gonghui.utilities.periods import Period

pytestmark = pytest.mark.django_db


def test_demo_stations_are_believable_and_idempotent():
    load_demo(scale=0.2)
    today = datetime.date.today()
    result = load_demo_programmes()
    assert result.stations >= 150 and result.inspections > 100 and result.usage_reports > 300
    assert load_demo_programmes().skipped
    assert Station.objects.count() == result.stations
    # all around 常州 (roughly 31.2–32.1 N, 119.2–120.3 E)
    for lat, lng in Station.objects.values_list("wgs_lat", "wgs_lng"):
        assert 31.1 < lat < 32.2 and 119.1 < lng < 120.4
    operating = Station.objects.filter(status=StationStatus.OPERATING)
    overdue = operating.filter(next_inspection_due__lt=today).count()
    assert 0.05 < overdue / operating.count() < 0.4
    assert Inspection.objects.filter(fixed_on__isnull=True).exclude(result="passed").exists()
    assert UsageReport.objects.filter(visits__gt=0).exists()
    city = Organization.objects.get(code="GH320400")
    built = sources.value("stations_built", city, Period.year_of(today.year))
    assert built > 0
    # the seeds' four projects; the stations one counts the demo stations live
    rows = progress_list(LivelihoodProject.objects.filter(org=city, year=today.year))
    assert len(rows) == 4 and result.projects == 4
    stations_row = next(row for row in rows if row.computed)
    assert stations_row.actual == built
