"""The article-page benchmark: throughput against a bare Django view, and the query count.

    .venv/bin/python benchmarks/article_page.py            # SQLite, benchmarks/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/article_page.py        # PostgreSQL, database bench_finextra

It builds a database of its own (migrate, then seed_demo), serves the project with gunicorn on
127.0.0.1 (production-like settings: benchmarks/settings.py), loads three URLs in turn from a load
generator on loopback (wrk when installed, a threaded Python client otherwise) and prints the
requests per second of each:

    bare      /bench/bare/             HttpResponse("ok") behind the project's middleware
    article   /news/<id>/<slug>/       the seed article, as an anonymous reader sees it
    home      /                        the home page (shown, not judged)
    channel   /channels/<slug>/        the seed article's channel (shown, not judged)

Then (benchmarks/edge.py, unless --no-proxy) the article, home and channel pages through
deploy/'s stack (Varnish -> nginx -> gunicorn) and from nginx serving the same HTML as files,
and, with REDIS_URL, the seconds until each change shows through the proxy.

It then counts the SQL queries of the article page for an anonymous reader (the Django test
client in this process, on the same database, once the caches a running server keeps are warm).

The bar (docs/design.md, "The query budget"): the article page serves at least 15% of the bare
view's requests per second and makes 6 queries or fewer; through the proxy it reaches 50% of
nginx's figure for the file. Exit status: 0 when all hold, 1 when any fails, 2 when the
benchmark itself could not run. The server is stopped and the database dropped in every case.
"""

import argparse
import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Captured before benchmarks.settings fills DATABASE_URL in for SQLite.
USER_DATABASE_URL = os.environ.get("DATABASE_URL", "")
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
os.environ.setdefault("DEMO_PASSWORD", "benchmark-demo-password")

HOST = "127.0.0.1"  # the only address this benchmark ever talks to
RATIO_TARGET = 15.0  # per cent of the bare view's requests per second
QUERY_BUDGET = 6
SEED_SLUG = "ec-makes-supercomputers-widely-accessible-to-foster-ai-development"
MAINTENANCE_DB = "postgres"  # where CREATE/DROP DATABASE run on PostgreSQL


class BenchmarkError(Exception):
    """The benchmark could not run (as opposed to: it ran and the page missed the bar)."""


@dataclass
class Result:
    requests: int
    seconds: float
    errors: int = 0
    non_2xx: int = 0
    latency_ms: dict = field(default_factory=dict)  # "p50", "p99"
    server_cpu: float | None = None  # CPU seconds the gunicorn processes spent meanwhile

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# --- the database ---------------------------------------------------------------------------


def _pg_admin_connection(db):
    import psycopg

    return psycopg.connect(
        dbname=MAINTENANCE_DB,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
    )


def _pg_drop(db):
    from psycopg import sql

    with _pg_admin_connection(db) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db["NAME"]))
        )


def create_database(db) -> str:
    """A fresh, empty database for the run; returns a description for the report."""
    engine = db["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db['NAME']}{suffix}").unlink(missing_ok=True)
        return f"SQLite {Path(db['NAME']).relative_to(ROOT)}"
    if engine == "django.db.backends.postgresql":
        import dj_database_url
        from psycopg import sql

        if dj_database_url.parse(USER_DATABASE_URL).get("NAME") == db["NAME"]:
            raise BenchmarkError(
                f"DATABASE_URL names {db['NAME']!r}, the database this benchmark drops; point it "
                "at another database on the server (e.g. /postgres) or set BENCH_DB_NAME."
            )
        _pg_drop(db)
        with _pg_admin_connection(db) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
        with _pg_admin_connection(db) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
        where = f"{db.get('HOST') or 'local socket'}:{db.get('PORT') or 5432}"
        return f"PostgreSQL {version} {where}, database {db['NAME']}"
    raise BenchmarkError(f"Unsupported database engine for the benchmark: {engine}")


def drop_database(db):
    from django.db import connections

    connections.close_all()
    with contextlib.suppress(Exception):
        connections["default"].close_pool()  # Django's PostgreSQL pool, when configured
    if db["ENGINE"] == "django.db.backends.sqlite3":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db['NAME']}{suffix}").unlink(missing_ok=True)
    elif db["ENGINE"] == "django.db.backends.postgresql":
        _pg_drop(db)


@contextlib.contextmanager
def benchmark_run(*, server_log=None):
    """Around a benchmark's work: a `BenchmarkError` or a crash (the page or the set-up broke:
    not a verdict on speed) ends the run with exit status 2 and the reason. `server_log`, the
    file the servers wrote to, is shown at the end either way."""
    try:
        yield
    except BenchmarkError as error:
        print(f"Benchmark error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    except Exception:
        traceback.print_exc()
        print("Benchmark error: see the traceback above.", file=sys.stderr)
        raise SystemExit(2) from None
    finally:
        if server_log is not None:
            server_log.seek(0)
            if said := server_log.read().strip():
                print(f"gunicorn said:\n{said}", file=sys.stderr)


@contextlib.contextmanager
def scratch_database(*, keep: bool = False):
    """The benchmark's own database (BENCH_DB_NAME, on the server DATABASE_URL names), created
    empty and migrated; dropped afterwards unless `keep`."""
    from django.conf import settings
    from django.core.management import call_command

    db = settings.DATABASES["default"]
    where = create_database(db)
    try:
        print(f"Database: {where}; migrating...", flush=True)
        call_command("migrate", interactive=False, verbosity=0)
        yield where
    finally:
        if not keep:
            drop_database(db)


def build_content():
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)


def seed_article():
    from articles.models import Article

    article = Article.objects.live().filter(slug=SEED_SLUG).first()
    if article is None:  # the seed changed its slug: the first live article it made, then
        article = Article.objects.live().order_by("pk").first()
    if article is None:
        raise BenchmarkError("seed_demo made no live article.")
    return article


# --- the query count --------------------------------------------------------------------------


def count_queries(article):
    """(warm count, cold count, captured queries) for an anonymous reader of the article."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils.html import escape

    path = article.get_absolute_url()
    client = Client(headers={"host": HOST})
    # Cold: the channel menu's cache key (the benchmark's own cache prefix) is emptied first.
    cache.delete(getattr(import_module("articles.context_processors"), "NAV_CACHE_KEY", ""))
    with CaptureQueriesContext(connection) as cold:
        first = client.get(path)
    with CaptureQueriesContext(connection) as warm:
        response = client.get(path)
    for r in (first, response):
        if r.status_code != 200:
            raise BenchmarkError(f"{path} answered {r.status_code} to the test client, not 200.")
    if escape(article.headline) not in response.content.decode():
        raise BenchmarkError(f"{path} did not show the article's headline.")
    return len(warm), len(cold), warm.captured_queries


def profile_article(article, count: int, top: int = 30) -> str:
    """cProfile over `count` anonymous requests to the article page, in this process."""
    import cProfile
    import io
    import pstats

    from django.test import Client

    path = article.get_absolute_url()
    client = Client(headers={"host": HOST})
    client.get(path)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(count):
        client.get(path)
    profiler.disable()
    elapsed = time.perf_counter() - started
    out = io.StringIO()
    out.write(f"Profile: {count} requests to {path} via the test client, ")
    out.write(f"{elapsed / count * 1000:.2f} ms each (profiler overhead included)\n")
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# --- the server -------------------------------------------------------------------------------


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def start_server(port: int, workers: int, worker_class: str, log):
    if port_in_use(port):
        raise BenchmarkError(f"Something already listens on {HOST}:{port}; use --port.")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "finextra.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        f"--worker-class={worker_class}",
        "--log-level=warning",
        "--timeout=60",
    ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_for_server(server, port: int, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchmarkError(f"gunicorn exited with status {server.returncode}.")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if get(port, "/bench/bare/")[0] == 200:
                return
        time.sleep(0.2)
    raise BenchmarkError(f"gunicorn did not answer on {HOST}:{port} within {timeout:.0f} s.")


def server_cpu_seconds(server) -> float | None:
    """User + system CPU time of the gunicorn master and its workers (Linux /proc), or None.
    CPU per request moves much less than requests per second when other programs share the
    machine, so it is the steadier cross-check on a busy computer."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                # fields[1] is the parent pid; fields[11], fields[12] are utime and stime.
                if stat.parent.name == str(server.pid) or fields[1] == str(server.pid):
                    total += (int(fields[11]) + int(fields[12])) / tick
    except OSError:
        return None
    return total or None


def stop_server(server):
    if server is None or server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # its own session: the master and its workers
        server.wait()


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- the load generators ----------------------------------------------------------------------


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not found:
        return 0.0
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1e3, "m": 6e4}[found.group(2)]


def run_wrk(wrk: str, url: str, seconds: float, connections: int, threads: int) -> Result:
    command = [
        wrk,
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=10s",
        "--latency",
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    out = done.stdout
    if done.returncode != 0 or "Requests/sec" not in out:
        raise BenchmarkError(f"wrk failed on {url}:\n{out}{done.stderr}")
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", out)
    requests = int(total.group(1))
    unit = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[total.group(3)]
    result = Result(requests=requests, seconds=float(total.group(2)) * unit)
    if errors := re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        result.errors = sum(int(n) for n in errors.groups())
    if non_2xx := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        result.non_2xx = int(non_2xx.group(1))
    for pct, key in (("50", "p50"), ("99", "p99")):
        if found := re.search(rf"^\s+{pct}%\s+(\S+)", out, re.MULTILINE):
            result.latency_ms[key] = _ms(found.group(1))
    return result


def run_python(port: int, path: str, seconds: float, connections: int, limit: int) -> Result:
    """A threaded keep-alive loop on http.client: bounded by `seconds` and by `limit` requests.
    Slower than wrk and it competes with the server for the CPU, so it flatters slow pages."""
    per_thread = max(1, limit // connections)
    latencies: list[list[float]] = [[] for _ in range(connections)]
    failures = [[0, 0] for _ in range(connections)]  # errors, non-2xx
    start = threading.Barrier(connections + 1)
    deadline = 0.0

    def loop(i):
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        start.wait()
        mine = latencies[i]
        while time.perf_counter() < deadline and len(mine) < per_thread:
            began = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                failures[i][0] += 1
                conn.close()
                continue
            mine.append(time.perf_counter() - began)
            if not 200 <= response.status < 300:
                failures[i][1] += 1
            if response.will_close:
                conn.close()  # reopened by the next request
        conn.close()

    workers = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(connections)]
    for worker in workers:
        worker.start()
    began = time.perf_counter()
    deadline = began + seconds
    start.wait()
    for worker in workers:
        worker.join(timeout=seconds + 30)
    elapsed = time.perf_counter() - began
    every = sorted(t for mine in latencies for t in mine)
    result = Result(
        requests=len(every),
        seconds=elapsed,
        errors=sum(f[0] for f in failures),
        non_2xx=sum(f[1] for f in failures),
    )
    if every:
        result.latency_ms = {
            "p50": every[len(every) // 2] * 1000,
            "p99": every[min(len(every) - 1, int(len(every) * 0.99))] * 1000,
        }
    return result


# --- the run ----------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Target: article >= 15% of the bare view's requests/s, and <= 6 queries.",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("BENCH_PORT", "8765")),
        help="gunicorn's port on 127.0.0.1 (8765, or BENCH_PORT)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync)")
    parser.add_argument(
        "--duration", type=float, default=3, help="measured seconds per URL and round (3)"
    )
    parser.add_argument(
        "--warmup", type=float, default=2, help="unmeasured seconds per URL, first round (2)"
    )
    parser.add_argument(
        "--connections", type=int, default=4, help="concurrent connections (default 4)"
    )
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument(
        "--max-requests",
        type=int,
        default=200_000,
        help="per URL and run, for the Python client (wrk is bounded by --duration)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="measure the URLs in turn this many times and take the medians (5)",
    )
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--keep-db", action="store_true", help="leave the database afterwards")
    parser.add_argument(
        "--no-proxy",
        dest="proxy",
        action="store_false",
        help="skip the runs through Varnish and from nginx's files (ports --port+1..+3)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        default=0,
        help="also cProfile N article requests in-process (test client) and print the top",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print the SQL queries")
    args = parser.parse_args(argv)
    if args.connections < 1 or args.duration <= 0 or args.rounds < 1:
        parser.error("--connections, --duration and --rounds must be positive")
    return args


def load(args, wrk, path: str, seconds: float) -> Result:
    if wrk:
        return run_wrk(
            wrk, f"http://{HOST}:{args.port}{path}", seconds, args.connections, args.threads
        )
    return run_python(args.port, path, seconds, args.connections, args.max_requests)


def measure(args, wrk, db, log) -> dict:
    """Build the database, count the queries, serve, load every URL; always clean up."""
    server = None
    created = False
    try:
        where = create_database(db)
        created = True
        print(f"Database: {where}; migrating and seeding...", flush=True)
        build_content()
        article = seed_article()
        urls = [
            ("bare", "/bench/bare/"),
            ("article", article.get_absolute_url()),
            ("home", "/"),
            ("channel", article.channel.get_absolute_url()),
        ]
        queries, cold_queries, captured = count_queries(article)
        from django.db import connections

        connections.close_all()

        server = start_server(args.port, args.workers, args.worker_class, log)
        wait_for_server(server, args.port)
        for name, path in urls:
            status, _ = get(args.port, path)
            if status != 200:
                raise BenchmarkError(f"{name} {path} answered {status} over HTTP, not 200.")

        client = f"wrk, {args.threads} thread(s)" if wrk else "Python client (no wrk)"
        print(
            f"Server: gunicorn, {args.workers} {args.worker_class} worker(s) on {HOST}:{args.port}"
            f"; load: {client}, {args.connections} connections; {args.rounds} round(s) of"
            f" {args.duration:g} s per URL, after {args.warmup:g} s of warm-up per URL;"
            f" {os.cpu_count()} CPU(s)",
            flush=True,
        )
        runs: dict[str, list[Result]] = {name: [] for name, _ in urls}
        for round_number in range(args.rounds):
            for name, path in urls:
                if round_number == 0 and args.warmup > 0:
                    load(args, wrk, path, args.warmup)
                cpu_before = server_cpu_seconds(server)
                result = load(args, wrk, path, args.duration)
                cpu_after = server_cpu_seconds(server)
                if cpu_before is not None and cpu_after is not None:
                    result.server_cpu = cpu_after - cpu_before
                runs[name].append(result)
        stop_server(server)
        edge = None
        if args.proxy:
            edge = measure_proxy(args, wrk, [u for u in urls if u[0] != "bare"], log)
        profile = profile_article(article, args.profile) if args.profile else ""
    finally:
        stop_server(server)
        if created and not args.keep_db:
            drop_database(db)
    return {
        "urls": urls,
        "runs": runs,
        "queries": queries,
        "cold_queries": cold_queries,
        "captured": captured,
        "profile": profile,
        "edge": edge,
    }


def measure_proxy(args, wrk, pages, log):
    """The same pages through Varnish and from nginx's files (benchmarks/edge.py)."""
    from benchmarks import edge

    if missing := edge.unavailable():
        print(
            f"Proxy and nginx runs skipped: {missing} (apt-get install varnish "
            "varnish-modules nginx).",
            flush=True,
        )
        return None
    print(
        "Proxy: deploy/'s stack (Varnish -> nginx -> gunicorn) and nginx serving the same "
        "HTML from files...",
        flush=True,
    )

    def load_url(port, path, seconds):
        if wrk:
            return run_wrk(
                wrk, f"http://{HOST}:{port}{path}", seconds, args.connections, args.threads
            )
        return run_python(port, path, seconds, args.connections, args.max_requests)

    try:
        return edge.measure_edge(args=args, pages=pages, load_url=load_url, log=log)
    except edge.StackError as error:
        raise BenchmarkError(f"The proxy stack: {error}") from error


def main(argv=None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk") if args.client in ("auto", "wrk") else None
    if args.client == "wrk" and not wrk:
        print("wrk is not installed (apt-get install wrk), or use --client python", file=sys.stderr)
        return 2

    import django

    django.setup()
    from django.conf import settings

    db = settings.DATABASES["default"]
    with tempfile.TemporaryFile(mode="w+") as log, benchmark_run(server_log=log):
        measured = measure(args, wrk, db, log)
    urls, runs = measured["urls"], measured["runs"]
    queries, cold_queries = measured["queries"], measured["cold_queries"]

    print()
    print(
        f"  {'':8} {'path':<76} {'req/s':>8} {'requests':>8} {'errors':>6} {'p50 ms':>6}"
        f" {'CPU ms/req':>10}"
    )
    rps, cpu_ms = {}, {}
    for name, path in urls:
        results = runs[name]
        rps[name] = statistics.median(r.rps for r in results)
        requests = sum(r.requests for r in results)
        errors = sum(r.errors + r.non_2xx for r in results)
        p50 = statistics.median(r.latency_ms.get("p50", 0.0) for r in results)
        if requests and all(r.server_cpu is not None for r in results):
            cpu_ms[name] = 1000 * sum(r.server_cpu for r in results) / requests
        cpu = f"{cpu_ms[name]:10.2f}" if name in cpu_ms else f"{'-':>10}"
        print(f"  {name:8} {path:<76} {rps[name]:8.1f} {requests:8d} {errors:6d} {p50:6.1f} {cpu}")
        if errors:
            print(f"  (!) {name}: {errors} failed or non-2xx responses", file=sys.stderr)
    print()

    # Each round loads the bare view and the article back to back, so a round's ratio is the
    # fairest pairing on a busy machine; the verdict takes the median of the rounds' ratios.
    ratios = [
        100 * article.rps / bare.rps if bare.rps else 0.0
        for article, bare in zip(runs["article"], runs["bare"], strict=True)
    ]
    ratio = statistics.median(ratios)
    ratio_ok = ratio >= RATIO_TARGET
    if len(ratios) > 1:
        print(f"Article/bare per round: {', '.join(f'{r:.1f}%' for r in ratios)}")
    queries_ok = queries <= QUERY_BUDGET
    print(
        f"Article page throughput: {ratio:.1f}% of the bare view (median of rounds) "
        f"(target >= {RATIO_TARGET:g}%): {'OK' if ratio_ok else 'FAIL'}"
    )
    if "article" in cpu_ms and "bare" in cpu_ms:
        print(
            f"Cross-check, server CPU per request: article {cpu_ms['article']:.2f} ms, bare "
            f"{cpu_ms['bare']:.2f} ms, so {100 * cpu_ms['bare'] / cpu_ms['article']:.1f}% "
            "(steady on a busy machine; not judged)"
        )
    print(
        f"Article page SQL queries, anonymous reader: {queries} "
        f"(budget <= {QUERY_BUDGET}): {'OK' if queries_ok else 'FAIL'}"
        f"   [{cold_queries} on the first request after the menu cache is cleared]"
    )
    if args.verbose or not queries_ok:
        for number, query in enumerate(measured["captured"], 1):
            print(f"  {number}. {query['sql']}")
    if not wrk:
        print("Note: measured with the Python client; wrk is steadier (apt-get install wrk).")
    proxy_ok = report_edge(measured.get("edge"), runs, rps)

    if measured["profile"]:
        print()
        print(measured["profile"])

    return 0 if ratio_ok and queries_ok and proxy_ok else 1


PROXY_TARGET = 50.0  # per cent of nginx serving the same HTML from a file, article page


def _summary(results) -> tuple[float, float, float]:
    return (
        statistics.median(r.rps for r in results),
        statistics.median(r.latency_ms.get("p50", 0.0) for r in results),
        statistics.median(r.latency_ms.get("p99", 0.0) for r in results),
    )


def report_edge(edge, runs, rps) -> bool:
    """The side-by-side table; True when the article through the proxy reaches the target (or
    the proxy runs were skipped)."""
    if edge is None:
        return True
    edge_runs = edge["runs"]
    print()
    print(
        f"  {'page':8} {'where':22} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'% of nginx file':>15} {'% of bare':>9}"
    )
    bare_rps, bare_p50, bare_p99 = _summary(runs["bare"])
    print(
        f"  {'(floor)':8} {'bare Django view':22} {bare_rps:9.1f} {bare_p50:7.2f} {bare_p99:7.2f}"
    )
    ratio_ok = True
    for name in ("article", "home", "channel"):
        static = _summary(edge_runs[("static", name)])
        rows = [
            ("direct to gunicorn", _summary(runs[name])),
            ("through the proxy", _summary(edge_runs[("proxy", name)])),
            ("nginx, the HTML file", static),
        ]
        for where, (page_rps, p50, p99) in rows:
            of_static = 100 * page_rps / static[0] if static[0] else 0.0
            of_bare = 100 * page_rps / bare_rps if bare_rps else 0.0
            print(
                f"  {name:8} {where:22} {page_rps:9.1f} {p50:7.2f} {p99:7.2f} "
                f"{of_static:14.1f}% {of_bare:8.1f}%"
            )
        if name == "article":
            article_proxy = rows[1][1][0]
            share = 100 * article_proxy / static[0] if static[0] else 0.0
            ratio_ok = share >= PROXY_TARGET
    print(
        f"Article through the proxy: {share:.1f}% of nginx serving the same HTML from a file "
        f"(target >= {PROXY_TARGET:g}%): {'OK' if ratio_ok else 'FAIL'}"
    )
    freshness = edge["freshness"]
    if freshness is None:
        print(
            "Freshness through the proxy: not measured (set REDIS_URL: the app servers and "
            "the benchmark must share the cache)."
        )
    else:
        print(
            "Seconds until an anonymous reader behind the proxy sees each change "
            f"(target <= {2:g} s):"
        )
        for label, seconds in freshness:
            shown = f"{seconds:.3f} s" if seconds is not None else "not within 10 s"
            print(f"  {label:42} {shown}")
        ratio_ok = ratio_ok and all(s is not None and s <= 2 for _, s in freshness)
    return ratio_ok


if __name__ == "__main__":
    # A SIGTERM (e.g. from a CI timeout) unwinds through the finally blocks: server stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
