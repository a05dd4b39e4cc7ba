from django.core.management.base import BaseCommand

from gonghui.jobs.services import job_recover


class Command(BaseCommand):
    help = (
        "Re-queue running jobs whose worker died (heartbeat older than --stale-seconds), or fail them after "
        "JOB_MAX_ATTEMPTS runs; re-enqueue queued jobs whose queue task was lost. Every jobs_worker also does this."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stale-seconds", type=float, default=None, help="default: JOB_STALE_SECONDS")
        parser.add_argument("--max-attempts", type=int, default=None, help="default: JOB_MAX_ATTEMPTS")

    def handle(self, *args, stale_seconds, max_attempts, **options):
        report = job_recover(stale_seconds=stale_seconds, max_attempts=max_attempts)
        self.stdout.write(
            f"re-queued {len(report['requeued'])}, failed {len(report['failed'])}, "
            f"re-enqueued {len(report['reenqueued'])}"
        )
