import sys

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import autodiscover_modules


class Command(BaseCommand):
    help = "Adds the demo content: each app's demo.py seed(), in app order. Safe to run again."

    def handle(self, *args, **options):
        autodiscover_modules("demo")
        with transaction.atomic():
            for app in apps.get_app_configs():
                module = sys.modules.get(f"{app.name}.demo")
                if module is not None:
                    module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
