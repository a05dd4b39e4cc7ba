"""The demo city's rights data: every state, a group incident, overdue cases, a duty week, expiring contracts."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.orgs.demo import load_demo
from gonghui.rights import selectors
from gonghui.rights.demo import load_demo_rights
from gonghui.rights.models import CaseState, CollectiveContract, DutySlot, LegalSupervisionCommittee, RightsCase
from gonghui.rights.selectors_supervision import expiring_q

pytestmark = pytest.mark.django_db


def test_demo_rights_has_every_state_and_is_idempotent():
    load_demo(scale=0.2)
    result = load_demo_rights()
    assert not result.skipped and result.cases == RightsCase.objects.count() >= 10
    assert set(RightsCase.objects.values_list("state", flat=True)) == set(CaseState.values)
    assert RightsCase.objects.filter(is_group_incident=True).exists()
    admin = User.objects.get(username="city_admin")
    overdue = selectors.overdue_cases(admin, timezone.now())
    assert overdue.filter(light="red").exists() and overdue.filter(light="yellow").exists()
    assert DutySlot.objects.filter(date__gte=timezone.localdate()).count() >= 3
    assert LegalSupervisionCommittee.objects.filter(documents__isnull=False).exists()
    assert CollectiveContract.objects.filter(expiring_q(timezone.localdate())).exists()
    assert load_demo_rights().skipped
    assert RightsCase.objects.count() == result.cases
