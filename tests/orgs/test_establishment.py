"""建会 cases: the workflow end to end, its validation, overdue list, leads, and the new union in the tree."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import ChangeLog
from gonghui.orgs import selectors_establishment as selectors
from gonghui.orgs import services_establishment as services
from gonghui.orgs.models import Employer, Organization, OrgType
from gonghui.orgs.models_establishment import (
    CommitteeMember,
    EstablishmentCase,
    EstablishmentState,
    LeadSource,
    ReElection,
)
from tests.world import make_employer

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="申请书.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def open_case(world, *, employers=None, user=None, applied_on=None, **extra) -> EstablishmentCase:
    if employers is None:
        employer = Employer.objects.filter(name="湖塘新材料公司").first()
        employers = [employer or make_employer(world.hutang, 50, name="湖塘新材料公司")]
    data = {
        "union_name": "湖塘新材料公司工会委员会",
        "union_type": "grassroots",
        "union_code": "T320412001050",
        "applicant_name": "张建国",
        "applied_on": applied_on or TODAY - datetime.timedelta(days=10),
        "lead_source": LeadSource.SIZE_BAND,
        **extra,
    }
    return services.establishment_create(
        user=user or world.wujin_admin, parent=world.hutang, employers=employers, data=data, files=[pdf()]
    )


def run_to_the_end(world, case, user=None, members=80):
    user = user or world.wujin_admin
    day = TODAY - datetime.timedelta(days=8)
    case = services.establishment_advance(user=user, case=case, acted_on=day, note="同意筹建")
    case = services.establishment_advance(
        user=user, case=case, acted_on=day + datetime.timedelta(days=3), data={"member_count": members}
    )
    case = services.establishment_advance(
        user=user,
        case=case,
        acted_on=day + datetime.timedelta(days=4),
        data={"chair_name": "王海燕", "vice_chairs": "李强、赵敏", "committee": "陈一，周二 吴三"},
        files=[pdf("选举结果报告.pdf")],
    )
    return services.establishment_advance(user=user, case=case, acted_on=TODAY, note="同意成立")


def test_full_workflow_creates_union_in_one_transaction(world):
    case = open_case(world)
    assert case.number.startswith(f"JH{case.applied_on:%Y}")
    assert case.state == EstablishmentState.APPLIED
    assert case.deadline == case.applied_on + datetime.timedelta(days=15)
    assert case.worker_count == 120  # from the employer
    case = run_to_the_end(world, case)
    assert case.state == EstablishmentState.ESTABLISHED
    union = case.created_union
    assert union.name == "湖塘新材料公司工会委员会" and union.code == "T320412001050"
    assert union.org_type == OrgType.GRASSROOTS and union.chair_name == "王海燕"
    assert Organization.objects.get_parent(union).pk == world.hutang.pk
    assert union.founded_on == TODAY
    assert union.term_end == services.add_years(TODAY - datetime.timedelta(days=4), 5)
    employer = Employer.objects.get(name="湖塘新材料公司")
    assert employer.union_id == union.pk and employer.org_id == union.pk
    roles = list(CommitteeMember.objects.filter(org=union).values_list("name", "role"))
    assert roles == [
        ("王海燕", "chair"),
        ("李强", "vice_chair"),
        ("赵敏", "vice_chair"),
        ("陈一", "member"),
        ("周二", "member"),
        ("吴三", "member"),
    ]
    assert ReElection.objects.get(org=union).status == "approved"
    assert [s.kind for s in case.steps.all()] == [
        "application",
        "preparation_approval",
        "assembly",
        "election",
        "final_approval",
    ]
    assert case.documents.count() == 2
    assert ChangeLog.objects.filter(object_repr=union.name, action="create").exists()
    # The new union is visible in the tree for the county, not for the other county.
    assert Organization.objects.restrict(world.wujin_admin).filter(pk=union.pk).exists()
    assert not Organization.objects.restrict(world.tianning_admin).filter(pk=union.pk).exists()


def test_final_approval_rolls_back_when_the_code_is_taken(world):
    case = open_case(world)
    user = world.wujin_admin
    day = TODAY - datetime.timedelta(days=5)
    case = services.establishment_advance(user=user, case=case, acted_on=day)
    case = services.establishment_advance(user=user, case=case, acted_on=day, data={"member_count": 10})
    case = services.establishment_advance(user=user, case=case, acted_on=day, data={"chair_name": "王海燕"})
    Organization.objects.filter(pk=world.wujin_union.pk).update(code="T320412001050")
    with pytest.raises(ValidationError, match="组织编码"):
        services.establishment_advance(user=user, case=case, acted_on=TODAY)
    case.refresh_from_db()
    assert case.state == EstablishmentState.ELECTED and case.created_union is None
    assert case.steps.count() == 4
    assert Employer.objects.get(name="湖塘新材料公司").union_id is None


def test_validation_messages(world):
    with pytest.raises(ValidationError, match="联合基层工会须由两个及以上"):
        open_case(world, union_type="joint")
    with pytest.raises(ValidationError, match="已经建有工会"):
        open_case(world, employers=[world.wujin_employer])
    with pytest.raises(ValidationError, match="已被使用"):
        open_case(world, union_code=world.wujin_union.code)
    case = open_case(world)
    with pytest.raises(ValidationError, match="已有正在办理的建会案卷"):
        open_case(world, employers=list(case.employers.all()), union_code="X1")
    case = services.establishment_advance(user=world.wujin_admin, case=case, acted_on=TODAY)
    with pytest.raises(ValidationError, match="会员人数"):
        services.establishment_advance(user=world.wujin_admin, case=case, acted_on=TODAY, data={})
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.establishment_advance(
            user=world.wujin_admin, case=case, acted_on=TODAY + datetime.timedelta(days=1), data={"member_count": 3}
        )


def test_joint_union_for_small_employers(world):
    shops = [make_employer(world.hutang, 60 + n, name=f"湖塘小店{n}", staff_count=8, women_count=3) for n in range(3)]
    case = open_case(world, employers=shops, union_type="joint", union_name="湖塘商业街联合工会")
    assert case.worker_count == 24
    case = run_to_the_end(world, case, members=20)
    assert case.created_union.org_type == OrgType.JOINT
    assert Employer.objects.filter(union=case.created_union).count() == 3


def test_return_resubmit_and_reject(world):
    case = open_case(world)
    with pytest.raises(ValidationError, match="退回原因"):
        services.establishment_return(user=world.wujin_admin, case=case, acted_on=TODAY, reason=" ")
    case = services.establishment_return(user=world.wujin_admin, case=case, acted_on=TODAY, reason="缺少职工名册")
    assert case.state == EstablishmentState.RETURNED
    assert case.deadline == TODAY + datetime.timedelta(days=30)
    case = services.establishment_resubmit(user=world.wujin_admin, case=case, acted_on=TODAY, note="已补")
    assert case.state == EstablishmentState.APPLIED
    case = services.establishment_reject(user=world.wujin_admin, case=case, acted_on=TODAY, reason="单位已注销")
    assert case.state == EstablishmentState.REJECTED and not case.is_open
    with pytest.raises(ValidationError):
        services.establishment_advance(user=world.wujin_admin, case=case, acted_on=TODAY)


def test_parent_must_be_in_scope(world):
    employer = make_employer(world.chashan, 70, name="茶山新公司")
    with pytest.raises(PermissionDenied):
        services.establishment_create(
            user=world.wujin_admin,
            parent=world.chashan,
            employers=[employer],
            data={"union_name": "x", "union_code": "X", "applicant_name": "a", "applied_on": TODAY},
        )
    assert not EstablishmentCase.objects.exists()


def test_other_county_cannot_act(world):
    case = open_case(world)
    with pytest.raises(PermissionDenied):
        services.establishment_advance(user=world.tianning_admin, case=case, acted_on=TODAY)
    with pytest.raises(PermissionDenied):
        services.establishment_reject(user=world.tianning_admin, case=case, acted_on=TODAY, reason="x")


def test_bad_document_is_refused(world):
    employer = make_employer(world.hutang, 51, name="湖塘某厂")
    with pytest.raises(ValidationError, match="类型不支持"):
        services.establishment_create(
            user=world.wujin_admin,
            parent=world.hutang,
            employers=[employer],
            data={"union_name": "x", "union_code": "X9", "applicant_name": "a", "applied_on": TODAY},
            files=[SimpleUploadedFile("run.exe", b"MZ")],
        )
    assert not EstablishmentCase.objects.exists()


@override_settings(ESTABLISHMENT_STEP_DAYS={"applied": 3})
def test_overdue_list_for_parent_and_ancestors(world):
    case = open_case(world, applied_on=TODAY - datetime.timedelta(days=10))
    assert case.deadline == TODAY - datetime.timedelta(days=7)
    assert case.days_overdue() == 7
    assert list(selectors.overdue_cases(world.wujin_admin)) == [case]
    assert list(selectors.overdue_cases(world.city_admin)) == [case]
    assert list(selectors.overdue_cases(world.tianning_admin)) == []


def test_leads_size_band_and_join_cluster(world):
    from gonghui.members import join

    big = make_employer(world.hutang, 80, name="湖塘大厂", staff_count=300)
    middle = make_employer(world.hutang, 81, name="湖塘中厂", staff_count=40)
    make_employer(world.hutang, 82, name="湖塘小厂", staff_count=10)
    make_employer(world.chashan, 83, name="茶山大厂", staff_count=500)
    for serial in (1, 2, 3):
        join.join_application_submit(
            org=world.wujin_union,
            data={
                "name": "李小明",
                "id_number": _id(serial),
                "phone": "13912345678",
                "employer_name": "湖塘小厂",
                "employment_category": "new_employment",
                "new_employment_type": "courier",
                "consent": True,
            },
        )
    leads = selectors.leads_for(world.wujin_admin)
    names = [(lead.source, lead.employer_name) for lead in leads]
    assert (LeadSource.JOIN_CLUSTER, "湖塘小厂") in names
    assert (LeadSource.SIZE_BAND, "湖塘大厂") in names and (LeadSource.SIZE_BAND, "湖塘中厂") in names
    assert "茶山大厂" not in [n for _s, n in names]
    assert [lead.employer_name for lead in selectors.leads_for(world.wujin_admin, band="100")] == ["湖塘大厂"]
    open_case(world, employers=[big], union_code="T1")
    assert "湖塘大厂" not in [lead.employer_name for lead in selectors.leads_for(world.wujin_admin)]
    assert middle.pk in [lead.employer.pk for lead in selectors.leads_for(world.wujin_admin, band="25")]


def _id(serial: int) -> str:
    from tests.members.helpers import id_number

    return id_number(serial)


# --- pages ---------------------------------------------------------------------------------------------


def test_pages_render_and_workflow_through_forms(client, login, world):
    employer = make_employer(world.hutang, 90, name="湖塘精工", staff_count=150)
    login(world.wujin_admin)
    leads = client.get(reverse("orgs:establishment_leads"))
    assert leads.status_code == 200 and "湖塘精工" in leads.content.decode()
    add_url = reverse("orgs:establishment_add") + f"?employer={employer.pk}&source=size_band"
    page = client.get(add_url)
    assert page.status_code == 200 and "湖塘精工工会委员会" in page.content.decode()
    response = client.post(
        add_url,
        {
            "org": world.hutang.pk,
            "employers": [employer.pk],
            "union_name": "湖塘精工工会委员会",
            "union_type": "grassroots",
            "union_code": "T320412001090",
            "lead_source": "size_band",
            "applicant_name": "张三",
            "applied_on": TODAY.isoformat(),
            "term_years": "5",
            "files": [pdf()],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = EstablishmentCase.objects.get(union_code="T320412001090")
    step_url = reverse("orgs:establishment_step", args=[case.pk])
    assert client.post(step_url, {"acted_on": TODAY.isoformat()}).status_code == 302
    bad = client.post(step_url, {"acted_on": TODAY.isoformat()})
    assert bad.status_code == 422 and "会员人数" in bad.content.decode()
    assert client.post(step_url, {"acted_on": TODAY.isoformat(), "member_count": "30"}).status_code == 302
    assert client.post(step_url, {"acted_on": TODAY.isoformat(), "chair_name": "刘洋"}).status_code == 302
    assert client.post(step_url, {"acted_on": TODAY.isoformat()}).status_code == 302
    case.refresh_from_db()
    assert case.state == EstablishmentState.ESTABLISHED
    detail = client.get(case.get_absolute_url()).content.decode()
    assert "已批复成立" in detail and case.created_union.name in detail
    assert client.get(reverse("orgs:establishment_list")).status_code == 200
    export = client.get(reverse("orgs:establishment_list") + "?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    leads_export = client.get(reverse("orgs:establishment_leads") + "?export=xlsx")
    assert leads_export["Content-Type"].startswith("application/vnd.openxmlformats")
    document = case.documents.first()
    download = client.get(reverse("orgs:establishment_document_download", args=[document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_return_and_reject_ask_for_confirmation(client, login, world):
    case = open_case(world)
    login(world.wujin_admin)
    url = reverse("orgs:establishment_return", args=[case.pk])
    page = client.get(url).content.decode()
    assert "确定把" in page and "确认退回" in page
    assert client.post(url, {"acted_on": TODAY.isoformat(), "reason": ""}).status_code == 422
    assert client.post(url, {"acted_on": TODAY.isoformat(), "reason": "补材料"}).status_code == 302
    case.refresh_from_db()
    assert case.state == EstablishmentState.RETURNED
    delete_url = reverse("orgs:establishment_delete", args=[case.pk])
    assert "删除后不能恢复" in client.get(delete_url).content.decode()
    assert client.post(delete_url).status_code == 302
    assert not EstablishmentCase.objects.filter(pk=case.pk).exists()


def test_case_pages_are_404_for_another_subtree(client, login, world):
    case = open_case(world)
    document = case.documents.first()
    login(world.tianning_admin)
    for name in (
        "establishment_detail",
        "establishment_return",
        "establishment_reject",
        "establishment_delete",
    ):
        assert client.get(reverse(f"orgs:{name}", args=[case.pk])).status_code == 404, name
    for name in ("establishment_step", "establishment_documents", "establishment_return", "establishment_reject"):
        assert client.post(reverse(f"orgs:{name}", args=[case.pk]), {"acted_on": TODAY}).status_code == 404, name
    assert client.get(reverse("orgs:establishment_document_download", args=[document.pk])).status_code == 404
    for name in ("establishment_list", "establishment_overdue", "establishment_leads"):
        html = client.get(reverse(f"orgs:{name}")).content.decode()
        assert case.union_name not in html and "湖塘新材料公司" not in html, name
    form = client.get(reverse("orgs:establishment_add")).content.decode()
    assert "湖塘镇工会" not in form and "湖塘新材料公司" not in form
    assert "茶山街道工会" in form
    other = make_employer(world.hutang, 52, name="湖塘另一厂")
    response = client.post(
        reverse("orgs:establishment_add"),
        {
            "org": world.hutang.pk,
            "employers": [other.pk],
            "union_name": "越权工会",
            "union_type": "grassroots",
            "union_code": "XX1",
            "lead_source": "manual",
            "applicant_name": "某",
            "applied_on": TODAY.isoformat(),
            "term_years": "5",
        },
    )
    assert response.status_code == 200 and not EstablishmentCase.objects.filter(union_name="越权工会").exists()
    case.refresh_from_db()
    assert case.state == EstablishmentState.APPLIED


def test_case_pages_forbidden_without_permission(client, login, world):
    login(world.nobody)
    for name in ("establishment_list", "establishment_overdue", "establishment_leads", "establishment_add"):
        assert client.get(reverse(f"orgs:{name}")).status_code == 403, name


# --- API -----------------------------------------------------------------------------------------------


def test_api_workflow_and_scope(client, login, world):
    employer = make_employer(world.hutang, 91, name="湖塘API厂")
    login(world.wujin_admin)
    payload = {
        "org_id": world.hutang.pk,
        "employer_ids": [employer.pk],
        "union_name": "湖塘API厂工会",
        "union_code": "T320412001091",
        "applicant_name": "张三",
        "applied_on": TODAY.isoformat(),
    }
    created = client.post("/api/establishments", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    advance = f"/api/establishments/{pk}/advance"
    assert client.post(advance, {"acted_on": TODAY.isoformat()}, content_type="application/json").status_code == 200
    missing = client.post(advance, {"acted_on": TODAY.isoformat()}, content_type="application/json")
    assert missing.status_code == 422 and "会员人数" in missing.json()["detail"]
    body = {"acted_on": TODAY.isoformat(), "member_count": 5}
    assert client.post(advance, body, content_type="application/json").status_code == 200
    body = {"acted_on": TODAY.isoformat(), "chair_name": "钱七", "committee": "甲、乙"}
    assert client.post(advance, body, content_type="application/json").status_code == 200
    done = client.post(advance, {"acted_on": TODAY.isoformat()}, content_type="application/json").json()
    assert done["state"] == "established" and done["created_union_id"]
    assert client.get(f"/api/orgs/{done['created_union_id']}").json()["chair_name"] == "钱七"
    assert client.get("/api/establishments").json()["count"] == 1
    assert client.get("/api/establishments/leads").status_code == 200
    assert client.get("/api/establishments/overdue").status_code == 200

    login(world.tianning_admin)
    assert client.get(f"/api/establishments/{pk}").status_code == 404
    for action in ("advance", "return", "reject"):
        body = {"acted_on": TODAY.isoformat(), "reason": "x"}
        response = client.post(f"/api/establishments/{pk}/{action}", body, content_type="application/json")
        assert response.status_code == 404, action
    assert client.get("/api/establishments").json()["count"] == 0
    assert client.get("/api/establishments/overdue").json()["count"] == 0
    names = [lead["employer_name"] for lead in client.get("/api/establishments/leads").json()["items"]]
    assert "湖塘API厂" not in names
    payload["org_id"] = world.hutang.pk
    payload["union_code"] = "OTHER"
    assert client.post("/api/establishments", payload, content_type="application/json").status_code == 422
