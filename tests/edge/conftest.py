"""A proxy stand-in on loopback that records the purges it receives (the real one, Varnish,
is driven by test_two_app_servers.py when REQUIRE_PROXY=1 or it is installed)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles.models import Author, Tag
from tests.factories import publish


class _Recorder(BaseHTTPRequestHandler):
    def do_PURGE(self):
        self.server.purges.append(set(self.headers["xkey-purge"].split()))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purges(settings):
    """The key sets purged, one per request, in order."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.purges = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EDGE_PURGE_URLS = [f"http://127.0.0.1:{server.server_address[1]}/"]
    yield server.purges
    server.shutdown()
    server.server_close()


@pytest.fixture
def story(make_article, editor, publisher):
    """A live article with a tag and an author."""
    article = make_article(headline="Markets rally on rate cut", slug="markets-rally")
    article.authors.add(Author.objects.create(name="Alice Morgan", slug="alice-morgan"))
    article.tags.add(Tag.objects.create(name="Rates", slug="rates"))
    return publish(article, editor=editor, publisher=publisher)
