"""Demo work reports (工作材料): a few short reports of two demo districts, read by the real library and
reviewed through the real services, so the search page, the review page and the quarterly report's
evidence all have something to show.

- 武进区: this quarter's summary, its figures confirmed (they prefill the district's draft report for the
  quarter), and a news item still waiting for review.
- a second district: last quarter's report with confirmed figures (its report is already filed, so they
  show beside it as a cross-check) and a pending one for this quarter in Traditional script.

Runs once: nothing happens when the demo city already has demo documents. Four short texts: well under a
second after jieba and OpenCC have loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.context import actor
from gonghui.intel import services
from gonghui.intel.models import Document
from gonghui.orgs.models import Organization
from gonghui.utilities.periods import Period

CITY_CODE = "GH320400"
WUJIN_CODE = "GH320412"


@dataclass
class DemoIntelResult:
    documents: int = 0
    confirmed: int = 0
    skipped: bool = False


def _texts(name: str, quarter_label: str) -> dict[str, str]:
    return {
        "summary": (
            f"{name}{quarter_label}工作综述\n"
            f"本报讯 今年以来，{name}围绕年度目标任务，扎实推进服务阵地建设和困难职工帮扶。"
            "新建户外劳动者驿站6个，走访慰问困难职工230人，发放慰问金46万余元。"
            "组织一线职工健康体检1200人，举办基层工会干部专题培训班2期。"
            "下一步，区总工会计划再建户外劳动者驿站4个，确保完成全年目标任务。\n"
        ),
        "news": (
            f"{name}开展“工会进万家”送温暖活动\n"
            f"连日来，{name}班子成员分头走访慰问困难职工和劳动模范，送上慰问金和慰问品。"
            "此次活动共慰问困难职工85人，发放慰问金17万元。\n"
            "分享到：微信 微博\n上一篇：区总工会召开季度工作推进会\n"
        ),
        "last": (
            f"{name}{quarter_label}工作情况\n"
            f"{quarter_label}，{name}新建户外劳动者驿站5个，为1500名职工提供免费健康体检，"
            "走访慰问困难职工160人，发放慰问金32万元。\n"
        ),
        "hant": (
            f"{name}舉辦職工技能競賽\n{name}聯合區人社局舉辦職工技能競賽，共有參賽職工320人，新建職工服務中心2個。\n"
        ),
    }


def load_demo_intel(*, today=None) -> DemoIntelResult:
    result = DemoIntelResult()
    city = Organization.objects.filter(code=CITY_CODE).first()
    if city is None or Document.objects.filter(org__path__startswith=city.path, is_demo=True).exists():
        result.skipped = True
        return result
    admin = User.objects.filter(username="city_admin").first()
    wujin = Organization.objects.filter(code=WUJIN_CODE).first()
    other = (
        Organization.objects.filter(path__startswith=city.path, depth=city.depth + 1, is_demo=True)
        .exclude(pk=getattr(wujin, "pk", None))
        .order_by("path")
        .first()
    )
    district_admin = User.objects.filter(username="wujin_admin").first() or admin
    if admin is None or wujin is None or other is None:
        result.skipped = True
        return result
    current = Period.containing(today or timezone.localdate(), "quarter")
    previous = current.previous()
    plan = [
        (district_admin, wujin, current, "summary", True),
        (district_admin, wujin, current, "news", False),
        (admin, other, previous, "last", True),
        (admin, other, current, "hant", False),
    ]
    with transaction.atomic():
        for user, org, period, key, confirm in plan:
            text = _texts(org.name, period.label)[key]
            with actor(user):
                document = services.document_create(
                    user=user, org=org, year=period.year, quarter=period.index, text=text
                )
                Document.objects.filter(pk=document.pk).update(is_demo=True)
                result.documents += 1
                if confirm:
                    decisions = [{"fact": f.pk, "action": "confirm"} for f in document.facts.all()]
                    outcome = services.facts_review(user=user, document=document, decisions=decisions)
                    result.confirmed += outcome.confirmed
    return result
