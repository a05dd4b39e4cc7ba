"""Demo statistics annual returns: the city's campaign for statistics year 2026 with units in every state.

In 武进区 (the demo district with its own admin and chair accounts) one town's grassroots unions are all accepted,
some with corrections and their reasons, and the town has submitted; in the other towns returns are accepted,
submitted, returned with a reason, being filled in or not started, so the district's page shows who is missing.
The demo chair's own union is being filled in. Elsewhere a few units have started. Everything goes through the
real services. Safe to run any number of times: nothing happens once the campaign exists.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.context import actor
from gonghui.orgs.demo import CITY_CODE
from gonghui.orgs.models import Organization
from gonghui.reports import returns as forms
from gonghui.reports import services_returns as services
from gonghui.reports.models import ReturnCampaign, ReturnStatus, UnitReturn

YEAR = 2026
DISTRICT_CODE = "GH320412"
CHAIR_UNION_CODE = "GH320412-01-001"
CORRECTIONS = (
    ("20", 2, "2 名劳务派遣职工已入会，名册尚未录入"),
    ("10", 5, "新招职工 5 人，用人单位职工人数未更新"),
    ("21", 1, "1 名女会员性别登记有误，已提交更正"),
)
RETURN_REASONS = ("女职工人数与用人单位登记不一致，请核实", "职代会召开次数与会议记录不符，请补充说明")
#: state of the grassroots returns in the district's other towns, in turn
STATES = ("accepted", "accepted", "submitted", "returned", "filling", "not_started", "accepted", "filling")


@dataclass
class DemoReturnsResult:
    skipped: bool = False
    returns: int = 0
    by_status: dict | None = None


def _manual_entries(rng: random.Random, form: forms.FormDef) -> dict:
    entries = {}
    for field in form.fields:
        if not field.is_manual_now() or field.ratio:
            continue
        if field.kind == forms.CHOICE:
            entries[field.code] = {"value": "是" if rng.random() < 0.85 else "否"}
        elif field.unit == "元":
            entries[field.code] = {"value": str(rng.randint(20, 400) * 100)}
        else:
            entries[field.code] = {"value": str(rng.randint(0, 9) if field.concept != "committee_members" else 7)}
    if "33" in entries:
        entries["33"] = {"value": str(rng.randint(1, 3))}
    return entries


def _fill(user, ret: UnitReturn, rng: random.Random, *, correct: bool = False) -> UnitReturn:
    ret = services.return_compile(user=user, unit_return=ret)
    form = forms.FORMS[ret.form]
    aggregated = set(ret.values.filter(is_manual=True, computed_value__isnull=False).values_list("code", flat=True))
    entries = {code: entry for code, entry in _manual_entries(rng, form).items() if code not in aggregated}
    if correct and ret.form == forms.GRASSROOTS_FORM.key:
        code, delta, reason = CORRECTIONS[rng.randrange(len(CORRECTIONS))]
        current = ret.values.get(code=code).final_value or 0
        entries[code] = {"value": str(int(current) + delta), "reason": reason}
    people = {"preparer_name": rng.choice(("周敏", "陈静", "刘伟", "王芳")), "head_name": "", "preparer_phone": ""}
    return services.return_save(user=user, unit_return=ret, entries=entries, people=people)


def _to_state(state: str, ret: UnitReturn, unit_user, reviewer, rng: random.Random) -> None:
    if state == "not_started":
        return
    ret = _fill(unit_user, ret, rng, correct=rng.random() < 0.4)
    if state == "filling":
        return
    ret = services.return_submit(user=unit_user, unit_return=ret)
    if state == "submitted":
        return
    if state == "returned":
        services.return_return(user=reviewer, unit_return=ret, comment=rng.choice(RETURN_REASONS))
        return
    services.return_accept(user=reviewer, unit_return=ret, comment="数据已核对")


def load_demo_returns(*, seed: int = 2026) -> DemoReturnsResult:
    result = DemoReturnsResult()
    city = Organization.objects.filter(code=CITY_CODE).first()
    admin = User.objects.filter(username="city_admin", is_demo=True).first()
    district_admin = User.objects.filter(username="wujin_admin", is_demo=True).first()
    if city is None or admin is None or ReturnCampaign.objects.filter(org=city, year=YEAR).exists():
        result.skipped = True
        return result
    rng = random.Random(f"{seed}:returns")
    today = timezone.localdate()
    deadline = max(datetime.date(YEAR, 11, 30), today + datetime.timedelta(days=10))
    with transaction.atomic(), actor(admin):
        campaign = services.campaign_open(
            user=admin,
            org=city,
            year=YEAR,
            deadline=deadline,
            note="请各单位核对系统根据组织、会员和业务记录计算的数值，记录有误的填写更正原因后更正，逐级审核上报。",
        )
        ReturnCampaign.objects.filter(pk=campaign.pk).update(is_demo=True)
        district = Organization.objects.filter(code=DISTRICT_CODE).first()
        if district is not None and district_admin is not None:
            _district(campaign, district, district_admin, rng)
        # elsewhere: the first few units of each other district have started
        others = (
            UnitReturn.objects.filter(campaign=campaign, status=ReturnStatus.NOT_STARTED, form="grassroots")
            .exclude(org__path__startswith=district.path if district else "~")
            .order_by("org__path")
        )
        for ret in list(others[::9])[:12]:
            _fill(admin, ret, rng)
        UnitReturn.objects.filter(campaign=campaign).update(is_demo=True)
    returns = UnitReturn.objects.filter(campaign=campaign)
    result.returns = returns.count()
    result.by_status = {label: returns.filter(status=value).count() for value, label in ReturnStatus.choices}
    return result


def _district(campaign: ReturnCampaign, district: Organization, reviewer, rng: random.Random) -> None:
    returns = {
        ret.org_id: ret for ret in UnitReturn.objects.filter(campaign=campaign, org__path__startswith=district.path)
    }
    towns = [
        ret
        for ret in UnitReturn.objects.filter(campaign=campaign, org__path__startswith=district.path)
        .filter(org__depth=district.depth + 1)
        .select_related("org")
        .order_by("org__path")
    ]
    chair = User.objects.filter(username="chair_demo", is_demo=True).first()
    for index, town in enumerate(towns[:4]):
        children = [
            ret
            for ret in UnitReturn.objects.filter(campaign=campaign, org__path__startswith=town.org.path)
            .filter(org__depth=town.org.depth + 1)
            .select_related("org")
            .order_by("org__path")
        ]
        for number, child in enumerate(children[:8]):
            if child.org.code == CHAIR_UNION_CODE:
                if chair is not None:
                    _fill(chair, child, rng)
                continue
            state = "accepted" if index == 1 else STATES[(number + index) % len(STATES)]
            _to_state(state, child, reviewer, reviewer, rng)
        if index == 1:  # this town is complete: all children accepted (the rest too), the town has submitted
            for child in children[8:]:
                _to_state("accepted", child, reviewer, reviewer, rng)
            town = _fill(reviewer, town, rng)
            services.return_submit(user=reviewer, unit_return=town)
        elif index == 0:
            _fill(reviewer, town, rng)
    own = returns.get(district.pk)
    if own is not None:
        _fill(reviewer, own, rng)
