"""Two app servers behind the load balancer and the caching proxy (deploy/'s own files, run on
loopback by deploy/stack.py), sharing PostgreSQL, Redis and the media folder: whatever a reader
or the newsroom does through one, the other and the proxy agree with.

Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL) and Debian's varnish, varnish-modules and
nginx; skipped with a message otherwise, unless REQUIRE_PROXY=1 (CI's PostgreSQL leg), which
makes anything missing a failure.
"""

import contextlib
import fcntl
import io
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from PIL import Image

from articles.models import Article
from comments.models import Comment
from deploy.stack import LocalStack, missing_programs
from finextra.services import transition
from sponsors.models import PlacementDay, Slot, Sponsor
from tests import http_browser
from tests.accounts import PASSWORD
from tests.comments.conftest import form_fields, forms_on
from tests.conftest import cache_on_redis
from tests.factories import PlacementFactory, SponsorFactory, publish

APP_PORTS = [int(p) for p in os.environ.get("TEST_APP_PORTS", "8166,8167").split(",")]
LB_PORT = int(os.environ.get("TEST_LB_PORT", "8168"))
PROXY_PORT = int(os.environ.get("TEST_PROXY_PORT", "8169"))
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)


def _why_not() -> str:
    reasons = []
    if connection.vendor != "postgresql":
        reasons.append("DATABASE_URL is not PostgreSQL")
    if not cache_on_redis():
        reasons.append("REDIS_URL is not set")
    if missing := missing_programs():
        reasons.append(f"not installed: {', '.join(missing)}")
    return "; ".join(reasons)


@contextlib.contextmanager
def ports_to_ourselves():
    """The stack's ports are fixed: pytest-xdist's workers (make test) take turns."""
    with (Path(tempfile.gettempdir()) / f"finextra-stack-{LB_PORT}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture
def stack(transactional_db, tmp_path):
    if why := _why_not():
        if os.environ.get("REQUIRE_PROXY") == "1":
            pytest.fail(f"REQUIRE_PROXY=1 but {why}")
        pytest.skip(f"The two-app-server test needs the proxy stack: {why}")
    # Not under pytest's tmp_path (its parents are private): nginx's workers read it.
    media = Path(tempfile.mkdtemp(prefix="finextra-media-"))
    media.chmod(0o755)
    db = connection.settings_dict
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": os.environ["REDIS_URL"],
        "CACHE_KEY_PREFIX": settings.CACHE_KEY_PREFIX,
        "PYTEST_XDIST_WORKER": "",  # the servers share this worker's prefix, not add to it
        "TEST_MEDIA_ROOT": str(media),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXIES": "127.0.0.1",
        "EDGE_PURGE_URLS": f"http://127.0.0.1:{PROXY_PORT}/",
        "COMMENTS_ALLOW_GUESTS": "0",
        # What is tested here is two servers, not the form's too-soon check: no wait to type.
        "COMMENTS_FORM_MIN_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    log = open(tmp_path / "servers.log", "w")  # noqa: SIM115 (closed below)
    try:
        with (
            ports_to_ourselves(),
            LocalStack(
                app_ports=APP_PORTS,
                lb_port=LB_PORT,
                proxy_port=PROXY_PORT,
                env=env,
                media_root=media,
                workers=1,
                log=log,
            ) as running,
        ):
            running.media = media
            yield running
    finally:
        log.close()
        shutil.rmtree(media, ignore_errors=True)
        if (tmp_path / "servers.log").exists():
            print((tmp_path / "servers.log").read_text()[-4000:])


class Browser(http_browser.Browser):
    """A reader's or an editor's browser against any of the stack's ports, reading forms and
    signing in as a person does."""

    def __init__(self):
        super().__init__(headers={"User-Agent": BROWSER}, timeout=20)

    def form(self, port, path, action):
        page = self.get(path, port=port)
        assert page.status == 200, (path, page.status)
        return form_fields(page.text, action)

    def sign_in(self, port, username, password=PASSWORD, path="/accounts/login/"):
        page = self.get(path, port=port)
        fields = next(f["fields"] for f in forms_on(page.text) if "password" in f["fields"])
        fields.update(username=username, password=password)
        return self.post(path, fields, port=port)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), (20, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def placement(editor, publisher):
    placement = PlacementFactory(
        sponsor=SponsorFactory(name="Northwind Cloud", slug="northwind-cloud"),
        title="Northwind webinar",
        slot=Slot.ARTICLE_INLINE,
    )
    return publish(placement, editor=editor, publisher=publisher)


A, B = 0, 1


def test_a_reader_signs_in_through_one_server_and_comments_through_the_other(
    stack, live_article, reader
):
    browser = Browser()
    signed_in = browser.sign_in(stack.app_ports[A], reader.username)
    assert signed_in.status == 302, signed_in.text[:500]

    compose = f"/comments/post/{live_article.pk}/"
    fields = browser.form(stack.app_ports[B], compose, compose)
    posted = browser.post(compose, {**fields, "body": "Posted through B."}, port=stack.app_ports[B])

    assert posted.status == 302, posted.text[:500]
    comment = Comment.objects.get()
    assert comment.author == reader
    assert comment.is_visible
    page = browser.get(posted.location.split("#")[0], port=stack.app_ports[A])
    assert "Posted through B." in page.text
    assert "private" in page.getheader("Cache-Control")


def test_the_comment_rate_limit_counts_across_both_servers(stack, live_article, reader):
    browser = Browser()
    assert browser.sign_in(stack.app_ports[A], reader.username).status == 302
    compose = f"/comments/post/{live_article.pk}/"
    limit = settings.COMMENTS_RATE_PER_ACCOUNT[0]
    forms = [browser.form(stack.app_ports[n % 2], compose, compose) for n in range(limit + 1)]

    statuses = [
        browser.post(compose, {**fields, "body": f"Post {n}"}, port=stack.app_ports[n % 2]).status
        for n, fields in enumerate(forms)
    ]

    assert statuses == [302] * limit + [429]
    assert Comment.objects.count() == limit


def test_a_sign_in_lockout_counts_across_both_servers(stack, reader):
    statuses = [
        Browser().sign_in(stack.app_ports[attempt % 2], reader.username, "not-it").status
        for attempt in range(settings.AXES_FAILURE_LIMIT)
    ]
    # The sixth wrong password, whichever server it reached, is the one that locks.
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]

    right = Browser().sign_in(stack.app_ports[A], reader.username)
    right_b = Browser().sign_in(stack.app_ports[B], reader.username)

    assert right.status == right_b.status == 429
    assert "locked" in right.text.lower()


def test_a_publish_through_one_server_purges_the_proxy_for_every_reader(
    stack, make_article, editor, publisher, live_article
):
    draft = make_article(headline="Breaking: rates held", slug="breaking-rates-held")
    transition(obj=draft, move="mark_edited", user=editor)
    reader = Browser()
    home = reader.get("/", port=stack.proxy_port)
    again = reader.get("/", port=stack.proxy_port)
    assert "Breaking: rates held" not in home.text
    assert again.getheader("X-Cache") == "hit"

    desk = Browser()
    assert desk.sign_in(stack.app_ports[A], publisher.username, path="/admin/login/").status == 302
    change = f"/admin/articles/article/{draft.pk}/change/"
    page = desk.get(change, port=stack.app_ports[A])
    publish = next(f for f in forms_on(page.text) if f["fields"].get("move") == "publish")
    moved = desk.post(publish["action"], publish["fields"], port=stack.app_ports[A])
    assert moved.status == 302, moved.text[:500]
    assert Article.objects.live().filter(pk=draft.pk).exists()

    # At once, with no waiting: the purge went out when the publish committed.
    through_proxy = Browser().get("/", port=stack.proxy_port)
    from_b = Browser().get("/", port=stack.app_ports[B])
    assert "Breaking: rates held" in through_proxy.text
    assert through_proxy.getheader("X-Cache") == "miss"
    assert "Breaking: rates held" in from_b.text
    # Both servers give the page the same validator: the generation lives in Redis.
    from_a = Browser().get("/", port=stack.app_ports[A])
    assert from_a.getheader("ETag") == from_b.getheader("ETag")


def test_placement_counts_add_up_across_both_servers(stack, live_article, placement):
    page = Browser().get(live_article.get_absolute_url(), port=stack.proxy_port)
    found = re.search(r'src="(/sponsored/seen/[^"]+\.gif)"', page.text)
    assert found, page.text[-3000:]
    beacon = found.group(1)

    # Six readers (one impression each per window: sponsors/counting.py), through either
    # server or the proxy.
    for n in range(6):
        port = (stack.app_ports[n % 2], stack.proxy_port)[n % 3 == 2]
        reader = {"User-Agent": f"{BROWSER} reader/{n}"}
        assert Browser().get(beacon, port=port, headers=reader).status == 200

    total = PlacementDay.objects.filter(placement=placement).aggregate(Sum("impressions"))
    assert total["impressions__sum"] == 6


def test_an_upload_saved_through_one_server_is_served_through_the_other(stack, commercial):
    desk = Browser()
    assert desk.sign_in(stack.app_ports[A], commercial.username, path="/admin/login/").status == 302
    add = "/admin/sponsors/sponsor/add/"
    fields = desk.form(stack.app_ports[A], add, "")
    fields.update(name="Contoso Bank", slug="contoso-bank", website="https://contoso.example")
    logo = _png()
    saved = desk.post_multipart(
        add, fields, {"logo": ("contoso.png", logo, "image/png")}, port=stack.app_ports[A]
    )
    assert saved.status == 302, saved.text[:800]
    sponsor = Sponsor.objects.get(slug="contoso-bank")

    change = desk.get(f"/admin/sponsors/sponsor/{sponsor.pk}/change/", port=stack.app_ports[B])
    link = re.search(r'href="(/media/sponsors/[^"]+)"', change.text).group(1)
    served = Browser().get(link, port=stack.proxy_port)

    assert served.status == 200
    assert served.content == logo
    assert Path(stack.media, sponsor.logo.name).read_bytes() == logo
