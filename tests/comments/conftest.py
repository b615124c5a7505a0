"""Helpers for the comments tests: readers, comments made through the service, and forms
posted the way a browser posts them (the page's own hidden fields, the CSRF token)."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from articles.models import Article
from comments.models import Comment
from comments.services import comment_post


@pytest.fixture(autouse=True)
def _comment_settings(settings):
    # A person takes seconds to type; tests post at once. The "too fast" test sets it back.
    settings.COMMENTS_FORM_MIN_SECONDS = 0
    settings.COMMENTS_ALLOW_GUESTS = True


@pytest.fixture
def other_reader(make_user):
    return make_user("sasha", display_name="Sasha Other", email="sasha@example.com")


@pytest.fixture
def browser_client():
    """A client that, like a browser, must carry the CSRF token to post."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def signed_in(reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    return client


@pytest.fixture
def post_comment():
    """Create a comment through the service (as the view would), for arranging threads."""

    def make(article, body="A comment.", *, author=None, parent=None, guest=False, **extra):
        if guest:
            extra.setdefault("guest_name", "Gail Guest")
            extra.setdefault("guest_email", "gail@example.com")
        return comment_post(article=article, body=body, author=author, parent=parent, **extra)

    return make


class _Forms(HTMLParser):
    """Every <form> on a page: its action and the values of its inputs, as a browser sends."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}})
        elif not self.forms:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.forms[-1]["fields"][self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def forms_on(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_fields(html: str, action: str) -> dict:
    for form in forms_on(html):
        if form["action"] == action:
            return dict(form["fields"])
    raise AssertionError(f"no form posting to {action} on the page")


@pytest.fixture
def submit():
    """Open `page_url`, fill the form that posts to `action` with `data`, and post it."""

    def send(client, page_url, action, data, **extra):
        page = client.get(page_url, **extra)
        assert page.status_code == 200, page_url
        fields = form_fields(page.content.decode(), action)
        fields.update(data)
        # A form with no action posts back to its own page.
        return client.post(action or page_url, fields, **extra)

    return send


def post_url(article: Article) -> str:
    return f"/comments/post/{article.pk}/"


def visible_count(article: Article) -> int:
    return Comment.objects.visible().filter(article=article).count()
