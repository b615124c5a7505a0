"""The migration that makes reader emails unique settles the duplicates already stored."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("finextra", "0002_revisions_previews")]
AFTER = [("finextra", "0003_user_email_unique")]


@pytest.mark.django_db(transaction=True)
def test_duplicates_keep_the_address_on_the_account_used_last():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_state = executor.loader.project_state(BEFORE).apps
    User = old_state.get_model("finextra", "User")
    stale = User.objects.create(
        username="stale", email="Pat@Example.com", last_login=datetime(2024, 1, 1, tzinfo=UTC)
    )
    recent = User.objects.create(
        username="recent", email="pat@example.com", last_login=datetime(2026, 1, 1, tzinfo=UTC)
    )
    never = User.objects.create(username="never", email="PAT@example.com")
    other = User.objects.create(username="other", email="other@example.com")
    blank = [User.objects.create(username=f"staff{n}", email="") for n in range(2)]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    emails = dict(User.objects.values_list("username", "email"))
    assert emails[recent.username] == "pat@example.com"
    assert emails[stale.username] == emails[never.username] == ""
    assert emails[other.username] == "other@example.com"
    assert all(emails[user.username] == "" for user in blank)
