import datetime
import time

import pytest
from django.utils import timezone

from gonghui.members.demo import load_demo_members
from gonghui.orgs.demo import load_demo
from gonghui.orgs.models import Organization
from gonghui.programmes import services_mutualaid as services
from gonghui.programmes.demo import load_demo_programmes
from gonghui.programmes.models import ClaimState, LivelihoodProject, MutualAidClaim, MutualAidEnrolment, MutualAidPlan
from gonghui.programmes.selectors_projects import progress_list
from gonghui.targets import sources
from gonghui.utilities.periods import Period

pytestmark = pytest.mark.django_db


def test_demo_mutual_aid_plans_enrolments_and_claims():
    load_demo(scale=0.2)
    load_demo_members(scale=0.2)
    started = time.monotonic()
    result = load_demo_programmes()
    aid = result.mutual_aid
    assert aid.plans == 3 and aid.enrolments > 1000 and aid.payments > 10 and aid.claims >= 12
    assert load_demo_programmes().mutual_aid.skipped
    assert time.monotonic() - started < 60
    assert set(MutualAidClaim.objects.values_list("state", flat=True)) == set(ClaimState.values)
    women = MutualAidPlan.objects.get(kind="women_special")
    assert not MutualAidEnrolment.objects.filter(plan=women, member__gender="male").exists()
    assert not MutualAidEnrolment.objects.exclude(member__status="active").exists()
    today = timezone.localdate()
    assert MutualAidClaim.objects.filter(state="rejected").exclude(decision_note="").exists()
    # every demo decision is one the rules allow
    for claim in MutualAidClaim.objects.filter(state__in=("approved", "paid")).select_related(
        "plan", "enrolment__member"
    ):
        result_ = services.assess(claim)
        assert claim.approved_amount <= result_.max_payable
    city = Organization.objects.get(code="GH320400")
    enrolled = sources.value("mutual_aid_enrolled", city, Period.year_of(today.year))
    assert enrolled == MutualAidEnrolment.objects.filter(status="active").count()
    paid = sources.value("mutual_aid_paid", city, Period.year_of(today.year))
    assert paid > 0
    rows = progress_list(LivelihoodProject.objects.filter(org=city, year=today.year))
    aid_row = next(row for row in rows if row.project.indicator and row.project.indicator.key == "mutual_aid_enrolled")
    assert aid_row.computed and aid_row.actual == enrolled
    assert datetime.date(today.year, 1, 1) <= MutualAidEnrolment.objects.earliest("coverage_start").coverage_start
