"""The job framework: submit, run as the requesting user, fail clearly, cancel, recover, delete."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gonghui.jobs import services
from gonghui.jobs.models import Job, JobStatus
from tests.jobs.utils import run_worker
from tests.world import make_user

# The worker closes its connection between tasks (close_old_connections), which ends a test
# transaction on PostgreSQL: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def submit(user, kind="tests.echo", params=None, title="测试任务"):
    return services.job_submit(user=user, kind=kind, title=title, params=params or {})


def test_submit_records_the_job_and_queues_only_its_id(world):
    job = submit(world.wujin_admin, params={"org": world.hutang.pk, "mode": "valid-only"})
    assert job.status == JobStatus.QUEUED
    assert job.requested_by == world.wujin_admin and job.created_by == world.wujin_admin
    assert job.org == world.wujin  # the user's unit at request time
    task = DBTaskResult.objects.get(id=job.task_result_id)
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}
    assert task.task_path == "gonghui.jobs.tasks.run_job"
    assert task.status == "READY"


def test_the_worker_runs_the_job_as_the_requesting_user(world, media_root):
    mine = submit(world.wujin_admin, params={"filters": {"q": "x"}})
    theirs = submit(world.chair)
    run_worker()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == JobStatus.SUCCEEDED, mine.error
    assert mine.result_summary == {"visible_orgs": 3, "user": "wujin_admin", "params": {"filters": {"q": "x"}}}
    assert theirs.result_summary["visible_orgs"] == 1  # the chair sees only their own union
    assert mine.message == "看到 3 个组织。"
    assert (mine.progress_done, mine.progress_total, mine.attempts) == (1, 1, 1)
    assert mine.started_at and mine.finished_at and mine.finished_at >= mine.started_at
    assert mine.result_name == "结果.txt"
    path = Path(mine.result_file.path)
    assert path.is_relative_to(Path(media_root) / "jobs")
    assert path.read_bytes() == "结果".encode()
    assert "结果" not in path.name  # nothing guessable or personal in the stored name
    assert DBTaskResult.objects.get(id=mine.task_result_id).status == "SUCCESSFUL"


def test_a_handler_may_return_only_a_summary(world):
    job = submit(world.wujin_admin, kind="tests.summary")
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result_summary == {"rows": 7}
    assert not job.result_file and not job.has_file
    assert job.message == "已完成。"


def test_a_validation_error_fails_the_job_with_its_chinese_message(world):
    job = submit(world.wujin_admin, kind="tests.invalid")
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "第 3 行「身份证号」列不是有效的公民身份号码，请改正后重新导入。"
    assert job.finished_at is not None


def test_an_unexpected_error_is_logged_and_the_user_gets_a_chinese_message(world, caplog):
    job = submit(world.wujin_admin, kind="tests.crash")
    with caplog.at_level(logging.ERROR, logger="gonghui.jobs"):
        run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "系统错误" in job.error and str(job.pk) in job.error
    assert "unexpected bug" not in job.error
    records = [r for r in caplog.records if r.name == "gonghui.jobs" and r.exc_info]
    assert records and "unexpected bug" in str(records[0].exc_info[1])


def test_an_unknown_kind_cannot_be_submitted(world):
    with pytest.raises(ValueError, match="no job handler"):
        submit(world.wujin_admin, kind="tests.nothing")


def test_a_job_whose_handler_is_gone_fails_clearly(world):
    job = submit(world.wujin_admin)
    Job.objects.filter(pk=job.pk).update(kind="tests.removed")
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "任务类型未注册" in job.error


def test_a_deactivated_user_s_job_does_not_run(world):
    job = submit(world.wujin_admin)
    world.wujin_admin.is_active = False
    world.wujin_admin.save()
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "提交任务的账号已停用或删除，任务未执行。"


def test_params_are_ids_not_data(world):
    with pytest.raises(ValueError, match="not data"):
        submit(world.wujin_admin, params={"rows": ["x" * 100] * 200})


def test_a_user_without_a_unit_cannot_submit(world):
    user = make_user("no_unit", None)
    with pytest.raises(ValidationError, match="没有所属单位"):
        submit(user)


def test_a_job_never_runs_twice(world):
    from gonghui.jobs.tasks import run_job

    job = submit(world.wujin_admin)
    run_worker()
    run_job.enqueue(job.pk)  # a duplicate queue entry for the same job
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1


# --- cancel ---------------------------------------------------------------------------------


def test_cancelling_a_queued_job_stops_it_before_it_runs(world):
    job = submit(world.wujin_admin)
    services.job_cancel(user=world.wujin_admin, job=job)
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.attempts == 0 and job.finished_at


def test_only_the_requester_may_cancel_and_only_unfinished_jobs(world):
    job = submit(world.wujin_admin)
    with pytest.raises(PermissionDenied):
        services.job_cancel(user=world.city_admin, job=job)
    run_worker()
    with pytest.raises(ValidationError, match="不能再取消"):
        services.job_cancel(user=world.wujin_admin, job=job)


# --- recovery -------------------------------------------------------------------------------


def _die_while_running(job, *, minutes_ago=10, attempts=1):
    """What a worker killed mid-job leaves behind: a claimed queue task and a running job."""
    DBTaskResult.objects.filter(id=job.task_result_id).update(status="RUNNING", started_at=timezone.now())
    long_ago = timezone.now() - timedelta(minutes=minutes_ago)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=attempts, started_at=long_ago, heartbeat_at=long_ago
    )


def test_a_job_whose_worker_died_is_requeued_and_then_completes(world):
    job = submit(world.wujin_admin)
    dead_task = job.task_result_id
    _die_while_running(job)
    report = services.job_recover()
    assert report["requeued"] == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and "重新排队" in job.message
    assert job.task_result_id != dead_task
    assert DBTaskResult.objects.get(id=dead_task).status == "FAILED"
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2


def test_a_job_that_keeps_dying_is_failed_after_the_maximum_attempts(world, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    job = submit(world.wujin_admin)
    _die_while_running(job, attempts=2)
    assert services.job_recover()["failed"] == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "执行了 2 次" in job.error and str(job.pk) in job.error


def test_a_running_job_with_a_recent_heartbeat_is_left_alone(world):
    job = submit(world.wujin_admin)
    _die_while_running(job, minutes_ago=0)
    assert services.job_recover() == {"requeued": [], "failed": [], "reenqueued": []}
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_a_queued_job_whose_queue_task_was_lost_is_enqueued_again(world):
    job = submit(world.wujin_admin)
    DBTaskResult.objects.filter(id=job.task_result_id).delete()  # e.g. pruned by prune_db_task_results
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert services.job_recover()["reenqueued"] == [job.pk]
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED


def test_job_recover_command_reports_what_it_did(world):
    from io import StringIO

    from django.core.management import call_command

    job = submit(world.wujin_admin)
    _die_while_running(job)
    out = StringIO()
    call_command("job_recover", stdout=out)
    assert out.getvalue().strip() == "re-queued 1, failed 0, re-enqueued 0"


def test_a_superseded_run_cannot_overwrite_the_new_run(world):
    """A worker thought dead finishes late: its result is dropped, the new run's stands."""
    job = submit(world.wujin_admin)
    _die_while_running(job)  # run 1 stops beating
    services.job_recover()  # re-queued ...
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, attempts=2)  # ... and claimed by run 2
    assert services._finish(job, 1, JobStatus.SUCCEEDED, message="late") == "superseded"
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 2 and job.message != "late"


def test_a_consumed_input_file_is_deleted_only_once_the_job_has_succeeded(world):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("imports/roster.xlsx", ContentFile(b"12345"))
    job = submit(world.wujin_admin, kind="tests.consume_input", params={"input": name})
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result_summary == {"bytes": 5}
    assert not default_storage.exists(name)


def test_a_superseded_run_leaves_the_input_file_to_the_run_that_has_the_job(world):
    """A run that finishes after recovery gave its job away must not take the new run's input with it."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("imports/roster.xlsx", ContentFile(b"12345"))
    job = submit(world.wujin_admin, kind="tests.consume_input", params={"input": name, "superseded": True})
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.RUNNING, 2)
    assert default_storage.exists(name)


# --- delete and prune ----------------------------------------------------------------------


def test_deleting_a_finished_job_deletes_its_file(world, django_capture_on_commit_callbacks):
    job = submit(world.wujin_admin)
    run_worker()
    job.refresh_from_db()
    path = Path(job.result_file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.job_delete(user=world.wujin_admin, job=job)
    assert not Job.objects.filter(pk=job.pk).exists()
    assert not path.exists()


def test_an_unfinished_or_foreign_job_cannot_be_deleted(world):
    job = submit(world.wujin_admin)
    with pytest.raises(ValidationError, match="不能删除"):
        services.job_delete(user=world.wujin_admin, job=job)
    run_worker()
    with pytest.raises(PermissionDenied):
        services.job_delete(user=world.tianning_admin, job=job)


def test_prune_deletes_old_finished_jobs_only(world, django_capture_on_commit_callbacks):
    old, recent, waiting = submit(world.wujin_admin), submit(world.wujin_admin), submit(world.wujin_admin)
    services.job_cancel(user=world.wujin_admin, job=waiting)
    run_worker()
    Job.objects.filter(pk__in=[old.pk]).update(finished_at=timezone.now() - timedelta(days=40))
    old.refresh_from_db()
    path = Path(old.result_file.path)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.job_prune(days=30) == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not path.exists()
