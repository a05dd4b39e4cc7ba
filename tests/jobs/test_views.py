"""下载中心 pages: own jobs only, polling while unfinished, downloads for the requester only."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from gonghui.accounts.models import Role
from gonghui.core.models import OperationLog
from gonghui.core.querysets import DataScope
from gonghui.jobs import services
from gonghui.jobs.models import Job, JobStatus
from tests.jobs.utils import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

POLL = 'hx-trigger="every 2s"'


def submit(user, title="武进的任务", kind="tests.echo"):
    return services.job_submit(user=user, kind=kind, title=title, params={})


@pytest.fixture
def done(world):
    job = submit(world.wujin_admin, "武进的导出")
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    return job


def grant_job_view(user, scope=DataScope.OWN_ORG_AND_BELOW):
    role = Role.objects.create(code=f"jobs_{user.username}", name=f"任务查看{user.pk}", data_scope=scope)
    role.permissions.add(Permission.objects.get(codename="view_job", content_type__app_label="jobs"))
    user.roles.add(role)


@pytest.mark.parametrize("name", ["job_detail", "job_progress", "job_download", "job_cancel", "job_delete"])
def test_anonymous_users_are_sent_to_login(client, done, name):
    response = client.get(reverse(f"jobs:{name}", args=[done.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_anonymous_list_is_sent_to_login(client, world):
    response = client.get(reverse("jobs:job_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_owner_downloads_the_result_and_the_download_is_logged(login, world, done):
    response = login(world.wujin_admin).get(reverse("jobs:job_download", args=[done.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == "结果".encode()
    assert quote("结果.txt") in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    log = OperationLog.objects.get(view_name="jobs:job_download")
    assert log.summary == "下载任务结果「结果.txt」" and log.user == world.wujin_admin


@pytest.mark.parametrize("other", ["tianning_admin", "city_admin", "chair", "nobody"])
def test_other_users_get_404_for_every_page_of_a_job(login, world, done, other):
    client = login(getattr(world, other))
    for name in ("job_detail", "job_progress", "job_download", "job_cancel", "job_delete"):
        assert client.get(reverse(f"jobs:{name}", args=[done.pk])).status_code == 404, name
    assert client.post(reverse("jobs:job_delete", args=[done.pk])).status_code == 404
    assert Job.objects.filter(pk=done.pk).exists()


def test_an_administrator_sees_the_scope_s_jobs_but_cannot_download_them(login, world, done):
    theirs = submit(world.tianning_admin, "天宁的导出")
    run_worker()
    grant_job_view(world.city_admin)
    client = login(world.city_admin)
    body = client.get(reverse("jobs:job_list") + "?tab=scope").content.decode()
    assert "武进的导出" in body and "天宁的导出" in body and "数据范围内的任务" in body
    detail = client.get(reverse("jobs:job_detail", args=[theirs.pk]))
    assert detail.status_code == 200 and "仅提交人可下载" in detail.content.decode()
    assert reverse("jobs:job_download", args=[theirs.pk]) not in detail.content.decode()
    assert client.get(reverse("jobs:job_download", args=[theirs.pk])).status_code == 404
    # a unit's administrator sees only the unit's subtree
    grant_job_view(world.wujin_admin)
    body = login(world.wujin_admin).get(reverse("jobs:job_list") + "?tab=scope").content.decode()
    assert "武进的导出" in body and "天宁的导出" not in body
    assert login(world.wujin_admin).get(reverse("jobs:job_detail", args=[theirs.pk])).status_code == 404


def test_the_download_centre_lists_only_the_user_s_own_jobs(login, world, done):
    submit(world.tianning_admin, "天宁的导出")
    submit(world.city_admin, "全市的导出")
    response = login(world.wujin_admin).get(reverse("jobs:job_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "武进的导出" in body and "天宁的导出" not in body and "全市的导出" not in body
    assert reverse("jobs:job_download", args=[done.pk]) in body
    assert "数据范围内的任务" not in body  # no scope tab without jobs.view_job
    scope = login(world.wujin_admin).get(reverse("jobs:job_list") + "?tab=scope").content.decode()
    assert "全市的导出" not in scope  # the tab parameter alone grants nothing


def test_a_user_without_any_role_has_a_download_centre(login, world):
    submit(world.nobody, "我的任务")
    body = login(world.nobody).get(reverse("jobs:job_list")).content.decode()
    assert "我的任务" in body
    assert "下载中心" in login(world.nobody).get(reverse("home")).content.decode()  # the menu item


def test_the_list_is_newest_first_and_paginated(login, world):
    for number in range(23):
        submit(world.wujin_admin, f"任务{number:02d}")
    client = login(world.wujin_admin)
    first = client.get(reverse("jobs:job_list")).content.decode()
    assert "任务22" in first and "任务03" in first and "任务02" not in first
    assert first.index("任务22") < first.index("任务21")
    second = client.get(reverse("jobs:job_list") + "?page=2").content.decode()
    assert "任务02" in second and "任务00" in second and "任务22" not in second


def test_unfinished_rows_poll_and_finished_rows_do_not(login, world, done):
    waiting = submit(world.wujin_admin, "排队的任务")
    client = login(world.wujin_admin)
    body = client.get(reverse("jobs:job_list")).content.decode()
    row_url = reverse("jobs:job_progress", args=[waiting.pk]) + "?row=1"
    assert f'<tr id="job-row-{waiting.pk}" hx-get="{row_url}" {POLL}' in body
    assert f'<tr id="job-row-{done.pk}">' in body
    fragment = client.get(row_url).content.decode()
    assert fragment.startswith(f'<tr id="job-row-{waiting.pk}"') and POLL in fragment and "排队中" in fragment
    run_worker()
    fragment = client.get(row_url).content.decode()
    assert POLL not in fragment and "已完成" in fragment
    assert reverse("jobs:job_download", args=[waiting.pk]) in fragment


def test_the_progress_snippet_polls_until_the_job_finishes(login, world):
    job = submit(world.wujin_admin, "导出会员")
    client = login(world.wujin_admin)
    url = reverse("jobs:job_progress", args=[job.pk])
    card = client.get(url).content.decode()
    assert f'id="job-progress-{job.pk}"' in card and f'hx-get="{url}"' in card and POLL in card
    assert "<progress" in card
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress_done=25, progress_total=100)
    card = client.get(url).content.decode()
    assert 'value="25"' in card and "25 / 100（25%）" in card and POLL in card
    run_job_to_failure = Job.objects.filter(pk=job.pk)
    run_job_to_failure.update(status=JobStatus.FAILED, error="第 3 行出错，请改正后重新导入。")
    card = client.get(url).content.decode()
    assert POLL not in card and "第 3 行出错" in card and "<progress" not in card
    detail = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert f'id="job-progress-{job.pk}"' in detail  # the detail page includes the same snippet


def test_the_detail_page_shows_the_summary_with_labels(login, world, done):
    body = login(world.wujin_admin).get(reverse("jobs:job_detail", args=[done.pk])).content.decode()
    assert "可见组织数" in body and "看到 3 个组织。" in body
    assert "params" not in body  # only labelled summary items are shown


def test_a_failed_job_has_nothing_to_download(login, world):
    job = submit(world.wujin_admin, kind="tests.invalid")
    run_worker()
    client = login(world.wujin_admin)
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404
    assert "身份证号" in client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()


def test_deleting_a_job_asks_first_and_removes_its_file(login, world, done):
    from pathlib import Path

    path = Path(done.result_file.path)
    client = login(world.wujin_admin)
    url = reverse("jobs:job_delete", args=[done.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "及其结果文件" in confirm.content.decode()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_list")
    assert not Job.objects.filter(pk=done.pk).exists()
    assert not path.exists()


def test_an_unfinished_job_cannot_be_deleted_but_can_be_cancelled(login, world):
    job = submit(world.wujin_admin, "排队的任务")
    client = login(world.wujin_admin)
    response = client.post(reverse("jobs:job_delete", args=[job.pk]), follow=True)
    assert "不能删除" in response.content.decode()
    assert Job.objects.filter(pk=job.pk).exists()
    assert client.get(reverse("jobs:job_cancel", args=[job.pk])).status_code == 200
    client.post(reverse("jobs:job_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_submitting_an_org_export_from_the_list_filters(login, world):
    client = login(world.wujin_admin)
    response = client.post(reverse("jobs:orgs_export") + "?q=湖塘&org_type=&page=3")
    job = Job.objects.get(requested_by=world.wujin_admin)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.kind == "orgs.export" and job.params == {"filters": {"q": "湖塘"}}
    assert client.get(reverse("jobs:orgs_export")).status_code == 405


def test_submitting_an_org_export_needs_the_export_permission(login, world):
    assert login(world.chair).post(reverse("jobs:orgs_export")).status_code == 403
    assert not Job.objects.exists()
