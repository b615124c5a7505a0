"""Demo sponsors, the seed page's two placements and a few more, and two sponsored articles.
Everything goes live through the workflow, as the demo editor and publisher. Safe to run again."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, Channel
from articles.provenance import Provenance
from finextra.services import transition

from .models import Kind, Placement, Slot, Sponsor
from .services import placement_save

SPONSORS = {
    "northwind-cloud": ("Northwind Cloud", "https://northwind.example.com/"),
    "verity-risk-systems": ("Verity Risk Systems", "https://verity.example.com/"),
    "brightline-media": ("Brightline Media", "https://brightline.example.com/"),
    "halcyon-payments": ("Halcyon Payments", "https://halcyon.example.com/"),
    "finextra": ("Finextra", ""),
}

# The seed page's two placements, word for word, and a few more for the other slots.
PLACEMENTS = [
    {
        "title": "NextGen:AI - Intelligent Banking, Intelligent Future - Save the date!",
        "kind": Kind.EVENT,
        "provenance": Provenance.SPONSORED,
        "event_date": date(2024, 11, 26),
        "event_place": "London",
        "sponsor": "northwind-cloud",
        "target_url": "https://events.example.com/nextgen-ai/",
        "slot": Slot.ARTICLE_INLINE,
        "channels": ["capital-markets"],
    },
    {
        "title": "Fraud and AML Case Management: How to Operate at the Speed of Risk",
        "kind": Kind.CONTENT,
        "provenance": Provenance.PROMOTED,
        "category": "Impact Study",
        "summary": "How banks cut the time from alert to decision without adding analysts.",
        "sponsor": "verity-risk-systems",
        # An agency booked and paid for it on its client's behalf.
        "paid_by": "brightline-media",
        "target_url": "https://verity.example.com/impact-study/fraud-aml-case-management/",
        "slot": Slot.ARTICLE_FOOT,
        "channels": ["capital-markets"],
    },
    {
        "title": "Instant payments and fraud: what changes in 2027",
        "kind": Kind.BANNER,
        "provenance": Provenance.SPONSORED,
        "category": "Webinar",
        "summary": "A one-hour briefing for payments and fraud teams.",
        "sponsor": "halcyon-payments",
        "target_url": "https://halcyon.example.com/webinars/instant-payments-fraud/",
        "slot": Slot.HOME,
        "channels": [],
    },
    {
        "title": "The Future of Payments 2027: the Finextra research report",
        "kind": Kind.CONTENT,
        "provenance": Provenance.HOUSE,
        "category": "Research",
        "sponsor": "finextra",
        "target_url": "https://research.example.com/future-of-payments-2027/",
        "slot": Slot.CHANNEL,
        "channels": ["payments"],
    },
]

SPONSORED_ARTICLES = [
    {
        "slug": "instant-payments-fraud-report",
        "channel": "payments",
        "provenance": Provenance.SPONSORED,
        "sponsor": "halcyon-payments",
        "headline": "Instant payments fraud: where the losses now fall",
        "standfirst": "A Finextra report on who bears the cost when real-time payments go wrong.",
        "body": (
            "<p>Real-time payments have moved fraud from cards to push payments, and with it "
            "the question of who repays the victim.</p>"
            "<p>The full report, with data from twelve banks, is on "
            '<a href="https://halcyon.example.com/report/">the sponsor\'s site</a>.</p>'
        ),
    },
    {
        "slug": "five-questions-core-banking-cloud",
        "channel": "retail-banking",
        "provenance": Provenance.ADVERTISER_CONTENT,
        "sponsor": "northwind-cloud",
        "headline": "Five questions to ask before moving core banking to the cloud",
        "standfirst": "Resilience, exit plans and cost: what boards ask first.",
        "body": (
            "<p>Moving a core ledger is less about technology than about exit plans, "
            "regulators' expectations and the cost of running two systems at once.</p>"
            '<p>Read <a href="https://northwind.example.com/core-banking/">Northwind\'s '
            "guide</a> for the full checklist.</p>"
        ),
    },
]


def _users():
    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__in=["editor", "publisher"])}


def _take_live(item, users):
    transition(obj=item, move="mark_edited", user=users["editor"])
    transition(obj=item, move="publish", user=users["publisher"])


def seed(stdout):
    sponsors = {}
    for slug, (name, website) in SPONSORS.items():
        sponsors[slug], _ = Sponsor.objects.update_or_create(
            slug=slug, defaults={"name": name, "website": website}
        )
    channels = {channel.slug: channel for channel in Channel.objects.all()}
    users = _users()
    now = timezone.now()

    added = 0
    for spec in PLACEMENTS:
        if Placement.objects.filter(title=spec["title"]).exists():
            continue
        fields = {k: v for k, v in spec.items() if k not in ("sponsor", "paid_by", "channels")}
        placement = Placement(
            **fields,
            sponsor=sponsors[spec["sponsor"]],
            paid_by=sponsors[spec["paid_by"]] if "paid_by" in spec else None,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=365),
        )
        placement.full_clean()
        placement_save(placement=placement)
        placement.channels.set(channels[slug] for slug in spec["channels"])
        _take_live(placement, users)
        added += 1
    stdout.write(f"Placements: {added} added, {Placement.objects.count()} in all.")

    added = 0
    for spec in SPONSORED_ARTICLES:
        if Article.objects.filter(slug=spec["slug"]).exists():
            continue
        article = Article.objects.create(
            **{**spec, "channel": channels[spec["channel"]], "sponsor": sponsors[spec["sponsor"]]}
        )
        _take_live(article, users)
        added += 1
    stdout.write(f"Sponsored articles: {added} added.")
