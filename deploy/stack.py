"""The production shape on loopback, from deploy/'s own files: N gunicorn app servers, the
nginx load balancer in front of them (nginx-lb.conf) and Varnish in front of that
(varnish.vcl), each on a port of its own. Used by `make serve-cached`, `make bench` and the
two-app-server test; needs Debian's varnish, varnish-modules and nginx.

    with LocalStack(app_ports=[8161, 8162], lb_port=8163, proxy_port=8164, env=...) as stack:
        stack.proxy_url  # http://127.0.0.1:8164

The configuration files are copied with only their addresses changed (ports, the media
folder), so what runs here is what deploy/ ships.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
HOST = "127.0.0.1"


class StackError(Exception):
    pass


def missing_programs() -> list[str]:
    """What the stack needs and this machine lacks."""
    missing = [name for name in ("varnishd", "nginx") if not _which(name)]
    if _which("varnishd") and not _xkey_installed():
        missing.append("varnish-modules (the xkey vmod)")
    return missing


def _which(name):
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin")


def _xkey_installed() -> bool:
    return any(Path("/usr/lib").glob("*/varnish/vmods/libvmod_xkey.so")) or any(
        Path("/usr/lib/varnish/vmods").glob("libvmod_xkey.so")
    )


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def wait_for_port(port: int, process, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise StackError(f"{what} exited with status {process.returncode}.")
        if port_open(port):
            return
        time.sleep(0.1)
    raise StackError(f"{what} did not listen on {HOST}:{port} within {timeout:.0f} s.")


def nginx_lb_conf(*, app_ports, lb_port: int, media_root: Path) -> str:
    """deploy/nginx-lb.conf with this stack's addresses."""
    text = (DEPLOY / "nginx-lb.conf").read_text()
    servers = "".join(
        f"    server {HOST}:{port} max_fails=3 fail_timeout=10s;\n" for port in app_ports
    )
    text = re.sub(r"(upstream finextra_app \{\n)(?:    server [^\n]*\n)+", rf"\g<1>{servers}", text)
    text = re.sub(r"listen 127\.0\.0\.1:\d+;", f"listen {HOST}:{lb_port};", text)
    return text.replace("alias /srv/finextra/media/;", f"alias {media_root}/;")


def varnish_vcl(*, lb_port: int) -> str:
    """deploy/varnish.vcl pointed at this stack's load balancer."""
    return re.sub(r'\.port = "\d+";', f'.port = "{lb_port}";', (DEPLOY / "varnish.vcl").read_text())


def nginx_main_conf(workdir: Path, server_blocks: str) -> str:
    """A whole nginx.conf around `server_blocks`, every path in `workdir` (no root needed)."""
    return f"""
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/client_body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    types {{ text/html html; image/jpeg jpg jpeg; image/png png; image/webp webp; }}
    default_type application/octet-stream;
    sendfile on;
    keepalive_requests 100000;
{server_blocks}
}}
"""


def static_server_block(*, port: int, root: Path) -> str:
    """nginx serving files from `root` (the benchmark's ceiling)."""
    return f"""
    server {{
        listen {HOST}:{port};
        root {root};
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
"""


class LocalStack:
    """Starts the app servers, the load balancer and the proxy; stops them all on exit."""

    def __init__(
        self,
        *,
        app_ports,
        lb_port: int,
        proxy_port: int,
        env: dict,
        media_root: Path,
        workers: int = 2,
        log=None,
        static_port: int | None = None,
        static_root: Path | None = None,
    ):
        self.app_ports = list(app_ports)
        self.lb_port = lb_port
        self.proxy_port = proxy_port
        self.env = env
        self.media_root = Path(media_root)
        self.workers = workers
        self.log = log if log is not None else subprocess.DEVNULL
        self.static_port = static_port
        self.static_root = static_root
        self.processes: list[subprocess.Popen] = []
        self.workdir: Path | None = None

    @property
    def proxy_url(self) -> str:
        return f"http://{HOST}:{self.proxy_port}"

    def app_url(self, index: int) -> str:
        return f"http://{HOST}:{self.app_ports[index]}"

    def __enter__(self):
        if missing := missing_programs():
            raise StackError(f"Not installed: {', '.join(missing)} (apt-get install ...).")
        ports = [*self.app_ports, self.lb_port, self.proxy_port]
        if self.static_port:
            ports.append(self.static_port)
        if busy := [port for port in ports if port_open(port)]:
            raise StackError(f"Already in use on {HOST}: {busy}.")
        self.workdir = Path(tempfile.mkdtemp(prefix="finextra-stack-"))
        os.chmod(self.workdir, 0o755)  # varnishd's workers read the compiled VCL from here
        try:
            for port in self.app_ports:
                self._start_app(port)
            self._start_nginx()
            self._start_varnish()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _spawn(self, command, *, env=None, what: str):
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def _start_app(self, port: int) -> None:
        env = {
            **os.environ,
            **self.env,
            "PYTHONPATH": str(ROOT),
            "GUNICORN_BIND": f"{HOST}:{port}",
            "GUNICORN_WORKERS": str(self.workers),
            "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_LOG_LEVEL": "warning",
        }
        command = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
        process = self._spawn(command, env=env, what=f"gunicorn :{port}")
        wait_for_port(port, process, f"gunicorn on {port}")

    def _start_nginx(self) -> None:
        blocks = nginx_lb_conf(
            app_ports=self.app_ports, lb_port=self.lb_port, media_root=self.media_root
        )
        if self.static_port:
            blocks += static_server_block(port=self.static_port, root=self.static_root)
        conf = self.workdir / "nginx.conf"
        conf.write_text(nginx_main_conf(self.workdir, blocks))
        command = [_which("nginx"), "-c", str(conf), "-p", str(self.workdir), "-g", "daemon off;"]
        process = self._spawn(command, what="nginx")
        wait_for_port(self.lb_port, process, "nginx")

    def _start_varnish(self) -> None:
        vcl = self.workdir / "finextra.vcl"
        vcl.write_text(varnish_vcl(lb_port=self.lb_port))
        os.chmod(vcl, 0o644)
        command = [
            _which("varnishd"),
            "-F",
            "-n",
            str(self.workdir / "varnish"),
            "-a",
            f"{HOST}:{self.proxy_port}",
            "-f",
            str(vcl),
            "-s",
            "malloc,64m",
            "-p",
            "default_grace=0",
        ]
        process = self._spawn(command, what="varnishd")
        wait_for_port(self.proxy_port, process, "varnishd")

    def __exit__(self, *exc):
        for process in reversed(self.processes):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
        return False
