"""The listing pages' articles (home, channel, tag, author), a page at a time, at any archive size.

- No full count: a page fetches one row more than it shows to know whether an older page
  exists. Tag and author pages, which say how many articles they hold, count at most
  `COUNT_CAP` + 1 rows ("More than 1,000 articles" past that).
- A deep page walks the listing's index only: the page's ids come from a subquery that an
  index-only scan answers (`article_live`, `article_channel_live` hold the ordering and the id;
  tag and author pages read their `ListingEntry` rows, written at save, through `listing_tag`
  and `listing_author`), so `OFFSET` skips index entries, not table rows; the outer query reads
  the page's rows alone.
- Each card's HTML is cached per article version (`card_version`) and the page's cards are read
  with one `get_many`: a warm page renders no card template, builds no image sources and loads
  no authors. Only the cards missing from the cache load their article (with channel and
  sponsor) and its authors, render, and are stored.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from finextra.cache import release

from .fragments import FRAGMENT_SECONDS, fragment_generation
from .models import Article, ListingEntry

PAGE_SIZE = 20
# Beyond this the page number is refused (404): OFFSET stays bounded whatever a URL says.
MAX_PAGE = 100_000
COUNT_CAP = 1_000
# The first cards are on the first screen: their thumbnails load at once, the rest lazily.
EAGER_CARDS = 3
ORDERING = ("-published_at", "-id")


def page_number(request) -> int:
    """The ?page= of a listing: a whole number from 1 to MAX_PAGE, else the page is a 404."""
    raw = request.GET.get("page", "")
    if raw == "":
        return 1
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(MAX_PAGE)):
        raise Http404("No such page.")
    number = int(raw)
    if not 1 <= number <= MAX_PAGE:
        raise Http404("No such page.")
    return number


def capped_count(ids) -> int:
    """How many rows `ids` has, counting no further than COUNT_CAP + 1."""
    return ids.order_by()[: COUNT_CAP + 1].count()


def article_ids(articles):
    """A listing of `articles` (live ones, a channel's, ...) as its ordered ids, for
    `listing_page`: `article_live` and `article_channel_live` serve it index-only."""
    return articles.order_by(*ORDERING).values("pk")


def entry_ids(*, tag=None, author=None):
    """A tag's or an author's live articles as ordered ids, from their listing entries
    (`ListingEntry`: the `listing_tag` and `listing_author` indexes)."""
    entries = ListingEntry.objects.filter(published_at__lte=timezone.now())
    entries = entries.filter(tag=tag) if tag is not None else entries.filter(author=author)
    return entries.order_by("-published_at", "-article_id").values("article_id")


@dataclass
class ListingPage:
    """One page of a listing, as the templates and the pagination links read it."""

    number: int
    cards: SafeString
    article_ids: list[int] = field(default_factory=list)
    # The surrogate keys of what the cards show (articles/edge.py), kept with each card.
    card_keys: list[str] = field(default_factory=list)
    has_next: bool = False
    # Known when the listing was counted (tag and author pages) and the count is exact.
    total: int | None = None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def count_cap(self) -> int:
        return COUNT_CAP

    @property
    def capped(self) -> bool:
        """Whether the count stopped at the cap (the listing holds more than `count_cap`)."""
        return self.total is not None and self.total > COUNT_CAP

    @property
    def num_pages(self) -> int | None:
        if self.total is None or self.capped:
            return None
        return max(1, -(-self.total // PAGE_SIZE))


def card_version(row: dict, generation: int) -> str:
    """What a card shows can change only with these: a save or move bumps the version and the
    save time, renaming a channel, author, tag or sponsor moves the fragment generation, and a
    deploy changes the release (its card template may differ)."""
    return f"{row['version']}.{row['updated_at'].timestamp()}.{generation}.{release()}"


def card_keys(article) -> list[str]:
    """What a card shows, as surrogate keys: its article, channel, sponsor and authors."""
    keys = [f"article-{article.pk}", f"channel-{article.channel_id}"]
    if article.sponsor_id:
        keys.append(f"sponsor-{article.sponsor_id}")
    return keys + [f"author-{author.pk}" for author in article.authors.all()]


def listing_page(ids, *, number: int, total: int | None = None) -> ListingPage:
    """Page `number` of a listing: `ids` are its live articles' ids, newest first
    (`article_ids` or `entry_ids`)."""
    start = (number - 1) * PAGE_SIZE
    ids = ids[start : start + PAGE_SIZE + 1]
    rows = list(
        Article.objects.filter(pk__in=ids).order_by(*ORDERING).values("pk", "version", "updated_at")
    )
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    generation = fragment_generation() if rows else 0  # one cache read for the whole page
    keys = [
        f"articles:card:{row['pk']}:{'l' if i >= EAGER_CARDS else 'e'}:"
        + card_version(row, generation)
        for i, row in enumerate(rows)
    ]
    found = cache.get_many(keys) if keys else {}
    missing = {
        row["pk"]: i
        for i, (row, key) in enumerate(zip(rows, keys, strict=True))
        if key not in found
    }
    if missing:
        loaded = (
            Article.objects.filter(pk__in=missing)
            .select_related("channel", "sponsor")
            .prefetch_related("authors")
        )
        made = {}
        for article in loaded:
            position = missing[article.pk]
            html = render_to_string(
                "articles/includes/article_card.html",
                {"article": article, "lazy": position >= EAGER_CARDS},
            )
            made[keys[position]] = (html, card_keys(article))
        cache.set_many(made, FRAGMENT_SECONDS)
        found.update(made)
    cards = [found[key] for key in keys if key in found]
    return ListingPage(
        number=number,
        cards=mark_safe("".join(html for html, _ in cards)),
        card_keys=[key for _, keys_shown in cards for key in keys_shown],
        article_ids=[row["pk"] for row in rows],
        has_next=has_next,
        total=total,
    )
