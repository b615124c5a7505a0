"""The site's own pages (about, contact, privacy, cookies, terms, corrections policy): flatpages
seeded once, shown in the site's design, linked from every page's footer, edited in the admin."""

import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.test import Client
from django.urls import reverse

from articles.sanitize import clean_body
from finextra import roles
from finextra.pages import PAGES, pages_seed


class FooterLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.in_footer = False
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "footer":
            self.in_footer = True
        elif tag == "a" and self.in_footer:
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag == "footer":
            self.in_footer = False


def footer_links(html: str) -> list[str]:
    parser = FooterLinks()
    parser.feed(html)
    return parser.links


@pytest.fixture
def pages(db):
    pages_seed()


@pytest.mark.parametrize(("url", "title"), PAGES)
def test_each_page_is_shown_in_the_site_design(client, pages, url, title):
    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 id="page-title" class="page-title">{title}</h1>' in html
    assert clean_body(FlatPage.objects.get(url=url).content) in html
    assert 'class="site-header"' in html
    assert f'<link rel="canonical" href="http://testserver{url}">' in html


def test_the_footer_links_every_page_and_the_house_rules(client, pages):
    links = footer_links(client.get(reverse("articles:home")).content.decode())

    for url, _ in PAGES:
        assert url in links
    assert reverse("comments:house_rules") in links
    assert reverse("articles:feed_latest_rss") in links


def test_the_footer_is_on_other_pages_too(client, pages):
    links = footer_links(client.get("/privacy/").content.decode())

    assert "/about/" in links and "/corrections/" in links


def test_a_page_not_yet_made_is_a_404(client, db):
    assert client.get("/cookies/").status_code == 404


def test_seeding_twice_keeps_an_editors_changes(pages):
    FlatPage.objects.filter(url="/about/").update(content="<p>Our own words.</p>")

    assert pages_seed() == 0

    assert FlatPage.objects.get(url="/about/").content == "<p>Our own words.</p>"
    assert FlatPage.objects.count() == len(PAGES)


class TestTheDemo:
    """Seeded once for the class (tests/conftest.py's `demo`)."""

    def test_seed_demo_adds_the_pages(self, demo):
        assert f"Site pages: {len(PAGES)} added" in demo.output
        assert set(FlatPage.objects.values_list("url", flat=True)) == {url for url, _ in PAGES}


def test_the_site_domain_follows_site_url(db, settings):
    assert Site.objects.get(pk=settings.SITE_ID).domain == settings.SITE_URL.split("://", 1)[1]
    assert Site.objects.count() == 1


def test_an_editor_edits_a_page_in_the_admin(make_user, pages):
    editor = make_user("editor", roles.EDITOR)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    page = FlatPage.objects.get(url="/corrections/")
    url = reverse("admin:flatpages_flatpage_change", args=[page.pk])
    client.get(url)

    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
            "url": "/corrections/",
            "title": "Corrections policy",
            "content": "<p>We correct errors within a day.</p>",
            "sites": [Site.objects.get_current().pk],
            "template_name": "",
        },
    )

    assert response.status_code == 302
    assert "We correct errors within a day." in Client().get("/corrections/").content.decode()


def test_a_writer_cannot_edit_the_pages(make_user, pages):
    writer = make_user("writer", roles.WRITER)
    client = Client()
    client.force_login(writer)
    page = FlatPage.objects.get(url="/terms/")

    response = client.get(reverse("admin:flatpages_flatpage_change", args=[page.pk]))

    assert response.status_code == 403


def site_url_with(**env) -> str:
    """SITE_URL as the real settings read it from this environment, in a fresh process."""
    clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT", "DJANGO_DEBUG")}
    clean.update(DJANGO_SETTINGS_MODULE="finextra.settings", DJANGO_SECRET_KEY="x" * 50, **env)
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=django_settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_site_url_follows_the_port_make_run_serves_on_in_development_unless_set():
    assert site_url_with(DJANGO_DEBUG="1") == "http://127.0.0.1:8000"
    assert site_url_with(DJANGO_DEBUG="1", PORT="8001") == "http://127.0.0.1:8001"
    assert (
        site_url_with(DJANGO_DEBUG="1", PORT="8001", SITE_URL="https://news.example.com/")
        == "https://news.example.com"
    )
    # A platform's PORT says nothing about the public address: production sets SITE_URL.
    assert site_url_with(DJANGO_DEBUG="0", PORT="8001") == "http://127.0.0.1:8000"
