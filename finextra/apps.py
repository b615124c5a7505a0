from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FinextraConfig(AppConfig):
    name = "finextra"
    verbose_name = "Newsroom"

    def ready(self):
        from django.contrib.flatpages.models import FlatPage
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401  (registers the production profile's checks)
        from .edge import flatpages_purge
        from .pages import sync_site
        from .roles import EDITOR, PUBLISHER, grant, sync_roles

        post_migrate.connect(sync_roles, dispatch_uid="finextra.sync_roles")
        post_migrate.connect(sync_site, dispatch_uid="finextra.sync_site")
        # A signal: flat pages are django.contrib's model, saved by its admin and commands, and
        # their pages are ours (finextra/pages.py) to purge.
        post_save.connect(flatpages_purge, sender=FlatPage, dispatch_uid="finextra.edge.pages")
        post_delete.connect(flatpages_purge, sender=FlatPage, dispatch_uid="finextra.edge.pages.d")
        # The site's own pages (about, privacy, ...): editors and publishers keep them up to date.
        page_perms = ("flatpages.view_flatpage", "flatpages.change_flatpage")
        grant(EDITOR, *page_perms)
        grant(PUBLISHER, *page_perms)
        # Old addresses and where they lead (django.contrib.redirects, loop-checked).
        redirect_perms = (
            "redirects.view_redirect",
            "redirects.add_redirect",
            "redirects.change_redirect",
            "redirects.delete_redirect",
        )
        grant(EDITOR, *redirect_perms)
        grant(PUBLISHER, *redirect_perms)
