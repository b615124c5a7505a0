"""`make serve-cached`: the site as production runs it, on loopback: two gunicorn app servers
behind the nginx load balancer and Varnish, purged after every change.

    make serve-cached                      # http://127.0.0.1:8081/ (the proxy)
    PROXY_PORT=8164 APP_PORTS=8161,8162 LB_PORT=8163 make serve-cached

The database is the one `make run` uses (DATABASE_URL, or db.sqlite3), migrated and seeded the
same way; debug is off, static files are collected, uploads are served by nginx from
MEDIA_ROOT. Ctrl-C stops everything.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.stack import HOST, ROOT, LocalStack, StackError


def main() -> int:
    proxy_port = int(os.environ.get("PROXY_PORT", "8081"))
    lb_port = int(os.environ.get("LB_PORT", "8082"))
    app_ports = [int(p) for p in os.environ.get("APP_PORTS", "8083,8084").split(",")]
    env = {
        "DJANGO_SETTINGS_MODULE": "finextra.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "serve-cached-local-only"),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SITE_URL": f"http://{HOST}:{proxy_port}",
        "TRUSTED_PROXIES": HOST,
        "EDGE_PURGE_URLS": f"http://{HOST}:{proxy_port}/",
        "COMMENTS_ALLOW_GUESTS": os.environ.get("COMMENTS_ALLOW_GUESTS", "1"),
    }
    manage = [sys.executable, "manage.py"]
    # Seeding before the proxy runs: nothing to purge yet.
    run_env = {**os.environ, **env, "EDGE_PURGE_URLS": ""}
    for command in (["migrate", "--noinput"], ["seed_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*manage, *command], cwd=ROOT, env=run_env, check=True)
    media = Path(os.environ.get("MEDIA_ROOT", ROOT / "media"))
    media.mkdir(parents=True, exist_ok=True)
    try:
        with LocalStack(
            app_ports=app_ports,
            lb_port=lb_port,
            proxy_port=proxy_port,
            env=env,
            media_root=media,
            log=sys.stderr,
        ) as stack:
            print(f"\n  Finextra through the proxy:  {stack.proxy_url}/")
            print(f"  The load balancer:           http://{HOST}:{lb_port}/")
            print(f"  The app servers:             {', '.join(map(str, app_ports))}")
            print("  Ctrl-C stops them all.\n", flush=True)
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            while all(process.poll() is None for process in stack.processes):
                time.sleep(1)
            print("A server stopped; stopping the rest.", file=sys.stderr)
            return 1
    except StackError as error:
        print(f"serve-cached: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
