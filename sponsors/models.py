"""Sponsors, the placements they book in the page's slots, and the daily counts of each."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import get_text_list

from articles.images import image_without_metadata
from articles.provenance import PLACEMENT_PROVENANCES, Provenance, provenance_allowed
from articles.provenance import label as provenance_label
from finextra.fields import LineField, ProseField, WebAddressField
from finextra.media import files_removed_on_failure
from finextra.models import EditorialModel, EditorialQuerySet, live_at, live_condition
from finextra.workflow import State, standard_table


def _new_upload_stripped(instance: models.Model, field: str, update_fields) -> None:
    """A new upload of `field`, about to be saved, is stored like every original: upright and
    without its camera's metadata (`image_without_metadata`)."""
    upload = getattr(instance, field)
    if (update_fields is None or field in update_fields) and upload and not upload._committed:
        setattr(instance, field, image_without_metadata(upload))


class Sponsor(models.Model):
    """Who pays for sponsored and promoted content."""

    name = LineField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    website = WebAddressField(blank=True)
    logo = models.ImageField(upload_to="sponsors/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        _new_upload_stripped(self, "logo", kwargs.get("update_fields"))
        super().save(*args, **kwargs)


class Slot(models.TextChoices):
    """The places a page offers (docs/design.md, "Layout and import direction"); each is a
    `placement` tag in a template."""

    ARTICLE_INLINE = "article_inline", "Article page, after the story"
    ARTICLE_FOOT = "article_foot", "Article page, after the comments"
    HOME = "home", "Home page"
    CHANNEL = "channel", "Channel pages"


# For readers: where a placement appears, in words ("why is this here?").
SLOT_WHERE = {
    Slot.ARTICLE_INLINE: "after the story on article pages",
    Slot.ARTICLE_FOOT: "after the comments on article pages",
    Slot.HOME: "on the home page",
    Slot.CHANNEL: "at the top of channel pages",
}


class Kind(models.TextChoices):
    """Decides the layout."""

    EVENT = "event", "Sponsored event"
    CONTENT = "content", "Promoted content"
    BANNER = "banner", "Sponsored banner"


web_address = URLValidator(
    schemes=["http", "https"], message="Enter a web address starting with http:// or https://."
)


class PlacementQuerySet(EditorialQuerySet):
    def live(self, *, at=None):
        """Published, its publication time come, and within its booked dates."""
        now = at or timezone.now()
        return self.showing_between(now, now)

    def showing_between(self, start, end):
        """Live at some moment from `start` to `end`: the one home of a placement's live rule
        (its Python mirror, at one moment, is `placement_live_at` below)."""
        return self.filter(live_condition(at=end), starts_at__lte=end, ends_at__gt=start)

    def eligible(self, *, channel=None, slots=None, at=None, until=None):
        """Live placements that may fill `slots` (all when None) on a page of `channel`; with
        `until`, those live at some moment from `at` to `until`.

        A placement that targets no channel shows everywhere; one that targets channels shows
        only on their pages, so never on a page of no channel (the home page).
        """
        now = at or timezone.now()
        placements = self.showing_between(now, until or now).select_related(
            "sponsor", "shown_for", "paid_by"
        )
        if slots is not None:
            placements = placements.filter(slot__in=slots)
        targets = models.Q(channels__isnull=True)
        if channel is not None:
            # One join: a placement matches on at most one of its channel rows.
            targets |= models.Q(channels=channel)
        return placements.filter(targets)


def placement_live_at(placement, at: datetime) -> bool:
    """`Placement.objects.live(at=at)` for one placement, or for the `Candidate` the page's
    slots keep of it (sponsors.selection): live as every editorial item is, and within its
    booked dates."""
    return (
        live_at(state=placement.state, published_at=placement.published_at, at=at)
        and placement.starts_at <= at < placement.ends_at
    )


class Placement(EditorialModel):
    """A sponsored or promoted item booked into one slot for a stretch of dates."""

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="placements")
    shown_for = models.ForeignKey(
        Sponsor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements_shown_for",
        verbose_name="shown on behalf of",
        help_text="Only when not the sponsor (for example an agency's client).",
    )
    paid_by = models.ForeignKey(
        Sponsor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements_paid_for",
        verbose_name="paid for by",
        help_text="Only when not the sponsor (for example an agency).",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CONTENT)
    provenance = models.CharField(
        max_length=20,
        choices=[(p.value, p.label) for p in PLACEMENT_PROVENANCES],
        default=Provenance.SPONSORED,
        help_text="Decides the label readers see.",
    )
    category = LineField(
        max_length=40,
        blank=True,
        help_text="Shown in brackets before the title: “Impact Study”, “Webinar”.",
    )
    title = LineField(max_length=200)
    summary = ProseField(max_length=400, blank=True)
    event_date = models.DateField(null=True, blank=True, help_text="Sponsored events only.")
    event_place = LineField(max_length=120, blank=True, help_text="Sponsored events only.")
    target_url = WebAddressField(
        "link",
        max_length=500,
        validators=[web_address],
        help_text="Where a click goes (http or https); readers pass through our redirect.",
    )
    image = models.ImageField(upload_to="placements/%Y/%m/", blank=True)
    image_alt = models.CharField("image alt text", max_length=250, blank=True)
    slot = models.CharField(max_length=20, choices=Slot.choices)
    channels = models.ManyToManyField(
        "articles.Channel",
        blank=True,
        related_name="placements",
        help_text="None: every channel. Home page placements target none.",
    )
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends", help_text="Taken down at this time, by itself.")
    weight = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Share of the slot among the placements eligible at once (1 to 100).",
    )
    # Set by the "Ready for edit" move (finextra.services.transition), cleared by the next move.
    ready_for_edit_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlacementQuerySet.as_manager()

    transitions = standard_table(
        review="sponsors.review_placement",
        publish="sponsors.publish_placement",
        change="sponsors.change_placement",
    )
    # clean() drops a shown-for or paid-by party equal to the sponsor.
    derived_fields = {"sponsor": ("shown_for", "paid_by")}
    # "Ready for edit" is the workflow's to set and clear, like the state.
    WORKFLOW_FIELDS = (*EditorialModel.WORKFLOW_FIELDS, "ready_for_edit_at")
    # The booking, in the groups the desk's form shows it in.
    CLAIM_FIELDS = (
        "sponsor",
        "shown_for",
        "paid_by",
        "kind",
        "provenance",
        "category",
        "title",
        "summary",
        "event_date",
        "event_place",
        "target_url",
    )
    IMAGE_FIELDS = ("image", "image_alt")
    WHERE_AND_WHEN_FIELDS = ("slot", "channels", "starts_at", "ends_at", "weight")
    # The editor signs off the whole booking: its claims, its label, where and when it runs.
    copy_fields = (*CLAIM_FIELDS, *IMAGE_FIELDS, *WHERE_AND_WHEN_FIELDS)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            provenance_allowed(
                name="placement_provenance_allowed",
                allowed=PLACEMENT_PROVENANCES,
                message="A placement cannot have that provenance.",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="placement_starts_before_it_ends",
                violation_error_message="A placement must start before it ends.",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(target_url__startswith="http://")
                    | models.Q(target_url__startswith="https://")
                ),
                name="placement_link_is_web",
                violation_error_message="The link must start with http:// or https://.",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=Kind.EVENT) | models.Q(event_date__isnull=False),
                name="placement_event_has_date",
                violation_error_message="A sponsored event needs its date.",
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=100),
                name="placement_weight_range",
                violation_error_message="The weight is from 1 to 100.",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "slot", "ends_at"], name="placement_live"),
            # The desk's placement list, newest booking first.
            models.Index(fields=["-starts_at", "-id"], name="placement_desk"),
            # The desk's queues: placements ready for the editor's check.
            models.Index(
                fields=["ready_for_edit_at"],
                condition=models.Q(state=State.DRAFT, ready_for_edit_at__isnull=False),
                name="placement_ready_for_edit",
            ),
        ]
        permissions = [
            ("review_placement", "Can mark placements as edited or send them back to draft"),
            ("publish_placement", "Can publish, schedule, unpublish and withdraw placements"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        _new_upload_stripped(self, "image", kwargs.get("update_fields"))
        # A media store that fails (full, read-only) leaves no image behind: a form error.
        with files_removed_on_failure(self):
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("sponsors:about", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        errors = {}
        # Stored only when they differ from the sponsor.
        if self.shown_for_id == self.sponsor_id:
            self.shown_for = None
        if self.paid_by_id == self.sponsor_id:
            self.paid_by = None
        if self.target_url and "://" in self.target_url:
            scheme, rest = self.target_url.split("://", 1)
            self.target_url = f"{scheme.lower()}://{rest}"
        if self.kind == Kind.EVENT and self.event_date is None:
            errors["event_date"] = ValidationError(
                "A sponsored event needs its date.", code="event_date_required"
            )
        if self.starts_at and self.ends_at and self.starts_at >= self.ends_at:
            errors["ends_at"] = ValidationError(
                "A placement must end after it starts.", code="ends_before_start"
            )
        if self.image and not self.image_alt.strip():
            errors["image_alt"] = ValidationError(
                "Describe the image for readers who cannot see it.", code="alt_required"
            )
        if errors:
            raise ValidationError(errors)

    def is_live_at(self, at: datetime) -> bool:
        return placement_live_at(self, at)

    @property
    def label(self) -> str:
        return provenance_label(self.provenance)

    @property
    def on_behalf_of(self) -> Sponsor:
        return self.shown_for or self.sponsor

    @property
    def payer(self) -> Sponsor:
        return self.paid_by or self.sponsor

    @property
    def display_title(self) -> str:
        """The title as readers see it: events carry their date and place."""
        parts = [self.title]
        if self.kind == Kind.EVENT and self.event_date:
            parts.append(date_format(self.event_date, "j F Y"))
            if self.event_place:
                parts.append(self.event_place)
        title = " - ".join(parts)
        return f"[{self.category}] {title}" if self.category else title

    def where(self) -> str:
        """Where it shows, in words (uses prefetched channels when there are any)."""
        where = SLOT_WHERE[Slot(self.slot)]
        if self.slot == Slot.HOME:
            return where
        names = [channel.name for channel in self.channels.all()]
        return f"{where} in {get_text_list(names, 'and')}" if names else f"{where} in every channel"


class PlacementDay(models.Model):
    """Impressions and clicks of one placement on one London day. Nothing about the reader."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="days")
    day = models.DateField()
    impressions = models.PositiveBigIntegerField(default=0)
    clicks = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["placement", "day"]
        constraints = [
            # Counting relies on it: two first requests of a day cannot make two rows.
            models.UniqueConstraint(fields=["placement", "day"], name="placement_day_unique")
        ]
        verbose_name = "placement day"

    def __str__(self):
        return f"{self.placement_id} on {self.day}: {self.impressions} seen, {self.clicks} clicked"
