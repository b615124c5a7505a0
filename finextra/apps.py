from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FinextraConfig(AppConfig):
    name = "finextra"
    verbose_name = "Newsroom"

    def ready(self):
        from .roles import sync_roles

        post_migrate.connect(sync_roles, dispatch_uid="finextra.sync_roles")
