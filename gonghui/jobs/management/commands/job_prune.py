from django.core.management.base import BaseCommand, CommandError

from gonghui.jobs.services import job_prune


class Command(BaseCommand):
    help = "Delete finished jobs older than --days, with their result files (run daily from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        self.stdout.write(f"deleted {job_prune(days=days)} finished jobs older than {days} days")
