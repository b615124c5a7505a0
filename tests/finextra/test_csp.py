"""Content-Security-Policy: on every response, closed on public pages, with the desk's two
listed relaxations in the admin; violations are logged; flat pages cannot carry a script."""

import base64
import hashlib
import json
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.test import Client
from django.urls import reverse

from finextra.pages import pages_seed
from tests.articles.helpers import csrf_token, signed_in

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def site(live_article, reader):
    pages_seed()
    return live_article


def public_urls(article):
    return [
        "/",
        article.get_absolute_url(),
        "/channels/capital-markets/",
        "/tags/rates/",
        "/authors/alice-morgan/",
        "/search/?q=rates",
        "/about/",
        "/sponsored/",
        "/comments/house-rules/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password-reset/",
        "/feeds/latest/rss/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/robots.txt",
        "/healthz",
        "/no-such-page/",  # 404
        "/sponsored/seen/not-a-token.gif",  # 404 from a view
    ]


def test_every_public_response_carries_the_closed_policy(client, site):
    for url in public_urls(site):
        response = client.get(url)
        directives = policy(response)
        assert directives["script-src"] == ["'self'"], url
        assert directives["style-src"] == ["'self'"], url
        assert directives["default-src"] == ["'self'"], url
        assert directives["frame-ancestors"] == ["'none'"], url
        assert directives["object-src"] == ["'none'"], url
        assert directives["base-uri"] == ["'none'"], url
        assert directives["report-uri"] == ["/csp-report/"], url


def test_public_pages_carry_no_nonce_so_cached_copies_are_the_same_bytes(client, site):
    first = client.get(site.get_absolute_url())
    second = Client().get(site.get_absolute_url())

    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]
    assert "nonce" not in first["Content-Security-Policy"]
    assert "unsafe-inline" not in first["Content-Security-Policy"]
    assert "nonce=" not in first.content.decode()


def test_a_signed_in_readers_pages_carry_the_same_policy(site, reader):
    client = Client()
    client.force_login(reader)

    response = client.get(site.get_absolute_url())

    assert policy(response)["script-src"] == ["'self'"]


def test_no_public_page_has_an_inline_script_or_handler(client, site):
    for url in public_urls(site):
        html = client.get(url).content.decode()
        for script in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL):
            attributes, body = script
            # Data blocks (JSON-LD) are not scripts; anything else must be a file.
            assert 'type="application/ld+json"' in attributes or not body.strip(), url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert "javascript:" not in html, url


def test_the_admin_allows_the_editors_import_map_by_its_hash_and_nothing_else_inline(
    editor, channel
):
    client = signed_in(editor)

    response = client.get(reverse("admin:articles_article_add"))

    html = response.content.decode()
    importmap = re.search(r'<script type="importmap"[^>]*>(.*?)</script>', html, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(importmap.group(1).encode()).digest()).decode()
    directives = policy(response)
    assert directives["script-src"] == ["'self'", f"'sha256-{digest}'"]
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


def test_the_admin_sign_in_page_has_the_admins_policy(client):
    assert "'unsafe-inline'" in policy(client.get("/admin/login/"))["style-src"]


# Reports.


def test_a_violation_report_is_logged_and_answered_with_no_content(client, caplog):
    report = {
        "csp-report": {
            "document-uri": "https://news.example.com/news/1/a/",
            "violated-directive": "script-src-elem",
            "blocked-uri": "https://evil.example/x.js",
        }
    }

    response = client.post(
        "/csp-report/", json.dumps(report), content_type="application/csp-report"
    )

    assert response.status_code == 204
    assert "CSP violation: script-src-elem blocked https://evil.example/x.js" in caplog.text


def test_a_flood_of_reports_from_one_address_is_not_logged(client, caplog):
    from finextra.csp import REPORTS_PER_MINUTE

    report = json.dumps({"csp-report": {"violated-directive": "img-src", "blocked-uri": "x"}})
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, 5, tzinfo=UTC), tick=False):
        statuses = [
            client.post("/csp-report/", report, content_type="application/csp-report").status_code
            for _ in range(REPORTS_PER_MINUTE + 5)
        ]
        elsewhere = Client(REMOTE_ADDR="198.51.100.9").post(
            "/csp-report/", report, content_type="application/csp-report"
        )

    assert statuses == [204] * REPORTS_PER_MINUTE + [429] * 5
    assert caplog.text.count("CSP violation") == REPORTS_PER_MINUTE + 1
    assert elsewhere.status_code == 204


def test_the_report_endpoint_takes_only_reports(client):
    assert client.get("/csp-report/").status_code == 405
    garbage = client.post("/csp-report/", "not json", content_type="application/csp-report")
    assert garbage.status_code == 400


# Flat pages.

SCRIPTED = (
    '<p onclick="steal()">About us</p><script>document.title = "pwned"</script>'
    '<a href="javascript:steal()">x</a><img src=x onerror="steal()"><style>p{}</style>'
)


def test_a_script_written_into_a_flat_page_never_reaches_the_page(client, db):
    pages_seed()
    FlatPage.objects.filter(url="/about/").update(
        title="About</title><script>steal()</script>", content=SCRIPTED
    )

    html = client.get("/about/").content.decode()

    body = html.split('class="site-page-body">')[1].split("</div>")[0]
    assert "About us" in body
    assert "<script" not in body and "steal" not in body and "<style" not in body
    assert "<script>steal" not in html


def test_a_flat_page_saved_in_the_admin_is_stored_cleaned(make_user, db):
    from finextra import roles

    pages_seed()
    page = FlatPage.objects.get(url="/about/")
    client = signed_in(make_user("editor", roles.EDITOR))
    url = reverse("admin:flatpages_flatpage_change", args=[page.pk])
    data = {
        "csrfmiddlewaretoken": csrf_token(client, url),
        "url": "/about/",
        "title": "About Finextra",
        "content": SCRIPTED,
        "sites": [Site.objects.get_current().pk],
        "template_name": "",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    page.refresh_from_db()
    assert "About us" in page.content
    assert "<script" not in page.content and "steal" not in page.content


def test_images_from_the_s3_store_or_its_cdn_are_allowed():
    """The policy follows the media settings: a CDN or bucket needs no extra setting."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "MEDIA_S3_BUCKET": "newsroom-media",
        "MEDIA_S3_CUSTOM_DOMAIN": "media.example.com",
        "CSP_MEDIA_ORIGINS": "https://images.example.net",
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )

    output = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()

    assert output == [
        "'self'",
        "https://images.example.net",
        "https://media.example.com",
        "https://newsroom-media.s3.amazonaws.com",
    ]
