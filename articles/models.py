from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from finextra.fields import LineField, ProseField
from finextra.media import files_removed_on_failure
from finextra.models import EditorialModel, EditorialQuerySet
from finextra.workflow import State, standard_table

from . import images
from . import provenance as provenance_rules
from .provenance import ARTICLE_PROVENANCES, PAID_PROVENANCES, Provenance, provenance_allowed
from .sanitize import body_plain_text, clean_body


class PublishedCorrection(NamedTuple):
    at: datetime
    note: str


class Channel(models.Model):
    name = LineField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    strapline = LineField(
        max_length=200, blank=True, help_text="One sentence shown at the top of its pages."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:channel", kwargs={"slug": self.slug})


class Author(models.Model):
    name = LineField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    bio = ProseField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = LineField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})


class ArticleQuerySet(EditorialQuerySet):
    # live(): what readers may see, the rule every editorial model shares (finextra.models).

    def for_listing(self):
        return (
            self.live()
            .select_related("channel", "sponsor")
            .prefetch_related("authors")
            .order_by("-published_at", "-id")
        )


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self):
        # The search document is the database's alone (it ranks and filters there): a few
        # kilobytes no page needs, so never loaded with an article.
        return super().get_queryset().defer("search_document")


class Article(EditorialModel):
    class CommentMode(models.TextChoices):
        OPEN = "open", "Open"
        PREMODERATED = "premoderated", "Pre-moderated"
        CLOSED = "closed", "Closed (existing comments shown)"
        HIDDEN = "hidden", "Hidden"

    headline = LineField(max_length=150)
    slug = models.SlugField(
        max_length=160, unique=True, help_text="Part of the URL; a changed slug still resolves."
    )
    standfirst = ProseField(
        max_length=320, help_text="The summary under the headline (and in search results)."
    )
    body = models.TextField(help_text="HTML; cleaned to an allow-list on every save.")
    # The body's words without markup, made at save: what search reads and highlights.
    body_text = models.TextField(blank=True, editable=False)
    # Headline, standfirst and body text as one weighted tsvector for search, written on
    # PostgreSQL by the trigger migration 0005 installs; empty on SQLite.
    search_document = SearchVectorField(null=True, editable=False)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="articles")
    authors = models.ManyToManyField(Author, blank=True, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    provenance = models.CharField(
        max_length=20,
        choices=[(p.value, p.label) for p in ARTICLE_PROVENANCES],
        default=Provenance.EDITORIAL,
    )
    # Paid provenances name their sponsor (and only they do).
    sponsor = models.ForeignKey(
        "sponsors.Sponsor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text="Required for sponsored content and advertisement features.",
    )
    lead_image = models.ImageField(
        upload_to="articles/%Y/%m/",
        blank=True,
        width_field="lead_image_width",
        height_field="lead_image_height",
    )
    lead_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Made once when the image is saved: [{"width", "height", "format", "name"}, ...].
    lead_image_renditions = models.JSONField(default=list, blank=True, editable=False)
    lead_image_alt = models.CharField("alt text", max_length=250, blank=True)
    lead_image_decorative = models.BooleanField(
        "decorative", default=False, help_text="Adds nothing a screen-reader user would miss."
    )
    lead_image_caption = models.CharField("caption", max_length=300, blank=True)
    lead_image_credit = models.CharField("credit", max_length=120, blank=True)
    comment_mode = models.CharField(
        max_length=12, choices=CommentMode.choices, default=CommentMode.OPEN
    )
    # Kept by the comments app with update(F()), never through save().
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    # Published corrections, oldest first: [{"at": ISO time, "note": text}]. Written by
    # articles.corrections alone (with update()), never through save(); read with the article,
    # so the page shows them without a query of their own.
    corrections = models.JSONField(default=list, blank=True, editable=False)
    # Set by the "Ready for edit" move (finextra.services.transition), cleared by the next move.
    ready_for_edit_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who saved it last in the admin (the article list shows it).
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name="last saved by",
    )

    objects = ArticleManager()

    FIELDS_NOT_SAVED = ("comment_count", "corrections", "search_document")
    service_fields = FIELDS_NOT_SAVED
    # "Ready for edit" is the workflow's to set and clear, like the state.
    WORKFLOW_FIELDS = (*EditorialModel.WORKFLOW_FIELDS, "ready_for_edit_at")
    derived_fields = {
        "lead_image": ("lead_image_width", "lead_image_height", "lead_image_renditions"),
        "body": ("body_text",),
    }

    transitions = standard_table(
        review="articles.review_article",
        publish="articles.publish_article",
        change="articles.change_article",
        taken_down="its address now answers 404 Not Found",
        withdrawn="its address now answers 410 Gone",
    )
    copy_fields = (
        "headline",
        "standfirst",
        "body",
        "provenance",
        "sponsor",
        "lead_image",
        "lead_image_alt",
        "lead_image_caption",
        "lead_image_credit",
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            provenance_allowed(
                name="article_provenance_allowed",
                allowed=ARTICLE_PROVENANCES,
                message="An article cannot have that provenance.",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(provenance__in=PAID_PROVENANCES, sponsor__isnull=False)
                    | (~models.Q(provenance__in=PAID_PROVENANCES) & models.Q(sponsor__isnull=True))
                ),
                name="article_paid_has_sponsor",
                violation_error_message=(
                    "Sponsored content and advertisement features name their sponsor; "
                    "other articles have none."
                ),
            ),
        ]
        # Each listing's order, with the id: a deep page's OFFSET is an index-only scan, over
        # published rows only (partial: the smaller the entries, the faster the walk). The
        # condition is the state alone, as an index cannot read the clock; `live()` adds the time.
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                name="article_live",
                condition=models.Q(state=State.PUBLISHED),
            ),
            models.Index(
                fields=["channel", "-published_at", "-id"],
                name="article_channel_live",
                condition=models.Q(state=State.PUBLISHED),
            ),
            # The desk's article list, every state, newest first.
            models.Index(fields=["-published_at", "-id"], name="article_desk"),
            # The desk's queues: drafts ready for edit, and what waits to be published.
            models.Index(
                fields=["ready_for_edit_at"],
                condition=models.Q(state=State.DRAFT, ready_for_edit_at__isnull=False),
                name="article_ready_for_edit",
            ),
            models.Index(fields=["state", "updated_at"], name="article_desk_queue"),
        ]
        permissions = [
            ("review_article", "Can mark articles as edited or send them back to draft"),
            ("publish_article", "Can publish, schedule, unpublish and withdraw articles"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        """Writes this row alone, with the columns it derives from its own fields (the body
        cleaned and its plain text, the slug, the upload without its metadata). What a change
        sets off (listing entries, renditions, purges) is `articles.services.article_save`'s."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            # comment_count and corrections belong to their own services (update()): a save
            # from a form loaded earlier must not write back a stale copy. The search document
            # is the trigger's to write, from the fields saved here.
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self.FIELDS_NOT_SAVED
            ]
        self.body = clean_body(self.body, sponsored=self.provenance in PAID_PROVENANCES)
        self.body_text = body_plain_text(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_text"}
        if kwargs.get("update_fields") is not None:
            # Every save marks the row as changed: the cached article part is keyed on it.
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        if not self.slug:
            self.slug = slugify(self.headline)[:160]
        update_fields = kwargs.get("update_fields")
        image_saved = update_fields is None or "lead_image" in update_fields
        if image_saved and self.lead_image and not self.lead_image._committed:
            # Stored upright and without its camera's metadata (GPS, camera); this also sets
            # the width and height from the upright picture.
            self.lead_image = images.image_without_metadata(self.lead_image)
        # A media store that fails (full, read-only) leaves nothing behind: a form error.
        with files_removed_on_failure(self):
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:article", kwargs={"pk": self.pk, "slug": self.slug})

    def clean(self):
        super().clean()
        paid = self.provenance in PAID_PROVENANCES
        if paid and self.sponsor_id is None:
            raise ValidationError(
                {"sponsor": f"{self.get_provenance_display()} must name its sponsor."},
                code="sponsor_required",
            )
        if not paid and self.sponsor_id is not None:
            raise ValidationError(
                {"sponsor": "Only sponsored content and advertisement features have a sponsor."},
                code="sponsor_not_allowed",
            )
        if self.lead_image and not (self.lead_image_alt.strip() or self.lead_image_decorative):
            raise ValidationError(
                {"lead_image_alt": "Describe the image, or mark it as decorative."},
                code="alt_required",
            )

    @property
    def lead_image_picture(self) -> images.Picture | None:
        """The lead image's responsive sources, from the renditions made when it was saved."""
        if not self.lead_image:
            return None
        return images.picture_for(
            renditions=self.lead_image_renditions,
            original_url=self.lead_image.url,
            width=self.lead_image_width,
            height=self.lead_image_height,
        )

    @property
    def provenance_label(self) -> str:
        return provenance_rules.label(self.provenance)

    @property
    def provenance_note(self) -> str:
        return provenance_rules.note(self.provenance, sponsor=str(self.sponsor or ""))

    @property
    def correction_list(self) -> list[PublishedCorrection]:
        return [
            PublishedCorrection(at=parse_datetime(entry["at"]), note=entry["note"])
            for entry in self.corrections
        ]

    @property
    def was_updated(self) -> bool:
        return bool(self.revised_at and self.published_at and self.revised_at > self.published_at)


class ListingEntry(models.Model):
    """A published article's place in one tag's or one author's listing: the tag or author and
    the publication time, in one index per listing, as the channel listing has them on the
    article row itself. Written by `listing_entries_sync` (never by hand; articles/services.py
    calls it after each save, move and change of tags or authors), so a tag
    page's deep page walks its own index rather than sorting every article of the tag. Only
    published articles have entries (scheduled ones too: `published_at` tells when they show)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    # The composite indexes below lead with these, so the columns need no index of their own.
    tag = models.ForeignKey(
        Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    published_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tag__isnull=False, author__isnull=True)
                | models.Q(tag__isnull=True, author__isnull=False),
                name="listing_entry_one_listing",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tag", "-published_at", "-article"],
                name="listing_tag",
                condition=models.Q(tag__isnull=False),
            ),
            models.Index(
                fields=["author", "-published_at", "-article"],
                name="listing_author",
                condition=models.Q(author__isnull=False),
            ),
        ]

    def __str__(self):
        return f"Article {self.article_id} in {'tag' if self.tag_id else 'author'} listing"


def listing_entries_sync(article_ids) -> None:
    """Write the tag and author listing entries of these articles as their rows now stand."""
    article_ids = list(article_ids)
    if not article_ids:
        return
    ListingEntry.objects.filter(article_id__in=article_ids).delete()
    # Published whatever the time (scheduled ones too), not live(): the listing reads the time.
    published = dict(
        Article._base_manager.filter(
            pk__in=article_ids, state=State.PUBLISHED, published_at__isnull=False
        ).values_list("pk", "published_at")
    )
    if not published:
        return
    links = [
        *Article.tags.through.objects.filter(article_id__in=published).values_list(
            "article_id", "tag_id", models.Value(None, output_field=models.IntegerField())
        ),
        *Article.authors.through.objects.filter(article_id__in=published).values_list(
            "article_id", models.Value(None, output_field=models.IntegerField()), "author_id"
        ),
    ]
    ListingEntry.objects.bulk_create(
        ListingEntry(
            article_id=article, tag_id=tag, author_id=author, published_at=published[article]
        )
        for article, tag, author in links
    )
