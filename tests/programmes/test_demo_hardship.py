"""The demo hardship files and campaigns: every state, believable deadlines, this winter's campaign, no duplicate
payment in a campaign, figures the indicators can count; idempotent."""

import datetime

import pytest
from django.db.models import Count

from gonghui.orgs.demo import load_demo
from gonghui.orgs.models import Organization
from gonghui.programmes.demo_hardship import CITY_CODE, load_demo_hardship
from gonghui.programmes.models.assistance import Assistance, Campaign
from gonghui.programmes.models.hardship import HardshipFile, HardshipState
from gonghui.targets import sources
from gonghui.utilities.periods import Period

pytestmark = pytest.mark.django_db


def test_demo_hardship_covers_every_state_and_this_winter(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(scale=0.2)
    today = datetime.date.today()
    result = load_demo_hardship()
    assert result.files >= 400 and result.campaigns == 3 and result.records > 100
    assert load_demo_hardship().skipped
    states = set(HardshipFile.objects.values_list("state", flat=True))
    assert states == set(HardshipState.values)
    pending = HardshipFile.objects.filter(state__in=("applied", "survey", "civil", "notice"))
    assert pending.filter(current_due__lt=today).exists() and pending.filter(current_due__gte=today).exists()
    filed = HardshipFile.objects.filter(state="filed")
    assert filed.filter(review_due__lt=today).exists() and not filed.filter(level="").exists()
    assert not filed.filter(attachments__kind="survey_form").count() < filed.count()  # evidence on every file
    winter = Campaign.objects.get(kind="winter_relief")
    assert winter.starts_on <= today + datetime.timedelta(days=40) and winter.ends_on >= today
    twice = Assistance.objects.values("campaign", "person_index").annotate(n=Count("pk")).filter(n__gt=1)
    assert not twice.exists()
    city = Organization.objects.get(code=CITY_CODE)
    year = Period.year_of(today.year)
    assert sources.value("hardship_households", city, year) == filed.count()
    assert sources.value("relief_amount", city, year) > 0
