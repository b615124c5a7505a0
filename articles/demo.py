"""Demo channels, authors, tags and articles, in every workflow state. Safe to run again."""

from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from finextra.services import transition

from .models import Article, Author, Channel, Tag
from .provenance import Provenance

SEED_FILE = Path(__file__).parent / "demo_data" / "finextra-article.txt"

CHANNELS = {
    "capital-markets": (
        "Capital Markets",
        "News and resources on capital markets, exchanges, trade execution and post-trade "
        "settlement.",
    ),
    "payments": ("Payments", "News and resources on payments, cards, wallets and real-time rails."),
    "regulation": (
        "Regulation",
        "News and resources on financial regulation, compliance, supervision and policy.",
    ),
    "retail-banking": (
        "Retail Banking",
        "News and resources on retail banking, digital banks and customer experience.",
    ),
}

AUTHORS = {
    "finextra-editorial": ("Finextra Editorial", "The Finextra newsroom."),
    "alice-morgan": ("Alice Morgan", "Reporter covering capital markets and market structure."),
    "ravi-patel": ("Ravi Patel", "Payments correspondent, formerly at a card scheme."),
    "claire-dubois": ("Claire Dubois", "Regulation editor, based in Brussels."),
}


def seed_article_parts() -> dict:
    """Headline, standfirst, strapline and body paragraphs of the seed page, word for word."""
    lines = [line.strip() for line in SEED_FILE.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    strapline, headline, standfirst = lines[0], lines[1], lines[2]
    note_index = next(i for i, line in enumerate(lines) if line.startswith("This content has"))
    end = next(i for i, line in enumerate(lines) if line.startswith("Sponsored "))
    return {
        "strapline": strapline,
        "headline": headline,
        "standfirst": standfirst,
        "paragraphs": lines[note_index + 1 : end],
    }


def paragraphs_html(paragraphs) -> str:
    return "\n".join(f"<p>{escape(text)}</p>" for text in paragraphs)


# (slug, channel, headline, standfirst, paragraphs, authors, tags, state, days ago or ahead)
# state: "live" (published days ago), "scheduled" (days ahead), "edited", "draft", "withdrawn".
ARTICLES = [
    (
        "lse-extends-trading-hours-consultation",
        "capital-markets",
        "London Stock Exchange consults on longer trading hours",
        "The exchange asks members whether a later close would draw retail and Asian investors.",
        [
            "The London Stock Exchange has opened a consultation on extending its trading day, "
            "asking members whether a later close would attract more retail and Asian flow.",
            "Brokers said a longer day would raise staffing costs, while retail platforms "
            "welcomed the idea. Responses are due by the end of the quarter.",
        ],
        ["alice-morgan"],
        ["Exchanges", "Market structure"],
        "live",
        1,
    ),
    (
        "t-plus-one-settlement-europe-timeline",
        "capital-markets",
        "Europe sets October 2027 for T+1 settlement",
        "Industry task force publishes a detailed roadmap for the move to next-day settlement.",
        [
            "Europe's securities markets will move to T+1 settlement in October 2027, under a "
            "roadmap published by the industry task force.",
            "The report sets out changes to trading, clearing and custody, and warns that "
            "securities lending and FX funding will need the most work.",
        ],
        ["alice-morgan", "finextra-editorial"],
        ["Post-trade", "Settlement"],
        "live",
        2,
    ),
    (
        "tokenised-bond-pilot-completes",
        "capital-markets",
        "Tokenised bond pilot settles in central bank money",
        "Three banks complete a live issuance settled on a distributed ledger.",
        [
            "Three banks have completed a tokenised bond issuance settled in central bank "
            "money, as part of a wholesale settlement trial.",
            "Participants said the pilot cut settlement time to minutes, but that legal "
            "certainty across jurisdictions remains the main hurdle.",
        ],
        ["finextra-editorial"],
        ["Tokenisation", "Settlement"],
        "live",
        4,
    ),
    (
        "instant-payments-regulation-deadline",
        "payments",
        "Banks race to meet the euro instant payments deadline",
        "Payment service providers must now send instant transfers at no extra cost.",
        [
            "Eurozone payment service providers must now offer instant credit transfers at no "
            "more than the price of a standard transfer.",
            "Smaller banks have leaned on processors to meet the deadline, and several have "
            "asked for more time to build verification of payee.",
        ],
        ["ravi-patel"],
        ["Instant payments", "SEPA"],
        "live",
        1,
    ),
    (
        "open-banking-payments-volume-record",
        "payments",
        "Open banking payments hit a monthly record",
        "Variable recurring payments drive growth as merchants look beyond cards.",
        [
            "Open banking payments reached a record monthly volume, led by variable recurring "
            "payments for utilities and savings sweeps.",
            "Merchants cite lower fees and fewer chargebacks, though consumer awareness is "
            "still low outside the largest banks.",
        ],
        ["ravi-patel"],
        ["Open banking"],
        "live",
        3,
    ),
    (
        "card-scheme-fees-inquiry",
        "payments",
        "Regulator widens inquiry into card scheme fees",
        "The review now covers cross-border interchange and scheme processing charges.",
        [
            "The payments regulator has widened its review of card scheme fees to cover "
            "cross-border interchange and processing charges.",
            "Retailers said the move was overdue; the schemes said their fees reflect "
            "investment in fraud prevention.",
        ],
        ["ravi-patel", "claire-dubois"],
        ["Cards", "Competition"],
        "live",
        6,
    ),
    (
        "dora-first-year-review",
        "regulation",
        "DORA one year on: what supervisors found",
        "Supervisors report gaps in third-party risk registers and incident reporting.",
        [
            "A year after the Digital Operational Resilience Act took effect, supervisors say "
            "many firms still keep incomplete registers of their ICT providers.",
            "Incident reporting has improved, but classification remains inconsistent across "
            "member states.",
        ],
        ["claire-dubois"],
        ["DORA", "Operational resilience"],
        "live",
        2,
    ),
    (
        "ai-act-guidance-financial-services",
        "regulation",
        "Commission publishes AI Act guidance for lenders",
        "Credit scoring systems fall under the high-risk category, the guidance confirms.",
        [
            "The European Commission has published guidance on how the AI Act applies to "
            "credit scoring and insurance pricing.",
            "Lenders will need documented risk management and human oversight for models "
            "that decide access to credit.",
        ],
        ["claire-dubois", "finextra-editorial"],
        ["AI", "Lending"],
        "live",
        5,
    ),
    (
        "neobank-reaches-profitability",
        "retail-banking",
        "Digital bank reports its first full year of profit",
        "Deposit growth and lending income outpace rising marketing spend.",
        [
            "A UK digital bank has reported its first full year of profit, helped by deposit "
            "growth and a larger lending book.",
            "Executives said the bank would expand into small-business lending next year.",
        ],
        ["finextra-editorial"],
        ["Digital banks"],
        "live",
        7,
    ),
    (
        "branch-closures-cash-access",
        "retail-banking",
        "Banks open shared hubs as branches close",
        "Shared banking hubs aim to keep cash access in towns that lost their last branch.",
        [
            "Banks have opened a further set of shared banking hubs in towns that lost their "
            "last branch.",
            "Consumer groups welcomed the hubs but said opening hours remain too short.",
        ],
        ["alice-morgan"],
        ["Cash", "Branches"],
        "scheduled",
        2,
    ),
    (
        "stablecoin-rules-consultation",
        "regulation",
        "Stablecoin rules go out for consultation",
        "Issuers would need to hold reserves in short-dated government debt and cash.",
        [
            "Draft rules for stablecoin issuers would require reserves held in cash and "
            "short-dated government debt.",
            "The consultation also proposes limits on holdings for individuals during a "
            "transition period.",
        ],
        ["claire-dubois"],
        ["Stablecoins", "Crypto"],
        "scheduled",
        1,
    ),
    (
        "payments-fraud-reimbursement-data",
        "payments",
        "Fraud reimbursement data shows wide gaps between banks",
        "The first full year of mandatory reimbursement figures is due next week.",
        [
            "The first full year of data under mandatory fraud reimbursement shows wide "
            "differences in how quickly banks repay victims.",
        ],
        ["ravi-patel"],
        ["Fraud"],
        "edited",
        0,
    ),
    (
        "exchange-outage-lessons",
        "capital-markets",
        "What last week's exchange outage tells us about resilience",
        "A software update left traders unable to cancel orders for forty minutes.",
        [
            "A software update at a European exchange left members unable to cancel orders for "
            "forty minutes during the morning session.",
        ],
        ["alice-morgan"],
        ["Exchanges", "Operational resilience"],
        "draft",
        0,
    ),
    (
        "savings-rates-switching",
        "retail-banking",
        "Savers switch as easy-access rates diverge",
        "Comparison sites report record switching between easy-access accounts.",
        [
            "Savers moved money between easy-access accounts at a record pace last month as "
            "rates at the largest banks lagged those at smaller rivals.",
        ],
        ["finextra-editorial"],
        ["Savings"],
        "draft",
        0,
    ),
    (
        "broker-merger-withdrawn-story",
        "capital-markets",
        "Brokers in merger talks, sources say",
        "Two inter-dealer brokers are said to be discussing a combination.",
        ["Two inter-dealer brokers are said to be discussing a combination of their businesses."],
        ["alice-morgan"],
        ["M&A"],
        "withdrawn",
        10,
    ),
]


def _users():
    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__in=["editor", "publisher"])}


def _create(*, slug, channel, headline, standfirst, body, authors, tags, provenance):
    article = Article.objects.create(
        slug=slug,
        channel=channel,
        headline=headline,
        standfirst=standfirst,
        body=body,
        provenance=provenance,
    )
    article.authors.set(authors)
    article.tags.set(tags)
    return article


def _move_to(article, state, days, users):
    """Take a new article along the workflow, as the demo editor and publisher would."""
    if state == "draft":
        return
    transition(obj=article, move="mark_edited", user=users["editor"])
    if state == "edited":
        return
    now = timezone.now()
    if state == "scheduled":
        transition(
            obj=article, move="publish", user=users["publisher"], at=now + timedelta(days=days)
        )
        return
    transition(obj=article, move="publish", user=users["publisher"])
    # Backdate publication so the demo has a history; the state itself came from the workflow.
    past = now - timedelta(days=days, hours=len(article.headline) % 9)
    Article.objects.filter(pk=article.pk).update(published_at=past, first_published_at=past)
    article.refresh_from_db()
    if state == "withdrawn":
        transition(
            obj=article,
            move="withdraw",
            user=users["publisher"],
            note="Legal takedown: the sources did not stand the story up.",
        )


def seed(stdout):
    channels = {}
    for slug, (name, strapline) in CHANNELS.items():
        channels[slug], _ = Channel.objects.update_or_create(
            slug=slug, defaults={"name": name, "strapline": strapline}
        )
    authors = {}
    for slug, (name, bio) in AUTHORS.items():
        authors[slug], _ = Author.objects.get_or_create(
            slug=slug, defaults={"name": name, "bio": bio}
        )
    users = _users()

    seed_page = seed_article_parts()
    created = 0
    seed_slug = "ec-makes-supercomputers-widely-accessible-to-foster-ai-development"
    if not Article.objects.filter(slug=seed_slug).exists():
        tags = [_tag("AI"), _tag("High-performance computing"), _tag("European Commission")]
        article = _create(
            slug=seed_slug,
            channel=channels["capital-markets"],
            headline=seed_page["headline"],
            standfirst=seed_page["standfirst"],
            body=paragraphs_html(seed_page["paragraphs"]),
            authors=[authors["finextra-editorial"]],
            tags=tags,
            provenance=Provenance.EDITORIAL,
        )
        _move_to(article, "live", 0, users)
        created += 1

    for slug, channel, headline, standfirst, paras, by, tag_names, state, days in ARTICLES:
        if Article.objects.filter(slug=slug).exists():
            continue
        article = _create(
            slug=slug,
            channel=channels[channel],
            headline=headline,
            standfirst=standfirst,
            body=paragraphs_html(paras),
            authors=[authors[a] for a in by],
            tags=[_tag(name) for name in tag_names],
            provenance=Provenance.EDITORIAL,
        )
        _move_to(article, state, days, users)
        created += 1
    stdout.write(f"Articles: {created} added, {Article.objects.count()} in all.")


def _tag(name):
    tag, _ = Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    return tag
