"""orgs.export: the organisation list as a background job, in the requester's scope, with the list's filters."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.jobs import services
from gonghui.jobs.models import JobStatus
from tests.jobs.utils import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def export(user, filters=None):
    job = services.job_submit(
        user=user, kind="orgs.export", title="导出工会组织列表", params={"filters": filters or {}}
    )
    run_worker()
    job.refresh_from_db()
    return job


def sheet(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def names(job) -> set[str]:
    with job.result_file.open("rb") as handle:
        rows = sheet(handle.read())
    assert rows[0][0] == "组织名称"
    return {row[0] for row in rows[1:]}


def test_the_export_holds_only_the_requester_s_subtree(world):
    job = export(world.wujin_admin)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert names(job) == {"武进区总工会", "湖塘镇工会", "武进甲公司工会"}
    assert job.result_summary == {"rows": 3}
    assert job.message == "已导出 3 个工会组织。"
    assert job.result_name.startswith("工会组织_") and job.result_name.endswith(".xlsx")
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert len(names(export(world.city_admin))) == 7


def test_the_export_applies_the_list_filters(world):
    assert names(export(world.city_admin, {"q": "湖塘"})) == {"湖塘镇工会"}
    assert names(export(world.city_admin, {"within": world.tianning.pk})) == {
        "天宁区总工会",
        "茶山街道工会",
        "天宁乙公司工会",
    }
    # a unit outside the requester's scope filters to nothing rather than widening it
    assert names(export(world.wujin_admin, {"within": world.tianning.pk})) == set()


def test_the_job_export_equals_the_list_page_export(world, client):
    client.force_login(world.wujin_admin)
    page = client.get(reverse("orgs:org_list") + "?q=工会&export=xlsx")
    job = export(world.wujin_admin, {"q": "工会"})
    with job.result_file.open("rb") as handle:
        assert sheet(handle.read()) == sheet(page.content)


def test_bad_filters_fail_with_a_chinese_message(world):
    job = export(world.wujin_admin, {"org_type": "no-such-type"})
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("筛选条件有误：「组织类型」")
    assert job.error.endswith("请在工会组织列表重新设置筛选条件后再导出。")


def test_a_user_who_lost_the_export_permission_gets_no_file(world):
    job = services.job_submit(user=world.wujin_admin, kind="orgs.export", title="导出", params={})
    world.wujin_admin.roles.clear()
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "没有导出工会组织的权限" in job.error
    assert not job.result_file
