import datetime

import pytest

from gonghui.orgs.demo import load_demo
from gonghui.orgs.models import Organization
from gonghui.programmes.demo import load_demo_programmes
from gonghui.programmes.models import JobFair, JobFairEmployer, LivelihoodProject
from gonghui.programmes.selectors_projects import progress
from gonghui.targets import sources
from gonghui.utilities.periods import Period

pytestmark = pytest.mark.django_db


def test_demo_has_a_year_of_fairs_and_the_jobs_project_counts_them():
    load_demo(scale=0.2)
    today = datetime.date(2026, 10, 15)
    result = load_demo_programmes(today=today)
    assert result.jobfairs >= 15
    fairs = JobFair.objects.filter(is_demo=True)
    assert fairs.count() == result.jobfairs
    assert {fair.held_on.year for fair in fairs} == {2026}
    assert min(f.held_on for f in fairs) < datetime.date(2026, 2, 1) and max(f.held_on for f in fairs) <= today
    assert {fair.mode for fair in fairs} == {"offline", "online", "hybrid"}
    # each fair's figures are the sums of its employer rows; some employers are registered ones
    for fair in fairs:
        rows = JobFairEmployer.objects.filter(fair=fair)
        assert rows.exists()
        assert fair.positions == sum(r.positions for r in rows)
        assert fair.intents <= fair.applicants
    assert JobFairEmployer.objects.filter(employer__isnull=False).exists()
    assert JobFairEmployer.objects.filter(employer__isnull=True).exists()
    city = Organization.objects.get(code="GH320400")
    offered = sources.value("jobs_offered", city, Period.year_of(2026))
    assert 1500 < offered < 3200  # about the seeds' 2800 for a whole year, by mid-October
    project = LivelihoodProject.objects.get(org=city, year=today.year, indicator__key="jobs_offered")
    row = progress(project, as_of=today)
    assert row.computed and row.actual == offered and project.reported_value is None
    assert load_demo_programmes(today=today).jobfairs == 0  # idempotent
