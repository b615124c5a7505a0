import logging

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models.functions import Lower

logger = logging.getLogger("finextra.migrations")


def duplicate_emails_resolve(apps, schema_editor):
    """Before the constraint: where accounts share an address (in any case), the one signed in
    most recently keeps it (then the oldest); the others lose it and are named in the log, so
    an administrator can reach their owners. They can still sign in with their username."""
    User = apps.get_model("finextra", "User")
    users = (
        User.objects.exclude(email="")
        .annotate(email_key=Lower("email"))
        .order_by("email_key", models.F("last_login").desc(nulls_last=True), "pk")
    )
    kept = set()
    for user in users.iterator():
        if user.email_key not in kept:
            kept.add(user.email_key)
            continue
        logger.warning(
            "Account %s (id %s) shared its email with another account; its email was cleared.",
            user.username,
            user.pk,
        )
        User.objects.filter(pk=user.pk).update(email="")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("finextra", "0002_revisions_previews"),
    ]

    operations = [
        migrations.RunPython(duplicate_emails_resolve, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                condition=models.Q(("email", ""), _negated=True),
                name="user_email_unique_ci",
                violation_error_code="email_taken",
                violation_error_message="Another account already has this email address.",
            ),
        ),
    ]
