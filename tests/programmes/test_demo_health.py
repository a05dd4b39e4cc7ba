import datetime

import pytest

from gonghui.members.demo import load_demo_members
from gonghui.orgs.demo import load_demo
from gonghui.orgs.models import Organization
from gonghui.programmes.demo import load_demo_projects
from gonghui.programmes.demo_health import load_demo_health
from gonghui.programmes.models import (
    HealthCheckAllocation,
    HealthCheckAppointment,
    HealthCheckBatch,
    LivelihoodProject,
    RecuperationParticipant,
    RecuperationQuota,
)
from gonghui.programmes.selectors_projects import progress_list
from gonghui.targets import sources
from gonghui.utilities.periods import Period

pytestmark = pytest.mark.django_db


def test_demo_health_checks_and_recuperation_are_believable_and_idempotent():
    load_demo(scale=0.2)
    load_demo_members(scale=0.2)
    today = datetime.date.today()
    result = load_demo_health()
    assert result.completed > 100 and result.visits > 0 and result.participants > 20
    assert load_demo_health().skipped
    batch = HealthCheckBatch.objects.get(is_demo=True)
    # within every allocation, and the allocations within the batch
    for allocation in HealthCheckAllocation.objects.filter(batch=batch):
        assert allocation.appointments.exclude(status="cancelled").count() <= allocation.slots
    assert sum(batch.allocations.values_list("slots", flat=True)) <= batch.total_slots
    assert not HealthCheckAppointment.objects.filter(status="completed", completed_on__gt=today).exists()
    for quota in RecuperationQuota.objects.filter(is_demo=True):
        used = RecuperationParticipant.objects.filter(org__path__subtree=quota.org.path, year=quota.year)
        assert used.exclude(status="cancelled").count() <= quota.quota
    # nobody twice in a year
    indexes = list(RecuperationParticipant.objects.exclude(status="cancelled").values_list("person_index", flat=True))
    assert len(indexes) == len(set(indexes))
    city = Organization.objects.get(code="GH320400")
    assert sources.value("health_checks", city, Period.year_of(today.year)) == result.completed
    load_demo_projects(today=today)
    row = next(
        r
        for r in progress_list(LivelihoodProject.objects.filter(org=city, year=today.year))
        if "体检" in r.project.title
    )
    assert row.computed and row.actual == result.completed
