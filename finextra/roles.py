"""The newsroom's roles as Django groups, their permissions granted by each app and synced after
every migrate (a post_migrate handler, so the groups survive a test database flush)."""

from collections import defaultdict

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured

WRITER, EDITOR, PUBLISHER, COMMERCIAL, MODERATOR = (
    "Writer",
    "Editor",
    "Publisher",
    "Commercial",
    "Moderator",
)
ROLES = (WRITER, EDITOR, PUBLISHER, COMMERCIAL, MODERATOR)

_grants: dict[str, set[str]] = defaultdict(set)


def grant(role: str, *perms: str) -> None:
    """Give `role` the permissions named "app_label.codename"; apps call this in `ready()`."""
    if role not in ROLES:
        raise ImproperlyConfigured(f"Unknown role {role!r}.")
    _grants[role].update(perms)


def sync_roles(sender=None, **kwargs) -> None:
    # post_migrate is sent once per app with models; permissions all exist by the last one's turn.
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender is not None and sender is not last:
        return
    using = kwargs.get("using", "default")
    for role in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = _grants.get(role, set())
        found = []
        for perm in sorted(wanted):
            app_label, codename = perm.split(".", 1)
            try:
                found.append(
                    Permission.objects.using(using).get(
                        content_type__app_label=app_label, codename=codename
                    )
                )
            except Permission.DoesNotExist as exc:
                raise ImproperlyConfigured(f"Role {role} is granted unknown {perm}.") from exc
        group.permissions.set(found)
