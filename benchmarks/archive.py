"""The archive-scale benchmark: the public pages and the desk at 1,000 and at 100,000 articles.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/archive.py                   # both archives, then measure
    ... benchmarks/archive.py load --db NAME --articles 100000 --comments 1000000

PostgreSQL only (the loader uses COPY). `load` makes one archive in a database of its own:
drops and creates it, migrates, runs seed_demo and adds the archive (benchmarks/archive_data.py).
With no subcommand the script loads (or, with --reuse, reuses) a small and a large archive,
serves each with gunicorn (2 sync workers, benchmarks/settings.py) on 127.0.0.1, and loads every
page in turn, round after round: the bare Django view (the floor, measured in the same rounds),
then home, channel, tag and author pages, page 1 and page 1,000 (or the last page), and the
article with 500 comments, on the small archive and on the large one. In the same process it
counts each page's queries (cold and warm caches), times the desk's three lists (articles with a
filter and a search, the comment queue, placements) with the test client signed in as a
superuser, and prints EXPLAIN of the listings on the large archive.

The bars (issue 14), each printed with OK or FAIL:
- at the large archive every page within 1.5 times its figure at the small one (req/s);
- page 1,000 (or the last) of a channel at least half as fast as its page 1;
- home and channel each at least 12.5% of the floor, the article 15%; 6 queries or fewer;
- each desk list under 300 ms.
Exit status: 0 when all hold, 1 when one fails, 2 when the benchmark could not run.
"""

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

USER_DATABASE_URL = os.environ.get("DATABASE_URL", "")
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
os.environ.setdefault("DEMO_PASSWORD", "benchmark-demo-password")


def load_main(args) -> int:
    """Build one archive in the database BENCH_DB_NAME (set by the caller), print its facts."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from benchmarks.archive_data import archive_load
    from benchmarks.article_page import create_database

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        print("The archive benchmark needs PostgreSQL: set DATABASE_URL.", file=sys.stderr)
        return 2
    print(f"Archive: {create_database(db)}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    facts = archive_load(articles=args.articles, comments=args.comments, out=sys.stderr)
    facts["seconds"] = time.perf_counter() - started
    print(json.dumps(facts))
    return 0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    load = sub.add_parser("load", help="build one archive")
    load.add_argument("--db", required=True, help="the database to (re)create")
    load.add_argument("--articles", type=int, default=100_000)
    load.add_argument("--comments", type=int, default=1_000_000)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.command == "load":
        os.environ["BENCH_DB_NAME"] = args.db
        return load_main(args)
    return 2


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
