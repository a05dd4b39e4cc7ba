"""The persisted job record behind every background job and the download centre (下载中心)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import ScopedModel


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"
    CANCELLED = "cancelled", "已取消"


FINISHED_STATUSES = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


def result_upload_to(job: Job, filename: str) -> str:
    # The name on disk is not guessable and carries no personal data; users download
    # under ``result_name`` through the ownership-checking view, never from MEDIA_URL.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"jobs/{timezone.now():%Y/%m}/{job.pk}-{uuid.uuid4().hex}.{suffix[:8]}"


class Job(ScopedModel):
    """One background job: what was asked (kind, params), how far it got, and its result.

    ``params`` holds ids and options only, never personal data: the worker re-reads the data
    itself as the requesting user. ``message`` and ``error`` are Chinese lines shown to the
    user and must not contain personal data either.
    """

    scope_owner_field = "requested_by"
    # result_file: the change log cannot serialise a FieldFile (core.changelog._plain); the name is not news.
    changelog_exclude = ("progress_done", "progress_total", "heartbeat_at", "result_file")

    kind = models.CharField("任务类型", max_length=60, db_index=True)
    title = models.CharField("任务名称", max_length=200)
    status = models.CharField("状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveBigIntegerField("已处理", default=0)
    progress_total = models.PositiveBigIntegerField("总数", default=0)
    message = models.CharField("进度说明", max_length=300, blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    result_file = models.FileField("结果文件", upload_to=result_upload_to, max_length=300, blank=True)
    result_name = models.CharField("结果文件名", max_length=200, blank=True)
    result_summary = models.JSONField("结果摘要", default=dict, blank=True)
    error = models.TextField("失败原因", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="jobs",
        verbose_name="提交人",
    )
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    cancel_requested = models.BooleanField("已请求取消", default=False)
    task_result_id = models.CharField("队列任务编号", max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "后台任务"
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="jobs_job_owner_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="jobs_job_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:job_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def percent(self) -> int | None:
        """Whole percent done, or None while the total is not known (an indeterminate bar)."""
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.progress_total:
            return None
        return min(100, int(self.progress_done * 100 / self.progress_total))

    @property
    def tag_class(self) -> str:
        """CSS classes of the status tag (app.css colours; jobs.css adds red for failures)."""
        colour = {JobStatus.QUEUED: "preparing", JobStatus.RUNNING: "preparing", JobStatus.SUCCEEDED: "active"}
        return f"tag job-{self.status} {colour.get(self.status, '')}".strip()

    @property
    def has_file(self) -> bool:
        return self.status == JobStatus.SUCCEEDED and bool(self.result_file)

    @property
    def duration_text(self) -> str:
        """How long the last run took, in Chinese ("2 分 5 秒"); empty while unfinished."""
        if not (self.started_at and self.finished_at):
            return ""
        seconds = max(0, round((self.finished_at - self.started_at).total_seconds()))
        minutes, seconds = divmod(seconds, 60)
        hours, minutes = divmod(minutes, 60)
        parts = [f"{hours} 小时" if hours else "", f"{minutes} 分" if minutes else "", f"{seconds} 秒"]
        return " ".join(part for part in parts if part)
