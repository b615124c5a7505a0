"""The surrogate keys of the articles' public pages, and the purges their changes send.

Keys name what a page shows (README, "Production"):
- `article-<id>`: the article's page and every card, feed item or list that shows it;
- `channel-<id>`, `tag-<id>`, `author-<id>`, `sponsor-<id>`: pages that show that name (its own
  listing, the articles it labels, cards);
- `list-home`, `list-channel-<id>`, `list-tag-<id>`, `list-author-<id>`: listings whose members
  change when an article goes live or dark in them;
- `syndication`: feeds and sitemaps, which follow every live article.
Purges are sent after the transaction commits (finextra.edge.edge_purge); a change readers cannot
see (a draft's copy) sends none.
"""

import functools

from finextra.edge import edge_keys, edge_public, edge_purge

from .models import Article
from .provenance import PAID_PROVENANCES

SYNDICATION = "syndication"
SPONSORED = "sponsored"  # the register of paid content (sponsors' page)


def article_page_keys(request, article, *, tag_ids, author_ids) -> None:
    """The article page's keys (its tags' and authors' ids come with its cached parts)."""
    edge_keys(
        request,
        f"article-{article.pk}",
        f"channel-{article.channel_id}",
        *([f"sponsor-{article.sponsor_id}"] if article.sponsor_id else []),
        *(f"tag-{pk}" for pk in tag_ids),
        *(f"author-{pk}" for pk in author_ids),
    )


def syndication_view(view):
    """A feed, sitemap or robots.txt: public, and purged with every live article's change."""

    @edge_public
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        edge_keys(request, SYNDICATION)
        return view(request, *args, **kwargs)

    return wrapped


# --- what a change purges (sent by articles/services.py and articles/corrections.py) ----------


def article_listing_keys(article, *, channel_ids=(), tag_ids=None, author_ids=None) -> set[str]:
    """What a live article's arrival, departure or change purges."""
    if tag_ids is None:
        tag_ids = article.tags.values_list("pk", flat=True)
    if author_ids is None:
        author_ids = article.authors.values_list("pk", flat=True)
    keys = {f"article-{article.pk}", "list-home", SYNDICATION}
    keys |= {f"list-channel-{pk}" for pk in {article.channel_id, *channel_ids} if pk}
    keys |= {f"list-tag-{pk}" for pk in tag_ids}
    keys |= {f"list-author-{pk}" for pk in author_ids}
    if article.provenance in PAID_PROVENANCES:
        keys.add(SPONSORED)
    return keys


def article_correction_purge(article) -> None:
    edge_purge({f"article-{article.pk}", SYNDICATION})


def next_scheduled_article():
    """The clock source: the next scheduled publication."""
    return (
        Article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
