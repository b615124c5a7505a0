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
import traceback
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("BENCH_DB_NAME", "bench_concurrent_saves")

from benchmarks.article_page import (  # noqa: E402  (sets the settings module and demo password)
    HOST,
    BenchmarkError,
    build_content,
    create_database,
    drop_database,
    seed_article,
    start_server,
    stop_server,
    wait_for_server,
)
from tests.browser_forms import change_form, form_by_id  # noqa: E402

STALE = "Someone else saved this"
SAVED = "was changed successfully"


class Browser:
    """One person's browser: cookies kept, forms posted with the page's CSRF token."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode("utf-8", errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.getheader("Location", ""), content
        finally:
            conn.close()

    def sign_in(self, username: str, password: str):
        status, _, page = self.request("GET", "/admin/login/")
        if status != 200:
            raise BenchmarkError(f"The sign-in page answered {status}.")
        fields = form_by_id(page, "login-form")
        fields.update(username=[username], password=[password], next=["/admin/"])
        status, location, _ = self.request("POST", "/admin/login/", fields)
        if status != 302 or "login" in location:
            raise BenchmarkError(f"{username} could not sign in ({status} → {location}).")


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
        status, _, page = browser.request("GET", path)
        if status != 200:
            tally.failures.append(f"try {n}: editor {who + 1} opened the form: {status}")
            return
        forms.append(change_form(page, "article"))
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
            status, location, page = browsers[who].request("POST", path, data)
        except (OSError, http.client.HTTPException) as error:
            outcomes[who] = ("failed", repr(error))
            return
        if status == 302:
            # Told success on the page the redirect leads to (the message travels with it).
            _, _, shown = browsers[who].request("GET", location)
            outcomes[who] = ("saved" if SAVED in shown else "302 without success", location)
        elif (
            status == 200
            and STALE in page
            and edits[who]["headline"] in page.replace("&#x27;", "'")
        ):
            outcomes[who] = ("refused", "")
        else:
            outcomes[who] = ("failed", f"{status}")

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
            browser.sign_in(name, password)
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
    with tempfile.TemporaryFile(mode="w+") as log:
        try:
            tally = run(args, db, log)
        except BenchmarkError as error:
            print(f"Benchmark error: {error}", file=sys.stderr)
            return 2
        except Exception:
            traceback.print_exc()
            return 2
        finally:
            log.seek(0)
            if server_log := log.read().strip():
                print(f"gunicorn said:\n{server_log}", file=sys.stderr)
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
