"""The demo 建会 cases and 换届 records: every state, an overdue case, leads left, terms due, idempotent."""

import pytest

from gonghui.accounts.models import User
from gonghui.orgs import selectors_establishment as selectors
from gonghui.orgs.demo import load_demo
from gonghui.orgs.demo_establishment import load_demo_establishment
from gonghui.orgs.models import Employer, Organization
from gonghui.orgs.models_establishment import EstablishmentCase, EstablishmentState, ReElection

pytestmark = pytest.mark.django_db


def test_demo_cases_in_every_state_and_idempotent():
    load_demo(scale=0.2)
    result = load_demo_establishment()
    assert not result.skipped and result.cases >= 8
    states = set(EstablishmentCase.objects.values_list("state", flat=True))
    assert states == set(EstablishmentState.values)
    assert not EstablishmentCase.objects.filter(is_demo=False).exists()
    for employer in Employer.objects.filter(establishment_cases__isnull=False):
        employer.full_clean()  # valid credit codes and counts
    established = EstablishmentCase.objects.get(state=EstablishmentState.ESTABLISHED)
    assert established.created_union.is_demo and established.created_union.employers.count() == 1
    admin = User.objects.get(username="wujin_admin")
    assert selectors.overdue_cases(admin).exists()
    assert selectors.leads_for(admin)
    assert selectors.term_orgs(admin, window="overdue").exists()
    assert set(ReElection.objects.filter(remark="").values_list("status", flat=True)) <= {"planned", "held", "approved"}
    assert ReElection.objects.filter(status="held").exists() and ReElection.objects.filter(status="planned").exists()
    # The other county sees none of it.
    tianning = User.objects.filter(org__code="GH320402").first()
    if tianning is not None:
        assert not selectors.cases_for(tianning).exists()
    count = EstablishmentCase.objects.count()
    orgs = Organization.objects.count()
    assert load_demo_establishment().skipped
    assert EstablishmentCase.objects.count() == count and Organization.objects.count() == orgs
