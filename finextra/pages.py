"""The site's own pages (about, privacy, ...): Django's flatpages, edited in the admin, on the one
Site whose domain follows SITE_URL."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site

# (URL, title): the pages the footer links to; each has its own URL pattern (finextra/urls.py).
PAGES = (
    ("/about/", "About Finextra"),
    ("/contact/", "Contact us"),
    ("/privacy/", "Privacy policy"),
    ("/cookies/", "Cookies"),
    ("/terms/", "Terms of use"),
    ("/corrections/", "Corrections policy"),
)

# The first text of each page; after that the pages are the editors' (edited in the admin).
STARTING_TEXT = {
    "/about/": (
        "<p>Finextra publishes news and analysis on financial technology: payments, banking, "
        "capital markets, regulation and the technology behind them.</p>"
        "<p>Our newsroom selects, writes and edits editorial content independently. Sponsored "
        "content and advertisement features are always labelled and name who paid for them; "
        'see <a href="/sponsored/">sponsored and promoted content</a>.</p>'
    ),
    "/contact/": (
        '<p>News tips and press releases: <a href="mailto:newsdesk@example.com">'
        "newsdesk@example.com</a>.</p>"
        '<p>Corrections: <a href="mailto:corrections@example.com">corrections@example.com'
        '</a>. Advertising and sponsorship: <a href="mailto:sales@example.com">'
        "sales@example.com</a>.</p>"
    ),
    "/privacy/": (
        "<p>We keep what we need to run the site and nothing more. Reading articles needs no "
        "account. If you sign up to comment we keep your username, email address and "
        "comments; you can download your comments and delete your account from your account "
        "page at any time.</p>"
        "<p>Sponsored placements are counted in daily totals; we keep no record of which "
        "reader saw or clicked them.</p>"
    ),
    "/cookies/": (
        "<p>We set only the cookies the site needs to work: a session cookie when you sign in "
        "and a security (CSRF) cookie when you post a form. There are no advertising or "
        "tracking cookies, and nothing is loaded from another site.</p>"
    ),
    "/terms/": (
        "<p>The articles on this site are Finextra's copyright unless stated otherwise. You may "
        "link to them and quote short extracts with a credit.</p>"
        "<p>Comments are the views of their authors and must follow our house rules; we may "
        "remove any comment that breaks them.</p>"
    ),
    "/corrections/": (
        "<p>We correct errors of fact promptly and openly. A corrected article carries a dated "
        "note at its foot saying what changed; we do not quietly rewrite published "
        "stories.</p>"
        '<p>To report an error, email <a href="mailto:corrections@example.com">'
        "corrections@example.com</a> with the article's address.</p>"
    ),
}


def site_sync(*, using: str = "default") -> None:
    """Keep the Site's domain to SITE_URL's, so links built from it (flatpages' "view on site",
    the sitemap and feeds outside a request) point at this site, never example.com."""
    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": "Finextra"}
    )
    Site.objects.clear_cache()


def pages_seed() -> int:
    """Create the pages the footer links to that are missing (never overwrite an edit); returns
    how many were created."""
    created = 0
    for url, title in PAGES:
        page, made = FlatPage.objects.get_or_create(
            url=url, defaults={"title": title, "content": STARTING_TEXT[url]}
        )
        page.sites.add(settings.SITE_ID)
        created += made
    return created


def sync_site(sender, using="default", **kwargs) -> None:
    if sender.name == "django.contrib.sites":
        site_sync(using=using)
