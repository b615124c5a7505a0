"""A realistic archive for the scale benchmark, loaded into PostgreSQL with COPY.

On top of what `seed_demo` makes (channels, authors, tags, sponsors, placements, the seed article
and its accounts), `archive_load()` adds articles spread over twelve channels with tags and
authors (a few prolific, most occasional), reader accounts, comments and replies (one article
carrying exactly `SEED_COMMENTS` of them, the article page the benchmark measures), sponsors,
placements over the years with their daily counts, and a desk's worth of drafts, edited,
scheduled and withdrawn articles.

Rows go in with PostgreSQL's COPY, so 100,000 articles and 1,000,000 comments load in minutes.
What `save()` would compute is computed here once per distinct text (clean bodies, their plain
text, a comment's HTML); what the database computes it still computes: the search document
trigger of migration 0005 fires on every article row COPY inserts. `comment_count` is then set
from the comments that count (published, not removed) in one UPDATE, and the sequences are moved
past the ids used. Run inside Django (settings set up, PostgreSQL as the default database).
"""

import json
import math
import random
import time
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import Count, Max
from django.utils.text import slugify

SEED = 20261130
SEED_COMMENTS = 500  # comments on the article whose page the benchmark measures
COMMENT_TEXTS = 300  # distinct comment bodies, each rendered once as save() would
YEARS = 10  # the archive's articles are published over this many years, up to now

EXTRA_CHANNELS = [
    ("Retail banking", "Current accounts, mortgages, branches and the apps that replace them."),
    ("Wholesale banking", "Transaction banking, trade finance and treasury for corporates."),
    ("Regulation", "Rules, supervisors, enforcement and the compliance industry around them."),
    ("Crypto", "Digital assets, stablecoins, tokenisation and the ledgers under them."),
    ("Security", "Fraud, financial crime, identity and cyber security in finance."),
    ("Start-ups", "Funding rounds, launches and the founders behind them."),
    ("Wealth", "Wealth management, robo-advice and the platforms investors use."),
    ("Insurance", "Insurtech: underwriting, claims and distribution, made digital."),
]
FIRST_NAMES = [
    "Anna",
    "Ben",
    "Chloe",
    "Dev",
    "Emma",
    "Farid",
    "Grace",
    "Hiro",
    "Isla",
    "Jonas",
    "Kemi",
    "Leo",
    "Maya",
    "Nikhil",
    "Olga",
]
LAST_NAMES = [
    "Adams",
    "Baker",
    "Chen",
    "Diallo",
    "Evans",
    "Fischer",
    "Gupta",
    "Hughes",
    "Ito",
    "Jones",
    "Khan",
    "Lopez",
]


def _zipf(count: int, exponent: float = 1.0) -> list[float]:
    return [1.0 / (rank + 1) ** exponent for rank in range(count)]


def _copy(table: str, columns: list[str], rows) -> int:
    """COPY `rows` (tuples in `columns` order) into `table`; returns how many."""
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _next_id(model) -> int:
    return (model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def _reset_sequences(*models):
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)


class _Log:
    def __init__(self, out):
        self.out = out
        self.started = time.perf_counter()

    def __call__(self, message: str):
        if self.out is not None:
            elapsed = time.perf_counter() - self.started
            self.out.write(f"  [{elapsed:6.1f} s] {message}\n")
            self.out.flush()


def archive_load(*, articles: int, comments: int, out=None) -> dict:
    """Add `articles` articles and `comments` comments to a seeded PostgreSQL database.

    Returns what the benchmark needs to find its pages: the article with `SEED_COMMENTS`
    comments, the busiest channel, tag and author (their slugs) and the seconds it took."""
    from articles.models import Article, Author, Channel, ListingEntry, Tag
    from articles.sanitize import body_plain_text, clean_body
    from benchmarks.search import SUBJECTS, WORDS, _sentence, _weights
    from comments.models import Comment
    from comments.rendering import render_body
    from finextra.models import User, live_at
    from finextra.workflow import State
    from sponsors.models import Kind, Placement, PlacementDay, Slot, Sponsor

    if connection.vendor != "postgresql":
        raise RuntimeError("The archive loads into PostgreSQL only (it uses COPY).")
    log = _Log(out)
    rng = random.Random(SEED)
    weights = _weights()
    now = datetime.now(UTC).replace(microsecond=0)
    started = time.perf_counter()

    # --- channels, authors, tags, sponsors, readers -------------------------------------------
    for name, strapline in EXTRA_CHANNELS:
        Channel.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "strapline": strapline}
        )
    channels = list(Channel.objects.order_by("pk").values_list("pk", flat=True))
    rng.shuffle(channels)  # which channel is busiest is the draw's, not the seed's order
    channel_weights = _zipf(len(channels), 0.8)

    author_count = max(12, min(150, articles // 500))
    for number in range(author_count):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {number}"
        Author.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "bio": _sentence(rng, weights, 12, 24)}
        )
    authors = list(Author.objects.order_by("pk").values_list("pk", flat=True))
    rng.shuffle(authors)
    author_weights = _zipf(len(authors), 0.9)

    tag_count = max(30, min(1500, articles // 60))
    for number in range(tag_count):
        name = f"{' '.join(rng.choices(WORDS, weights=weights, k=2)).title()} {number}"
        Tag.objects.get_or_create(slug=slugify(name)[:60], defaults={"name": name[:60]})
    tags = list(Tag.objects.order_by("pk").values_list("pk", flat=True))
    rng.shuffle(tags)
    tag_weights = _zipf(len(tags), 1.0)

    for number in range(60):
        name = f"{rng.choice(SUBJECTS)} {rng.choice(WORDS).title()} Group {number}"
        Sponsor.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "website": "https://example.com/"}
        )
    sponsors = list(Sponsor.objects.order_by("pk").values_list("pk", flat=True))

    readers = max(200, min(20_000, comments // 50))
    first_user = _next_id(User)
    user_columns = [
        "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name",
        "email", "is_staff", "is_active", "date_joined", "display_name",
    ]  # fmt: skip
    _copy(
        User._meta.db_table,
        user_columns,
        (
            (
                first_user + n,
                "!",  # no usable password: nobody signs in as an archive reader
                None,
                False,
                f"archive-reader-{n}",
                "",
                "",
                f"reader{n}@example.com",
                False,
                True,
                now - timedelta(days=rng.randint(1, YEARS * 365)),
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)[0]}.",
            )
            for n in range(readers)
        ),
    )
    reader_ids = list(range(first_user, first_user + readers))
    log(f"{len(channels)} channels, {len(authors)} authors, {len(tags)} tags, {readers} readers")

    # --- articles -------------------------------------------------------------------------------
    bodies = []
    for _ in range(200):
        paragraphs = []
        for _ in range(rng.randint(4, 8)):
            sentences = [_sentence(rng, weights, 8, 18) for _ in range(rng.randint(2, 4))]
            paragraphs.append(f"<p>{' '.join(sentences)}</p>")
        body = clean_body("".join(paragraphs))
        bodies.append((body, body_plain_text(body)))
    image = (
        Article.objects.exclude(lead_image="")
        .values(
            "lead_image",
            "lead_image_width",
            "lead_image_height",
            "lead_image_renditions",
            "lead_image_alt",
            "lead_image_decorative",
            "lead_image_credit",
        )
        .first()
    )
    paid = ("sponsored", "advertiser_content")
    article_columns = [
        "id", "state", "published_at", "first_published_at", "revised_at", "withdrawn_at",
        "version", "headline", "slug", "standfirst", "body", "body_text", "channel_id",
        "provenance", "sponsor_id", "lead_image", "lead_image_width", "lead_image_height",
        "lead_image_renditions", "lead_image_alt", "lead_image_decorative",
        "lead_image_caption", "lead_image_credit", "comment_mode", "comment_count",
        "corrections", "created_at", "updated_at", "ready_for_edit_at",
    ]  # fmt: skip
    first_article = _next_id(Article)
    span = YEARS * 365 * 24 * 3600
    live_articles = []  # (id, published_at) of the live ones, for comments
    article_channels = []
    article_tags = []  # (article, tag)
    article_authors = []
    desk = {"draft": 0, "edited": 0, "scheduled": 0, "withdrawn": 0}

    def article_rows():
        for n in range(articles):
            pk = first_article + n
            # Newest first in time as in id, with some jitter (back-dated imports exist too).
            age = span * (1 - (n + 1) / (articles + 1)) + rng.uniform(-3600, 3600)
            published = now - timedelta(seconds=max(60, age))
            state, revised, withdrawn, first = State.PUBLISHED, None, None, published
            draw = rng.random()
            recent = n >= articles * 0.98  # the desk's work in hand is among the newest
            if recent and draw < 0.05:
                published = now + timedelta(hours=rng.randint(1, 24 * 14))
                first = None
                desk["scheduled"] += 1
            elif (recent and draw < 0.20) or draw < 0.003:
                state, published, first = State.DRAFT, None, None
                desk["draft"] += 1
            elif recent and draw < 0.25:
                state, published, first = State.EDITED, None, None
                desk["edited"] += 1
            elif draw < 0.004:
                state, withdrawn = State.DRAFT, published + timedelta(days=1)
                published = None
                desk["withdrawn"] += 1
            elif draw < 0.03:
                revised = published + timedelta(hours=rng.randint(1, 48))
            channel = rng.choices(channels, weights=channel_weights)[0]
            provenance = rng.choices(
                ["editorial", "community", "house", "sponsored", "advertiser_content"],
                weights=[80, 12, 3, 4, 1],
            )[0]
            sponsor = rng.choice(sponsors) if provenance in paid else None
            headline = (
                f"{rng.choice(SUBJECTS)} {' '.join(rng.choices(WORDS, weights=weights, k=7))}"
            )
            body, body_text = bodies[n % len(bodies)]
            pictured = image is not None and rng.random() < 0.3
            article_channels.append(channel)
            for tag in set(rng.choices(tags, weights=tag_weights, k=rng.randint(1, 4))):
                article_tags.append((pk, tag))
            for author in set(rng.choices(authors, weights=author_weights, k=rng.randint(1, 2))):
                article_authors.append((pk, author))
            if live_at(state=state, published_at=published, at=now):
                live_articles.append((pk, published))
            saved = (revised or published or now - timedelta(days=1)) + timedelta(minutes=5)
            yield (
                pk,
                state,
                published,
                first,
                revised,
                withdrawn,
                rng.randint(2, 9),
                headline.capitalize()[:150],
                f"{slugify(headline)[:140]}-{pk}",
                _sentence(rng, weights, 15, 30)[:320],
                body,
                body_text,
                channel,
                provenance,
                sponsor,
                image["lead_image"] if pictured else "",
                image["lead_image_width"] if pictured else None,
                image["lead_image_height"] if pictured else None,
                json.dumps(image["lead_image_renditions"] if pictured else []),
                image["lead_image_alt"] if pictured else "",
                image["lead_image_decorative"] if pictured else False,
                "",
                image["lead_image_credit"] if pictured else "",
                rng.choices(["open", "premoderated", "closed", "hidden"], [85, 8, 5, 2])[0],
                0,
                "[]",
                saved - timedelta(days=2),
                saved,
                # Half the drafts are marked ready: the editors' "Awaiting edit" queue.
                saved if state == State.DRAFT and withdrawn is None and n % 2 else None,
            )

    _copy(Article._meta.db_table, article_columns, article_rows())
    _copy(Article.tags.through._meta.db_table, ["article_id", "tag_id"], article_tags)
    _copy(Article.authors.through._meta.db_table, ["article_id", "author_id"], article_authors)
    with connection.cursor() as cursor:
        # What listing_entries_sync writes (articles.services, after each save and move):
        # published articles' tag and author entries.
        for through, column in (
            (Article.tags.through, "tag_id"),
            (Article.authors.through, "author_id"),
        ):
            cursor.execute(
                f"""INSERT INTO {ListingEntry._meta.db_table} (article_id, {column}, published_at)
                    SELECT t.article_id, t.{column}, a.published_at
                    FROM {through._meta.db_table} AS t
                    JOIN {Article._meta.db_table} AS a ON a.id = t.article_id
                    WHERE a.state = %s AND a.published_at IS NOT NULL""",
                [State.PUBLISHED],
            )
    log(
        f"{articles} articles ({len(live_articles)} live; desk: {desk}), "
        f"{len(article_tags)} tag and {len(article_authors)} author links"
    )

    # --- comments -------------------------------------------------------------------------------
    texts = []
    for _ in range(COMMENT_TEXTS):
        paragraphs = [_sentence(rng, weights, 6, 30) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.1:
            paragraphs.append("More at https://example.com/report.")
        body = "\n\n".join(paragraphs)
        texts.append((body, render_body(body)))
    seed_article = (
        Article.objects.live().filter(comment_mode="open").order_by("pk").first()
    )  # the seed's article: the page the article benchmark measures too
    first_comment = _next_id(Comment)
    comment_columns = [
        "id", "state", "published_at", "first_published_at", "revised_at", "withdrawn_at",
        "version", "article_id", "parent_id", "root_id", "depth", "author_id", "guest_name",
        "guest_email", "body", "body_html", "created_at", "edited_at", "removed_at", "ip_hash",
        "notify_replies", "editors_pick", "open_reports",
    ]  # fmt: skip
    # Comments cluster on few articles (most articles have none): a Zipf draw over the live
    # ones, the seed article getting exactly SEED_COMMENTS of its own.
    others = max(0, comments - SEED_COMMENTS)
    commented = [a for a in live_articles if a[0] != seed_article.pk]
    rng.shuffle(commented)
    commented = commented[: max(1, len(commented) // 3)]
    shares = _zipf(len(commented), 0.7)
    scale = others / sum(shares)
    plan = [(seed_article.pk, seed_article.published_at, SEED_COMMENTS)]
    left = others
    for (pk, published), share in zip(commented, shares, strict=True):
        n = min(left, max(0, round(share * scale)))
        if n:
            plan.append((pk, published, n))
            left -= n
    if left and len(plan) > 1:
        pk, published, n = plan[1]
        plan[1] = (pk, published, n + left)

    def comment_rows():
        pk = first_comment
        for article, published, count in plan:
            thread = []  # (id, root, depth) of this article's comments so far
            for _ in range(count):
                created = published + timedelta(
                    seconds=min(
                        (now - published).total_seconds() - 1,
                        rng.expovariate(1 / (6 * 3600)),
                    )
                )
                parent = root = None
                depth = 0
                if thread and rng.random() < 0.35:
                    parent, parent_root, parent_depth = rng.choice(thread[-40:])
                    root = parent_root or parent
                    depth = parent_depth + 1
                # The measured article's comments are all live: its page shows exactly
                # SEED_COMMENTS; elsewhere some await moderation, a few are removed or reported.
                draw = rng.random() if article != seed_article.pk else 0.0
                state = State.PUBLISHED if draw < 0.95 else State.DRAFT
                removed = created + timedelta(hours=2) if 0.95 <= draw < 0.96 else None
                reports = rng.randint(1, 3) if draw > 0.998 else 0
                guest = rng.random() < 0.1
                body, html = rng.choice(texts)
                thread.append((pk, root, depth))
                yield (
                    pk,
                    state,
                    created if state == State.PUBLISHED else None,
                    created if state == State.PUBLISHED else None,
                    None,
                    None,
                    1,
                    article,
                    parent,
                    root,
                    depth,
                    None if guest else rng.choice(reader_ids),
                    f"Guest {pk % 997}" if guest else "",
                    f"guest{pk % 997}@example.com" if guest else "",
                    body,
                    html,
                    created,
                    None,
                    removed,
                    "",
                    False,
                    rng.random() < 0.002,
                    reports,
                )
                pk += 1

    made = _copy(Comment._meta.db_table, comment_columns, comment_rows())
    # As the comments app keeps it: the visible comments and replies, not tombstones.
    counts = Comment.objects.visible().order_by().values("article_id").annotate(n=Count("pk"))
    counts_sql, params = counts.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {Article._meta.db_table} AS a SET comment_count = c.n
                FROM ({counts_sql}) AS c WHERE a.id = c.article_id""",
            params,
        )
    log(f"{made} comments over {len(plan)} articles")

    # --- placements and their daily counts -------------------------------------------------------
    placement_columns = [
        "id", "state", "published_at", "first_published_at", "revised_at", "withdrawn_at",
        "version", "sponsor_id", "shown_for_id", "paid_by_id", "kind", "provenance", "category",
        "title", "summary", "event_date", "event_place", "target_url", "image", "image_alt",
        "slot", "starts_at", "ends_at", "weight", "created_at", "updated_at",
    ]  # fmt: skip
    placement_count = max(40, articles // 40)
    first_placement = _next_id(Placement)
    placement_channels, days = [], []

    def placement_rows():
        for n in range(placement_count):
            pk = first_placement + n
            # Booked over the years; the newest few run now (ending in the coming weeks).
            starts = now - timedelta(seconds=span * (1 - (n + 1) / placement_count))
            starts -= timedelta(days=14)
            ends = starts + timedelta(days=rng.randint(7, 42))
            kind = rng.choice([Kind.EVENT, Kind.CONTENT, Kind.BANNER])
            slot = rng.choice(list(Slot))
            if slot != Slot.HOME and rng.random() < 0.5:
                placement_channels.append((pk, rng.choice(channels)))
            state = State.PUBLISHED if rng.random() < 0.9 else State.DRAFT
            for day in range(min(60, (min(ends, now) - starts).days)):
                seen = rng.randint(200, 5000)
                days.append((pk, (starts + timedelta(days=day)).date(), seen, seen // 200))
            yield (
                pk,
                state,
                starts - timedelta(days=1) if state == State.PUBLISHED else None,
                starts - timedelta(days=1) if state == State.PUBLISHED else None,
                None,
                None,
                3,
                rng.choice(sponsors),
                None,
                None,
                kind,
                rng.choice(["sponsored", "advertiser_content", "promoted", "house"]),
                rng.choice(["Webinar", "Impact Study", "Event", "Report", ""]),
                _sentence(rng, weights, 4, 9)[:200],
                _sentence(rng, weights, 10, 20)[:400],
                (starts + timedelta(days=5)).date() if kind == Kind.EVENT else None,
                "London" if kind == Kind.EVENT else "",
                f"https://example.com/campaign/{pk}",
                "",
                "",
                slot,
                starts,
                ends,
                rng.randint(1, 10),
                starts - timedelta(days=3),
                starts - timedelta(days=1),
            )

    _copy(Placement._meta.db_table, placement_columns, placement_rows())
    _copy(
        Placement.channels.through._meta.db_table,
        ["placement_id", "channel_id"],
        placement_channels,
    )
    _copy(PlacementDay._meta.db_table, ["placement_id", "day", "impressions", "clicks"], days)
    log(f"{placement_count} placements, {len(days)} placement days")

    _reset_sequences(User, Article, Comment, Placement, PlacementDay)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a load
    log("VACUUM ANALYZE")

    return {"seconds": time.perf_counter() - started, **archive_facts()}


def archive_facts() -> dict:
    """What the benchmark measures on a loaded archive: the article with the most comments, the
    busiest channel, tag and author (slugs) and how many live articles each lists."""
    from articles.models import Article, Author, Channel, Tag
    from comments.models import Comment

    live = Article.objects.live()
    seed = live.filter(comment_mode="open").order_by("pk").first()

    def busiest(rows, column):
        row = rows.values(column).annotate(n=Count("pk")).order_by("-n").first()
        return row[column], row["n"]

    channel_pk, channel_live = busiest(live, "channel_id")
    tag_pk, tag_live = busiest(
        Article.tags.through.objects.filter(article__in=live.values("pk")), "tag_id"
    )
    author_pk, author_live = busiest(
        Article.authors.through.objects.filter(article__in=live.values("pk")), "author_id"
    )
    return {
        "articles": Article.objects.count(),
        "comments": Comment.objects.count(),
        "live": live.count(),
        "article": seed.pk,
        "article_comments": seed.comment_count,
        "channel": Channel.objects.get(pk=channel_pk).slug,
        "channel_live": channel_live,
        "tag": Tag.objects.get(pk=tag_pk).slug,
        "tag_live": tag_live,
        "author": Author.objects.get(pk=author_pk).slug,
        "author_live": author_live,
    }


def pages_for(count: int, size: int) -> int:
    return max(1, math.ceil(count / size))
