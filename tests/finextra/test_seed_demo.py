"""`seed_demo`: the demo accounts, channels and articles a fresh checkout shows, added once."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from articles import demo as article_demo
from articles.models import Article, Author, Channel, Tag
from finextra import demo, roles
from finextra.models import TransitionLog
from finextra.services import history_for
from finextra.workflow import State
from tests.conftest import DEMO_PASSWORD, SEED_SLUG

STAFF = {
    "writer": roles.WRITER,
    "editor": roles.EDITOR,
    "publisher": roles.PUBLISHER,
    "commercial": roles.COMMERCIAL,
    "moderator": roles.MODERATOR,
}


def seed_demo() -> str:
    """Run the command as it is, with whatever DEMO_PASSWORD the test set; what it printed."""
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [get_user_model(), Group, Channel, Author, Tag, Article, TransitionLog]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def password_file(monkeypatch, tmp_path):
    """No DEMO_PASSWORD, and the password file in a temporary folder, not the checkout."""
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    path = tmp_path / ".demo-password"
    monkeypatch.setattr(demo, "PASSWORD_FILE", path)
    return path


class TestTheDemo:
    """Seeded once for the class (tests/conftest.py's `demo`), with DEMO_PASSWORD set."""

    def test_running_seed_demo_again_adds_nothing(self, demo):
        after_first = counts()

        seed_demo()

        assert counts() == after_first
        assert after_first["Article"] >= 13

    def test_it_has_one_staff_account_per_role_in_its_group(self, demo):
        User = get_user_model()
        for username, role in STAFF.items():
            user = User.objects.get(username=username)
            assert user.is_staff, username
            assert not user.is_superuser, username
            assert list(user.groups.values_list("name", flat=True)) == [role]
            assert user.check_password(DEMO_PASSWORD), username

    def test_it_has_a_reader_who_is_not_staff(self, demo):
        reader = get_user_model().objects.get(username="reader")
        assert not reader.is_staff
        assert not reader.groups.exists()
        assert reader.check_password(DEMO_PASSWORD)

    def test_seed_demo_says_where_the_password_came_from(self, demo):
        assert "password from DEMO_PASSWORD" in demo.output
        assert DEMO_PASSWORD in demo.output

    def test_it_has_articles_over_several_channels_in_every_state(self, demo):
        others = Article.objects.exclude(slug=SEED_SLUG)
        now = timezone.now()
        assert others.count() >= 12
        assert others.values("channel").distinct().count() >= 3
        assert others.filter(state=State.DRAFT, withdrawn_at__isnull=True).exists()
        assert others.filter(state=State.EDITED).exists()
        assert others.live().exists()
        assert others.filter(state=State.PUBLISHED, published_at__gt=now).exists()  # scheduled
        assert others.filter(withdrawn_at__isnull=False).exists()

    def test_its_articles_got_their_states_through_the_workflow(self, demo):
        for article in Article.objects.exclude(state=State.DRAFT):
            assert history_for(article).filter(move="mark_edited").exists(), article.slug

    def test_the_seed_article_is_live_in_capital_markets_with_its_strapline(self, demo):
        article = Article.objects.get(slug=SEED_SLUG)
        assert article.channel.name == "Capital Markets"
        assert article.channel.strapline == (
            "News and resources on capital markets, exchanges, trade execution and post-trade "
            "settlement."
        )
        assert article.headline == (
            "EC makes supercomputers widely accessible to foster AI development"
        )
        assert Article.objects.live().filter(pk=article.pk).exists()

    def test_one_live_article_carries_a_published_correction_once_however_often_seeded(
        self, demo, client
    ):
        seed_demo()

        article = Article.objects.get(slug=article_demo.DEMO_CORRECTION_SLUG)
        assert [c.note for c in article.correction_list] == [article_demo.DEMO_CORRECTION]
        assert history_for(article).filter(move="correction").count() == 1
        html = client.get(article.get_absolute_url()).content.decode()
        assert '<h2 id="corrections-title">Correction</h2>' in html


@pytest.mark.django_db
def test_without_demo_password_one_is_generated_kept_in_a_file_and_reused(password_file):
    assert not password_file.exists()

    first_output = seed_demo()

    password = password_file.read_text().strip()
    assert len(password) >= 12
    assert password in first_output
    assert get_user_model().objects.get(username="editor").check_password(password)

    second_output = seed_demo()

    assert password_file.read_text().strip() == password
    assert password in second_output
    for username in [*STAFF, "reader"]:
        assert get_user_model().objects.get(username=username).check_password(password)


@pytest.mark.django_db
def test_the_generated_password_file_is_readable_only_by_its_owner(password_file):
    seed_demo()

    assert password_file.stat().st_mode & 0o777 == 0o600


@pytest.mark.django_db
def test_demo_password_wins_over_a_kept_file(password_file, monkeypatch):
    password_file.write_text("the-old-file-password\n")
    monkeypatch.setenv("DEMO_PASSWORD", "from-the-environment-123")

    seed_demo()

    assert (
        get_user_model().objects.get(username="writer").check_password("from-the-environment-123")
    )
    assert password_file.read_text() == "the-old-file-password\n"
