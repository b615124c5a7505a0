"""A browser's part of HTTP, for the tests and benchmarks that talk to real servers on
loopback: cookies kept (and dropped when the server expires them), forms posted urlencoded or
as multipart with files. Reading a page's forms is `tests.browser_forms`.

Used by tests/edge/test_two_app_servers.py, benchmarks/concurrent_saves.py and
benchmarks/drill.py."""

import http.client
import urllib.parse
import uuid
from dataclasses import dataclass
from email.message import Message
from http.cookies import SimpleCookie

HOST = "127.0.0.1"


@dataclass
class Response:
    status: int
    headers: Message
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def getheader(self, name: str, default=None):
        return self.headers.get(name, default)


class Browser:
    """One person's browser. `port` is the server it talks to unless a call names another;
    `headers` go with every request (a User-Agent, an X-Forwarded-For)."""

    def __init__(self, port: int | None = None, *, headers: dict | None = None, timeout=60.0):
        self.port = port
        self.headers = dict(headers or {})
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method, path, *, body=None, headers=None, port=None, timeout=None):
        port = port or self.port
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout or self.timeout)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)  # the server ended it (a sign-out)
                else:
                    self.cookies[name] = morsel.value
        return Response(status=response.status, headers=response.headers, content=content)

    def get(self, path, *, port=None, headers=None, timeout=None) -> Response:
        return self.request("GET", path, headers=headers, port=port, timeout=timeout)

    def post(self, path, fields: dict, *, port=None, headers=None) -> Response:
        """`fields` as a form sends them: a value or a list of values per name (None: left
        out)."""
        fields = {name: value for name, value in fields.items() if value is not None}
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        sent = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{HOST}:{port or self.port}{path}",
            **(headers or {}),
        }
        return self.request("POST", path, body=body, headers=sent, port=port)

    def post_multipart(self, path, fields: dict, files: dict, *, port=None) -> Response:
        """`files`: name → (file name, bytes, content type)."""
        boundary = uuid.uuid4().hex
        parts = []
        for name, values in fields.items():
            for value in values if isinstance(values, list) else [values]:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
        for name, (filename, content, content_type) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": f"http://{HOST}:{port or self.port}{path}",
        }
        return self.request("POST", path, body=b"".join(parts), headers=headers, port=port)
