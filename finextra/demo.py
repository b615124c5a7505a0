"""Demo accounts: one per role, and a reader. All share the demo password."""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from . import roles
from .pages import PAGES, pages_seed

PASSWORD_FILE = settings.BASE_DIR / ".demo-password"

ACCOUNTS = (
    ("writer", "Wendy Writer", roles.WRITER),
    ("editor", "Eddie Editor", roles.EDITOR),
    ("publisher", "Penny Publisher", roles.PUBLISHER),
    ("commercial", "Cal Commercial", roles.COMMERCIAL),
    ("moderator", "Mo Moderator", roles.MODERATOR),
    ("reader", "Riley Reader", None),
)


def demo_password() -> tuple[str, str]:
    """The password and where it came from: DEMO_PASSWORD, the git-ignored file, or new."""
    if os.environ.get("DEMO_PASSWORD"):
        return os.environ["DEMO_PASSWORD"], "DEMO_PASSWORD"
    if PASSWORD_FILE.exists():
        return PASSWORD_FILE.read_text().strip(), str(PASSWORD_FILE.name)
    password = secrets.token_urlsafe(12)
    PASSWORD_FILE.write_text(password + "\n")
    PASSWORD_FILE.chmod(0o600)
    return password, "generated"


def seed(stdout):
    password, source = demo_password()
    User = get_user_model()
    for username, display_name, role in ACCOUNTS:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"display_name": display_name, "email": f"{username}@example.com"},
        )
        user.is_staff = role is not None
        user.set_password(password)
        user.save()
        if role:
            user.groups.set([Group.objects.get(name=role)])
    stdout.write(
        "Accounts: " + ", ".join(name for name, _, _ in ACCOUNTS) + f" (password from {source})."
    )
    stdout.write(f"Password for every demo account: {password}")
    created = pages_seed()
    stdout.write(f"Site pages: {created} added, {len(PAGES)} in all.")
