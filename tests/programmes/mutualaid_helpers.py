"""Plans, members, enrolments and claims for the mutual-aid tests, made through the real services."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gonghui.programmes import services_mutualaid as services
from tests.members.helpers import add_member

TODAY = timezone.localdate()
PERIOD_START = TODAY - datetime.timedelta(days=200)
PERIOD_END = TODAY + datetime.timedelta(days=165)
EVENT = TODAY - datetime.timedelta(days=10)


def photo(name: str = "发票.png", size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def plan_data(org, **extra) -> dict:
    data = {
        "org": org,
        "name": "住院医疗互助保障",
        "kind": "inpatient",
        "status": "open",
        "period_start": PERIOD_START,
        "period_end": PERIOD_END,
        "premium": Decimal("30"),
        "waiting_days": 30,
        "claim_window_days": 180,
        "deductible": Decimal("500"),
        "reimbursement_ratio": Decimal("0.5"),
        "fixed_amount": None,
        "covered_diseases": [],
        "per_claim_cap": Decimal("5000"),
        "per_person_cap": Decimal("8000"),
        "women_only": False,
        "review_days": 15,
        "payment_days": 10,
    }
    data.update(extra)
    return data


def make_plan(user, org, **extra):
    return services.plan_create(user=user, data=plan_data(org, **extra))


def critical_plan(user, org, **extra):
    extra = {
        "name": "重大疾病互助保障",
        "kind": "critical_illness",
        "reimbursement_ratio": None,
        "deductible": Decimal(0),
        "fixed_amount": Decimal("10000"),
        "covered_diseases": ["恶性肿瘤", "急性心肌梗塞", "脑中风后遗症"],
        "per_claim_cap": Decimal("10000"),
        "per_person_cap": Decimal("10000"),
        "waiting_days": 90,
        **extra,
    }
    return make_plan(user, org, **extra)


def member(world, org=None, *, serial: int = 1, name: str = "王芳", phone: str = "13912340001", **extra):
    return add_member(world, org or world.wujin_union, name=name, serial=serial, phone=phone, **extra)


def enrol(user, plan, org, person, start=PERIOD_START):
    return services.enrolment_create(
        user=user, plan=plan, org=org, id_number=person.reveal_id_number(), coverage_start=start
    )


def claim_data(**extra) -> dict:
    data = {
        "event_date": EVENT,
        "admitted_on": EVENT - datetime.timedelta(days=5),
        "hospital": "常州市第一人民医院",
        "disease": "",
        "diagnosis": "急性阑尾炎",
        "total_expenses": Decimal("9000"),
        "eligible_expenses": Decimal("4500"),
        "claimed_amount": None,
        "bank_name": "工商银行",
        "bank_account": "6222020304050607",
        "consent": True,
    }
    data.update(extra)
    return data


def agent_claim(user, plan, person, **extra):
    return services.claim_create_agent(
        user=user,
        plan=plan,
        id_number=person.reveal_id_number(),
        data=claim_data(**extra),
        documents=[("invoice", photo())],
    )
