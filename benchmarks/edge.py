"""The benchmark's proxy part: the same pages through Varnish (deploy/'s stack on loopback)
and, as the ceiling, the same HTML served by nginx from files; then how soon a change shows
through the proxy. Called by benchmarks/article_page.py; skipped with a message when varnish,
varnish-modules or nginx is missing."""

import http.client
import tempfile
import time
from pathlib import Path

from deploy.stack import HOST, LocalStack, StackError, missing_programs

# A change must show through the proxy within this many seconds (the bar).
FRESHNESS_TARGET = 2.0
STATIC_NAMES = {"article": "article.html", "home": "home.html", "channel": "channel.html"}


def request(port: int, path: str, headers=None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def shared_cache() -> bool:
    """The freshness run changes content from this process: the app servers must share its
    cache (Redis), or their cached page parts would not hear of the change."""
    from django.conf import settings

    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


def unavailable() -> str:
    missing = missing_programs()
    return f"not installed: {', '.join(missing)}" if missing else ""


def measure_edge(*, args, pages, load_url, log) -> dict:
    """For each (name, path) in `pages`: req/s through the proxy and from nginx's files, in
    rounds like the direct runs; then the freshness of changes through the proxy."""
    app_port = args.port
    proxy_port, lb_port, static_port = args.port + 1, args.port + 2, args.port + 3
    with tempfile.TemporaryDirectory(prefix="finextra-bench-edge-") as tmp:
        static_root = Path(tmp) / "static"
        static_root.mkdir()
        media_root = Path(tmp) / "media"
        media_root.mkdir()
        with LocalStack(
            app_ports=[app_port],
            lb_port=lb_port,
            proxy_port=proxy_port,
            env={},
            media_root=media_root,
            workers=args.workers,
            log=log,
            static_port=static_port,
            static_root=static_root,
        ):
            static_paths = {}
            for name, path in pages:
                # The ceiling: the very bytes gunicorn answers, as files nginx serves.
                status, _, body = request(app_port, path)
                if status != 200:
                    raise StackError(f"{path} answered {status} behind the proxy.")
                (static_root / STATIC_NAMES[name]).write_bytes(body)
                static_paths[name] = f"/{STATIC_NAMES[name]}"
            for name, path in pages:
                request(proxy_port, path)
                _, headers, _ = request(proxy_port, path)
                if headers.get("X-Cache") != "hit":
                    raise StackError(f"{name} {path} was not kept by the proxy: {headers}")
            runs = {("proxy", name): [] for name, _ in pages}
            runs.update({("static", name): [] for name, _ in pages})
            for round_number in range(args.rounds):
                for name, path in pages:
                    for kind, port, where in (
                        ("proxy", proxy_port, path),
                        ("static", static_port, static_paths[name]),
                    ):
                        if round_number == 0 and args.warmup > 0:
                            load_url(port, where, args.warmup)
                        runs[(kind, name)].append(load_url(port, where, args.duration))
            freshness = measure_freshness(proxy_port=proxy_port) if shared_cache() else None
    return {"runs": runs, "freshness": freshness, "ports": (proxy_port, lb_port, static_port)}


# --- how soon a change shows through the proxy -------------------------------------------------


def _seconds_until(proxy_port: int, path: str, shows, timeout: float = 10.0) -> float | None:
    """Seconds from now until the proxy's answer for `path` satisfies `shows` (a text the page
    holds, or a test of the status and the HTML), polled every 20 ms (each poll a plain
    anonymous GET, so it may be served from the cache)."""
    if isinstance(shows, str):
        text = shows
        shows = lambda status, html: text in html  # noqa: E731
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        status, _, body = request(proxy_port, path)
        if shows(status, body.decode("utf-8", "replace")):
            return time.perf_counter() - began
        time.sleep(0.02)
    return None


def measure_freshness(*, proxy_port: int) -> list[tuple[str, float | None]]:
    """Each change made here (this process purges the proxy after its commit, as an app server
    does) and the seconds until an anonymous reader behind the proxy sees it. Every page is
    read once first, so the proxy holds the old copy."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from articles.corrections import correction_publish
    from articles.models import Article, Channel
    from articles.services import article_save, label_save
    from comments.services import comment_post
    from finextra.services import transition
    from sponsors.models import Placement
    from sponsors.services import placement_save

    settings.EDGE_PURGE_URLS = [f"http://{HOST}:{proxy_port}/"]
    users = get_user_model().objects
    editor, publisher = users.get(username="editor"), users.get(username="publisher")
    live = Article.objects.live().select_related("channel").order_by("-published_at")
    article = live.filter(tags__isnull=False).first()
    other = live.exclude(pk=article.pk).first()
    results = []

    def change(label, path, make, shows):
        """Make a change (a callable) and time until `path` through the proxy `shows` it."""
        request(proxy_port, path)
        request(proxy_port, path)  # now held by the proxy
        with transaction.atomic():
            make()
        results.append((label, _seconds_until(proxy_port, path, shows)))

    def saving(obj, save, **values):
        """A change that sets fields on `obj` and saves it through `save`, its service, as the
        desk does."""

        def change_and_save():
            for name, value in values.items():
                setattr(obj, name, value)
            save()

        return change_and_save

    # A draft published: the home page lists it.
    draft = Article.objects.filter(state="draft", withdrawn_at__isnull=True).first()
    if draft is not None:
        if draft.state == "draft":
            transition(obj=draft, move="mark_edited", user=editor)
        change(
            "publish (home lists it)",
            "/",
            lambda: transition(obj=draft, move="publish", user=publisher),
            draft.get_absolute_url(),
        )
    change(
        "correction (article page)",
        article.get_absolute_url(),
        lambda: correction_publish(
            article=article, note="Benchmark correction: a figure fixed.", user=editor
        ),
        "Benchmark correction",
    )
    headline = f"{article.headline} (updated {timezone.now():%H%M%S})"

    def copy_change():
        article.refresh_from_db()
        article.headline = headline
        article_save(article=article)

    change(
        "live copy change (channel page)",
        article.channel.get_absolute_url(),
        copy_change,
        headline.replace("&", "&amp;"),
    )
    comment_text = f"A comment published at {time.time():.0f}."
    change(
        "comment goes live (article page)",
        article.get_absolute_url(),
        lambda: comment_post(
            article=article, body=comment_text, author=users.get(username="reader")
        ),
        comment_text,
    )
    placement = Placement.objects.live().filter(slot="home").first()
    if placement is not None:
        title = f"Webinar renamed {time.time():.0f}"
        change(
            "placement changed (home page)",
            "/",
            saving(placement, lambda: placement_save(placement=placement), title=title),
            title,
        )
    tag = article.tags.first()
    if tag is not None:
        tag_name = f"{tag.name} renamed"
        change(
            "tag renamed (article page)",
            article.get_absolute_url(),
            saving(tag, lambda: label_save(label=tag), name=tag_name),
            tag_name,
        )
    channel = Channel.objects.get(pk=other.channel_id)
    channel_name = f"{channel.name} renamed"
    change(
        "channel renamed (every page's header)",
        "/",
        saving(channel, lambda: label_save(label=channel), name=channel_name),
        channel_name,
    )
    change(
        "unpublish (article page gone)",
        other.get_absolute_url(),
        lambda: transition(obj=other, move="unpublish", user=publisher),
        lambda status, html: status == 404,
    )
    return results
