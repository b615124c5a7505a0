"""Two editors saving the same article at the same moment, over HTTP: silent overwrites counted.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/concurrent_saves.py   # PostgreSQL: bench_concurrent_saves

It builds a database of its own (migrate, seed_demo, a second editor), serves the project with
gunicorn (4 sync workers) on 127.0.0.1 (benchmarks/settings.py), and signs two editors in as a
browser does (the sign-in form, its CSRF token, the session cookie). Each try, both open the
seed article's change form, each types their own headline and standfirst, and both post the
form at the same moment (a barrier releases the two threads together). Then it reads the row:

    one saved, one refused   the refused editor was told so (the stale-form message, text kept)
                             and the row holds the winner's edit: correct
    both refused             nobody's work saved, both told so: correct, counted apart
    silent overwrite         both told "changed successfully" but the row lacks one edit

Exit status: 0 when there is no silent overwrite and no failed request (5xx, lost
connection), 1 otherwise, 2 when the benchmark itself could not run. Without DATABASE_URL it
runs on SQLite (benchmarks/bench.sqlite3), where IMMEDIATE transactions serialise the saves; the
figure that matters is PostgreSQL's.
"""

import argparse
import http.client
import os
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("BENCH_DB_NAME", "bench_concurrent_saves")

from benchmarks.article_page import (  # noqa: E402  (sets the settings module and demo password)
    HOST,
    BenchmarkError,
    benchmark_run,
    build_content,
    create_database,
    drop_database,
    seed_article,
    start_server,
    stop_server,
    wait_for_server,
)
from tests.browser_forms import change_form, form_by_id  # noqa: E402
from tests.http_browser import Browser  # noqa: E402

STALE = "Someone else saved this"
SAVED = "was changed successfully"


def sign_in(browser: Browser, username: str, password: str) -> None:
    page = browser.get("/admin/login/")
    if page.status != 200:
        raise BenchmarkError(f"The sign-in page answered {page.status}.")
    fields = form_by_id(page.text, "login-form")
    fields.update(username=[username], password=[password], next=["/admin/"])
    answer = browser.post("/admin/login/", fields)
    if answer.status != 302 or "login" in answer.location:
        raise BenchmarkError(f"{username} could not sign in ({answer.status} → {answer.location}).")


@dataclass
class Tally:
    tries: int = 0
    one_wins: int = 0
    both_refused: int = 0
    silent_overwrites: int = 0
    failures: list[str] = field(default_factory=list)


def second_editor(password: str) -> str:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from finextra import roles

    user, _ = get_user_model().objects.get_or_create(
        username="editor2", defaults={"is_staff": True, "display_name": "Second Editor"}
    )
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    return user.username


def one_try(n: int, browsers: list[Browser], article_pk: int, tally: Tally):
    from articles.models import Article

    path = f"/admin/articles/article/{article_pk}/change/"
    forms = []
    for who, browser in enumerate(browsers):
        page = browser.get(path)
        if page.status != 200:
            tally.failures.append(f"try {n}: editor {who + 1} opened the form: {page.status}")
            return
        forms.append(change_form(page.text, "article"))
    edits = [
        {"headline": f"Try {n}: editor {who + 1}'s headline", "standfirst": f"Editor {who + 1}."}
        for who in range(len(browsers))
    ]
    barrier = threading.Barrier(len(browsers))
    outcomes: list = [None] * len(browsers)

    def save(who: int):
        data = {**forms[who], **{k: [v] for k, v in edits[who].items()}}
        barrier.wait()
        try:
            answer = browsers[who].post(path, data)
        except (OSError, http.client.HTTPException) as error:
            outcomes[who] = ("failed", repr(error))
            return
        page = answer.text
        if answer.status == 302:
            # Told success on the page the redirect leads to (the message travels with it).
            shown = browsers[who].get(answer.location).text
            outcomes[who] = ("saved" if SAVED in shown else "302 without success", answer.location)
        elif (
            answer.status == 200
            and STALE in page
            and edits[who]["headline"] in page.replace("&#x27;", "'")
        ):
            outcomes[who] = ("refused", "")
        else:
            outcomes[who] = ("failed", f"{answer.status}")

    threads = [threading.Thread(target=save, args=(who,)) for who in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    tally.tries += 1
    told = [outcome[0] for outcome in outcomes]
    article = Article.objects.get(pk=article_pk)
    stored = {"headline": article.headline, "standfirst": article.standfirst}
    kept = [all(stored[k] == v for k, v in edit.items()) for edit in edits]
    if any(t not in ("saved", "refused") for t in told):
        tally.failures.append(f"try {n}: {outcomes}")
    elif told.count("saved") == len(browsers):
        tally.silent_overwrites += 1  # both told success; the row holds at most one edit
    elif told.count("saved") == 1:
        winner = told.index("saved")
        if kept[winner]:
            tally.one_wins += 1
        else:
            tally.failures.append(f"try {n}: the winner's edit is not in the row ({stored})")
    else:
        tally.both_refused += 1


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8110")))
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--tries", type=int, default=50, help="simultaneous saves (default 50)")
    parser.add_argument("--keep-db", action="store_true", help="leave the database afterwards")
    return parser.parse_args(argv)


def run(args, db, log) -> Tally:
    where = create_database(db)
    server = None
    try:
        build_content()
        password = os.environ["DEMO_PASSWORD"]
        names = ["editor", second_editor(password)]
        article = seed_article()
        print(f"Database: {where}")
        server = start_server(args.port, args.workers, "sync", log)
        wait_for_server(server, args.port)
        print(f"Server: gunicorn, {args.workers} sync workers on {HOST}:{args.port}")
        browsers = [Browser(args.port) for _ in names]
        for browser, name in zip(browsers, names, strict=True):
            sign_in(browser, name, password)
        tally = Tally()
        for n in range(1, args.tries + 1):
            one_try(n, browsers, article.pk, tally)
        return tally
    finally:
        stop_server(server)
        if not args.keep_db:
            drop_database(db)


def main(argv=None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    from django.conf import settings

    db = settings.DATABASES["default"]
    with tempfile.TemporaryFile(mode="w+") as log, benchmark_run(server_log=log):
        tally = run(args, db, log)
    print(
        f"Tries: {tally.tries}; one saved and one refused: {tally.one_wins}; both refused: "
        f"{tally.both_refused}; silent overwrites: {tally.silent_overwrites}; "
        f"failed requests: {len(tally.failures)}"
    )
    for failure in tally.failures[:10]:
        print(f"  (!) {failure}", file=sys.stderr)
    ok = tally.silent_overwrites == 0 and not tally.failures
    print(f"Silent overwrites must be 0: {'OK' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
