"""gunicorn for one app server: `gunicorn -c deploy/gunicorn.conf.py` (deploy/systemd/).

Settings come from the environment like the project's (see .env.example); these are the
server's own: GUNICORN_BIND (127.0.0.1:8000), GUNICORN_WORKERS (2 per CPU + 1),
GUNICORN_THREADS (1: sync workers; pages are CPU-bound and the proxy absorbs slow clients)."""

import multiprocessing
import os

wsgi_app = "finextra.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# A worker stuck this long is restarted; requests are short (the database answers in 5 s or the
# page is a 503).
timeout = 30
graceful_timeout = 20
keepalive = 5
# Restart workers now and then, so a slow leak never grows for long.
max_requests = 5000
max_requests_jitter = 500
# Each worker loads the app itself: no database pool or cache client is shared across a fork.
preload_app = False
# "-": to the journal; empty: no access log (the proxy and nginx keep one).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Only the load balancer talks to gunicorn; it forwards the scheme.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
