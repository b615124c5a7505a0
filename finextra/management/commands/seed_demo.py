import sys

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import autodiscover_modules


class Command(BaseCommand):
    help = (
        "Adds the demo content: each app's demo.py seed(), in app order. Safe to run again. "
        "It resets the demo accounts' passwords: it runs only with DJANGO_DEBUG on, or --demo."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Run with debug off too: this database is a demo, not the newsroom's.",
        )

    def handle(self, *args, **options):
        if not (settings.DEBUG or settings.DEMO_CONTENT_ALLOWED or options["demo"]):
            raise CommandError(
                "seed_demo adds demo accounts with a known password and resets theirs: it runs "
                "only with DJANGO_DEBUG=1, or with --demo on a database that is a demo."
            )
        autodiscover_modules("demo")
        with transaction.atomic():
            for app in apps.get_app_configs():
                module = sys.modules.get(f"{app.name}.demo")
                if module is not None:
                    module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
