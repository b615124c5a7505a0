from django.conf import settings
from django.core.management.base import BaseCommand

from comments.services import purge_personal_data


class Command(BaseCommand):
    help = (
        "Deletes guest emails and address hashes from comments older than the retention period "
        "(COMMENTS_RETENTION_DAYS, 90 days by default). Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Retention in days (default: {settings.COMMENTS_RETENTION_DAYS}).",
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < 0:
            self.stderr.write("--days cannot be negative.")
            return
        purged = purge_personal_data(days=days)
        summary = ", ".join(f"{count} {what}" for what, count in purged.items())
        self.stdout.write(f"Purged: {summary}.")
