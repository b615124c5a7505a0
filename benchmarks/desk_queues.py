"""The desk's front page and the comment queue with a million comments, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/desk_queues.py     # database bench_desk (BENCH_DB_NAME)

It builds a database of its own on the server DATABASE_URL names, migrates it, seeds the demo
(people, roles, some 30 articles), then adds comments with one INSERT ... SELECT over
generate_series: --comments in all (a million unless told), one in twenty held for moderation,
one in a hundred reported, the rest published, over the demo's live articles; and 20,000 drafts
ready for edit. After VACUUM ANALYZE it times, with Django's test client in this process, the
admin's front page for the editor (five queues, each capped at "99+") and the comment queue as
it opens (what waits for a moderator), and shows the plan of the largest count.

The bar: each page's median under 300 ms. Exit status: 0 when both are under it, 1 otherwise,
2 when the benchmark itself could not run. The database is dropped in every case (--keep-db
leaves it).
"""

import argparse
import os
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("BENCH_DB_NAME", "bench_desk")
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"

from benchmarks.article_page import (  # noqa: E402
    HOST,
    BenchmarkError,
    benchmark_run,
    scratch_database,
)

LIMIT_MS = 300.0


def build(comments: int, ready: int) -> float:
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Article

    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    live = list(Article.objects.live().values_list("pk", flat=True))
    template = Article.objects.get(pk=live[0])
    with connection.cursor() as cursor:
        # n % 20 = 0: held for moderation; n % 100 = 1: published and reported.
        cursor.execute(
            """
            INSERT INTO comments_comment (
                article_id, depth, guest_name, guest_email, body, body_html, created_at,
                ip_hash, notify_replies, editors_pick, open_reports, state, published_at,
                first_published_at, version)
            SELECT (%s::bigint[])[1 + n %% cardinality(%s::bigint[])], 0, 'Reader ' || n, '',
                   'Comment number ' || n, '<p>Comment number ' || n || '</p>',
                   now() - make_interval(secs => n), '', false, false,
                   CASE WHEN n %% 100 = 1 THEN 1 ELSE 0 END,
                   CASE WHEN n %% 20 = 0 THEN 'draft' ELSE 'published' END,
                   CASE WHEN n %% 20 = 0 THEN NULL ELSE now() - make_interval(secs => n) END,
                   CASE WHEN n %% 20 = 0 THEN NULL ELSE now() - make_interval(secs => n) END,
                   1
            FROM generate_series(1, %s) AS n
            """,
            [live, live, comments],
        )
        cursor.execute(
            """
            INSERT INTO articles_article (
                headline, slug, standfirst, body, body_text, channel_id, provenance,
                lead_image, lead_image_renditions, lead_image_alt, lead_image_decorative,
                lead_image_caption, lead_image_credit, comment_mode, comment_count,
                corrections, created_at, updated_at, state, version, ready_for_edit_at)
            SELECT 'Ready draft ' || n, 'ready-draft-' || n, 'A standfirst.', '<p>Body.</p>',
                   'Body.', %s, 'editorial', '', '[]', '', false, '', '', 'open', 0, '[]',
                   now(), now(), 'draft', 1, now() - make_interval(secs => n)
            FROM generate_series(1, %s) AS n
            """,
            [template.channel_id, ready],
        )
        cursor.execute("VACUUM ANALYZE comments_comment")
        cursor.execute("VACUUM ANALYZE articles_article")
    return time.perf_counter() - started


def time_page(client, path: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warm-up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        timings.append(1000 * (time.perf_counter() - started))
        if response.status_code != 200:
            raise BenchmarkError(f"{path} answered {response.status_code}, not 200.")
    return {
        "median": statistics.median(timings),
        "max": max(timings),
        "queries": len(queries),
        "html": response.content.decode(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--ready", type=int, default=20_000, help="drafts ready for edit")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("This benchmark needs PostgreSQL: set DATABASE_URL.", file=sys.stderr)
        return 2

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from comments.models import Comment
    from comments.queues import AWAITING_MODERATION

    with benchmark_run(), scratch_database(keep=args.keep_db):
        print(f"Adding {args.comments:,} comments and {args.ready:,} ready drafts...", flush=True)
        seconds = build(args.comments, args.ready)
        print(f"Built in {seconds:.1f} s, VACUUM ANALYZEd.", flush=True)
        editor = get_user_model().objects.get(username="editor")
        client = Client(HTTP_HOST=HOST)
        client.force_login(editor)
        front = time_page(client, "/admin/", args.runs)
        queue = time_page(client, "/admin/comments/comment/", args.runs)
        plan = AWAITING_MODERATION.items(editor).order_by()[:100].explain(analyze=True)
        waiting = Comment.objects.waiting().count()

    print(f"\n{args.runs} timed requests each after one warm-up, {os.cpu_count()} CPU(s):")
    print(f"  {'page':<34} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for label, result in (("/admin/ (editor, 5 queues)", front), ("comment queue", queue)):
        print(f"  {label:<34} {result['median']:10.1f} {result['max']:8.1f} {result['queries']:8d}")
    print(f"\nComments waiting for a moderator: {waiting:,}; the front page shows 99+:", end=" ")
    print("yes" if "99+" in front["html"] else "NO")
    print(f"\nEXPLAIN ANALYZE, the capped count's rows (awaiting moderation):\n{plan}\n")
    ok = front["median"] < LIMIT_MS and queue["median"] < LIMIT_MS
    print(f"Both medians under {LIMIT_MS:g} ms: {'OK' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
