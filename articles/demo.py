"""Demo channels, authors, tags and articles, in every workflow state. Safe to run again."""

from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from finextra.services import transition

from . import demo_images
from .corrections import correction_publish
from .models import Article, Author, Channel, Tag, listing_entries_sync
from .provenance import Provenance
from .services import article_save

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
    "tom-okafor": (
        "Tom Okafor",
        "Retail banking reporter. Before journalism he spent eight years in branch and "
        "contact-centre operations at a high-street bank.",
    ),
    "mei-lin": (
        "Mei Lin",
        "Covers payments and digital banking across Asia-Pacific from Singapore.",
    ),
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
# state: "live" (published days ago), "scheduled" (days ahead), "edited", "draft" (the writer's,
# still being written), "ready" (a draft the writer says is ready for edit), "withdrawn".
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
        "ready",
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
    (
        "clearing-house-margin-model-review",
        "capital-markets",
        "Clearing houses asked to explain margin jumps",
        "Supervisors want members to see sudden margin calls coming.",
        [
            "Regulators have asked central counterparties to make their margin models easier "
            "for members to predict, after sharp calls during recent market swings.",
            "Clearing members said more notice would let them line up liquidity before the "
            "calls land.",
        ],
        ["alice-morgan"],
        ["Post-trade", "Market structure"],
        "live",
        8,
    ),
    (
        "bond-trading-electronic-share",
        "capital-markets",
        "Electronic trading passes half of European bond volumes",
        "Portfolio trading and all-to-all venues drive the shift from voice.",
        [
            "More than half of European corporate bond volumes now trade electronically, "
            "according to a venue operators' survey.",
            "Portfolio trades and all-to-all platforms account for most of the growth, while "
            "large block trades still go by phone.",
        ],
        ["alice-morgan", "finextra-editorial"],
        ["Market structure", "Exchanges"],
        "live",
        11,
    ),
    (
        "consolidated-tape-provider-selected",
        "capital-markets",
        "Bond consolidated tape provider chosen",
        "A single feed of post-trade bond prices is due within eighteen months.",
        [
            "The regulator has chosen the provider that will run the consolidated tape for "
            "bonds, a single feed of post-trade prices and volumes.",
            "Buy-side firms hope the tape will make best-execution checks cheaper.",
        ],
        ["finextra-editorial"],
        ["Market structure"],
        "live",
        13,
    ),
    (
        "real-time-payments-asia-linkage",
        "payments",
        "Two Asian real-time payment systems link up",
        "Customers can now send money across the border using a phone number.",
        [
            "Two of Asia's real-time payment systems have linked, letting customers send "
            "money across the border with only the recipient's mobile number.",
            "Banks on both sides said fees would be capped for the first year.",
        ],
        ["mei-lin"],
        ["Instant payments", "Cross-border"],
        "live",
        5,
    ),
    (
        "wallet-share-online-checkout",
        "payments",
        "Digital wallets overtake cards at online checkouts",
        "Wallets now account for the largest share of online spending, a survey finds.",
        [
            "Digital wallets have overtaken cards as the most used way to pay online, "
            "according to a survey of merchants.",
            "Merchants said wallets cut abandoned checkouts but worried about fees charged by "
            "the largest wallet providers.",
        ],
        ["ravi-patel", "mei-lin"],
        ["Cards", "Wallets"],
        "live",
        9,
    ),
    (
        "request-to-pay-pilot",
        "payments",
        "Utilities trial request-to-pay for monthly bills",
        "Customers approve each bill in their banking app instead of a direct debit.",
        [
            "A group of utilities has started a request-to-pay trial, letting customers approve "
            "each monthly bill in their banking app.",
            "Consumer groups said the scheme could help people on variable incomes manage "
            "when they pay.",
        ],
        ["ravi-patel"],
        ["Open banking"],
        "live",
        12,
    ),
    (
        "consumer-duty-fair-value-review",
        "regulation",
        "Consumer duty review finds gaps in fair value checks",
        "Firms must show how they judge whether products give customers fair value.",
        [
            "A review of the consumer duty found that many firms cannot show how they decided "
            "their products offer fair value.",
            "The regulator said it would follow up with the firms whose evidence was weakest.",
        ],
        ["claire-dubois"],
        ["Consumer duty", "Supervision"],
        "live",
        6,
    ),
    (
        "mica-licences-first-wave",
        "regulation",
        "First crypto firms licensed under MiCA",
        "Exchanges and custodians win authorisation to serve customers across the EU.",
        [
            "The first exchanges and custodians have been authorised under the EU's Markets in "
            "Crypto-Assets regulation, letting them serve customers in every member state.",
            "National supervisors are still working through a backlog of applications.",
        ],
        ["claire-dubois"],
        ["Crypto", "Stablecoins"],
        "live",
        10,
    ),
    (
        "sanctions-screening-ai-guidance",
        "regulation",
        "Supervisors set out expectations for AI in sanctions screening",
        "Banks may use machine learning to cut false positives, with human review kept.",
        [
            "Supervisors have said banks may use machine learning to reduce false positives in "
            "sanctions screening, provided people review the alerts the models close.",
            "Banks welcomed the clarity but asked for common testing standards.",
        ],
        ["claire-dubois", "finextra-editorial"],
        ["AI", "Financial crime"],
        "live",
        14,
    ),
    (
        "mortgage-app-approvals-minutes",
        "retail-banking",
        "Lender promises mortgage decisions in minutes",
        "Open banking data replaces payslips and bank statements for most applicants.",
        [
            "A building society says most mortgage applicants will get a decision in minutes, "
            "using open banking data in place of payslips and statements.",
            "Brokers said the speed would help buyers in competitive markets.",
        ],
        ["tom-okafor"],
        ["Lending", "Open banking"],
        "live",
        3,
    ),
    (
        "current-account-switching-incentives",
        "retail-banking",
        "Banks bring back switching bonuses",
        "Cash incentives return as banks compete for current accounts.",
        [
            "Several banks have brought back cash bonuses for customers who switch their "
            "current account, the first such offers in over a year.",
            "Analysts said the offers show banks want salaries paid in, which keeps deposits "
            "steady.",
        ],
        ["tom-okafor"],
        ["Savings", "Digital banks"],
        "live",
        4,
    ),
    (
        "digital-bank-asia-expansion",
        "retail-banking",
        "Singapore digital bank opens in a second market",
        "The bank will start with savings accounts and add lending next year.",
        [
            "A Singapore digital bank has opened in its second market, starting with savings "
            "accounts and debit cards.",
            "It plans to add small-business lending next year.",
        ],
        ["mei-lin"],
        ["Digital banks"],
        "live",
        7,
    ),
    (
        "accessibility-banking-apps-audit",
        "retail-banking",
        "Audit finds banking apps still fail blind customers",
        "Half of the apps tested had buttons a screen reader could not name.",
        [
            "An accessibility audit of banking apps found that half had buttons a screen reader "
            "could not name, and a third timed out sessions without warning.",
            "Charities called for accessibility to be part of the consumer duty checks.",
        ],
        ["tom-okafor", "finextra-editorial"],
        ["Accessibility", "Consumer duty"],
        "live",
        9,
    ),
    (
        "cash-machine-network-funding",
        "retail-banking",
        "Cash machine network agrees new funding model",
        "Banks will share the cost of keeping free machines in remote areas.",
        [
            "Banks have agreed to share the cost of keeping free-to-use cash machines open in "
            "remote and rural areas.",
        ],
        ["tom-okafor"],
        ["Cash"],
        "draft",
        0,
    ),
]


# The seed article's picture (its alt text is the headline, as on the seed page), and charts
# for a few others. The charts add nothing a screen-reader user would miss: decorative.
CHART_IMAGES = {
    "t-plus-one-settlement-europe-timeline": (11, 79, 138),
    "open-banking-payments-volume-record": (0, 110, 90),
    "dora-first-year-review": (120, 40, 140),
}


# One live demo article carries a published correction, as an example for the desk.
DEMO_CORRECTION_SLUG = "lse-extends-trading-hours-consultation"
DEMO_CORRECTION = (
    "An earlier version of this article said responses were due by the end of the month. "
    "They are due by the end of the quarter."
)


def _users():
    User = get_user_model()
    names = ["writer", "editor", "publisher"]
    return {u.username: u for u in User.objects.filter(username__in=names)}


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
    """Take a new article along the workflow, as the demo writer, editor and publisher would."""
    if state in ("draft", "ready"):
        # The writer's drafts: in their own list, and in the editors' queue once ready.
        Article.objects.filter(pk=article.pk).update(updated_by=users.get("writer"))
        if state == "ready":
            article.refresh_from_db()
            transition(obj=article, move="ready_for_edit", user=users["writer"])
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
    listing_entries_sync([article.pk])  # update() bypasses save(): the tag and author listings
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
    seed_article = Article.objects.get(slug=seed_slug)
    _add_lead_image(seed_article, draw=demo_images.supercomputer_hall, alt=seed_page["headline"])

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
    for seed, (slug, colour) in enumerate(CHART_IMAGES.items()):
        article = Article.objects.get(slug=slug)
        _add_lead_image(
            article,
            draw=lambda colour=colour, seed=seed: demo_images.chart(seed=seed, colour=colour),
            decorative=True,
            credit="Illustration: Finextra",
        )
    corrected = Article.objects.get(slug=DEMO_CORRECTION_SLUG)
    if corrected.is_live and not corrected.corrections:
        correction_publish(article=corrected, note=DEMO_CORRECTION, user=users["editor"])
    stdout.write(f"Articles: {created} added, {Article.objects.count()} in all.")


def _add_lead_image(article, *, draw, alt="", decorative=False, credit=""):
    """Give `article` a drawn lead image, once: saved to storage, its renditions made once the
    seed commits."""
    if article.lead_image:
        return
    article.lead_image = ContentFile(draw(), name=f"{article.slug[:80]}.jpg")
    article.lead_image_alt = alt
    article.lead_image_decorative = decorative
    article.lead_image_credit = credit
    article_save(article=article)


def _tag(name):
    tag, _ = Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    return tag
