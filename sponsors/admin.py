import csv
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from articles import images
from articles.forms import CheckedImageField
from finextra.admin import EditorialAdmin, EditorialForm, QueueFilter
from finextra.admin_widgets import SafeAutocompleteAdmin
from finextra.workflow import State

from .models import Placement, Slot, Sponsor, web_address
from .services import (
    default_stats_range,
    placement_delete,
    placement_stats,
    placement_targeting_changed,
    sponsor_save,
    sponsor_take_down,
)

# A report longer than this is a request for a different report.
MAX_REPORT_DAYS = 400


class SponsorForm(forms.ModelForm):
    class Meta:
        model = Sponsor
        fields = ("name", "slug", "website", "logo")
        # The lead image's checks: whole JPEG, PNG or WebP within the size limits.
        field_classes = {"logo": CheckedImageField}
        help_texts = {"logo": images.LIMITS_HELP}


@admin.register(Sponsor)
class SponsorAdmin(admin.ModelAdmin):
    form = SponsorForm
    list_display = ("name", "website", "live_placements")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)
    actions = ["take_down_placements"]

    def save_model(self, request, obj, form, change):
        sponsor_save(sponsor=obj)

    def get_queryset(self, request):
        live = (
            Placement.objects.live()
            .filter(sponsor=models.OuterRef("pk"))
            .order_by()
            .values("sponsor")
            .annotate(total=models.Count("pk"))
            .values("total")
        )
        return super().get_queryset(request).annotate(live_total=Coalesce(models.Subquery(live), 0))

    @admin.display(description="live placements", ordering="live_total")
    def live_placements(self, sponsor):
        return sponsor.live_total

    def has_publish_placement_permission(self, request):
        return request.user.has_perm("sponsors.publish_placement")

    @admin.action(
        description="Take down every placement of the selected sponsors",
        permissions=["publish_placement"],
    )
    def take_down_placements(self, request, queryset):
        for sponsor in queryset:
            taken, refused = sponsor_take_down(sponsor=sponsor, user=request.user)
            self.message_user(
                request,
                f"{sponsor}: {taken} placement{'s' if taken != 1 else ''} taken down.",
                messages.SUCCESS,
            )
            for refusal in refused:
                self.message_user(request, refusal, messages.ERROR)


class PlacementForm(EditorialForm):
    class Meta:
        model = Placement
        fields = "__all__"
        # The lead image's checks: whole JPEG, PNG or WebP within the size limits.
        field_classes = {"image": CheckedImageField}
        error_messages = {"target_url": {"invalid": web_address.message}}
        help_texts = {"image": images.LIMITS_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "image" in self.fields:
            self.fields["image"].widget.attrs["accept"] = images.ACCEPT

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("slot") == Slot.HOME and cleaned.get("channels"):
            self.add_error(
                "channels",
                forms.ValidationError(
                    "The home page belongs to no channel, so a home placement that targets "
                    "channels would never show. Leave the channels empty.",
                    code="home_has_no_channel",
                ),
            )
        return cleaned


class StatsRangeForm(forms.Form):
    # A date input shows only ISO dates.
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput({"type": "date"}, "%Y-%m-%d")
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput({"type": "date"}, "%Y-%m-%d")
    )

    def __init__(self, *args, placement, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_start, self.default_end = default_stats_range(placement)
        self.fields["start"].initial = self.default_start
        self.fields["end"].initial = self.default_end

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("start") or self.default_start
        end = cleaned.get("end") or self.default_end
        if start > end:
            raise forms.ValidationError("The first day comes after the last.", code="backwards")
        if end - start > timedelta(days=MAX_REPORT_DAYS):
            raise forms.ValidationError(
                f"Choose at most {MAX_REPORT_DAYS} days at a time.", code="too_long"
            )
        cleaned["start"], cleaned["end"] = start, end
        return cleaned


def _csv_cell(value):
    # A spreadsheet runs a cell that starts with one of these as a formula.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(Placement)
class PlacementAdmin(SafeAutocompleteAdmin, EditorialAdmin):
    form = PlacementForm
    review_permission = "sponsors.review_placement"
    publish_permission = "sponsors.publish_placement"
    list_display = (
        "title",
        "state_badge",
        "slot",
        "sponsor",
        "provenance",
        "starts_at",
        "ends_at",
        "weight",
        "stats_link",
    )
    list_filter = (QueueFilter, "state", "slot", "kind", "provenance")
    search_fields = ("title", "category", "sponsor__name")
    date_hierarchy = "starts_at"
    list_select_related = ("sponsor",)
    autocomplete_fields = ("sponsor", "shown_for", "paid_by", "channels")
    readonly_fields = ("stats_link",)
    # The whole booking, which is what the editor signs off (`Placement.copy_fields`).
    fieldsets = (
        (None, {"fields": Placement.CLAIM_FIELDS}),
        ("Image", {"fields": Placement.IMAGE_FIELDS}),
        ("Where and when", {"fields": Placement.WHERE_AND_WHEN_FIELDS}),
        ("Counts", {"fields": ("stats_link",)}),
    )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and "channels" in form.changed_data:
            placement_targeting_changed(placement=form.instance)

    def delete_model(self, request, obj):
        placement_delete(placement=obj)

    def delete_queryset(self, request, queryset):
        for placement in queryset:
            placement_delete(placement=placement)

    @admin.display(description="state", ordering="state")
    def state_badge(self, placement):
        now = timezone.now()
        if placement.withdrawn_at:
            return "Withdrawn"
        if placement.state != State.PUBLISHED:
            return placement.get_state_display()
        if placement.is_live:
            return "Live"
        return "Ended" if placement.ends_at <= now else "Scheduled"

    @admin.display(description="impressions and clicks")
    def stats_link(self, placement):
        if placement.pk is None:
            return "Counted once it runs."
        url = reverse("admin:sponsors_placement_stats", args=[placement.pk])
        return format_html('<a href="{}">By day, with CSV export</a>', url)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/stats/",
                self.admin_site.admin_view(self.stats_view),
                name="sponsors_placement_stats",
            ),
            *super().get_urls(),
        ]

    def stats_view(self, request, object_id):
        """Impressions, clicks and click-through rate by day; the same range as CSV."""
        if not str(object_id).isdigit():
            raise Http404("No such placement.")
        placement = get_object_or_404(
            self.get_queryset(request).select_related("sponsor"), pk=object_id
        )
        if not self.has_view_or_change_permission(request, placement):
            raise PermissionDenied
        form = StatsRangeForm(request.GET or None, placement=placement)
        if form.is_bound and not form.is_valid():
            start, end = form.default_start, form.default_end
        else:
            start = form.cleaned_data["start"] if form.is_bound else form.default_start
            end = form.cleaned_data["end"] if form.is_bound else form.default_end
            if request.GET.get("format") == "csv":
                return self._stats_csv(placement, start, end)
        days, total = placement_stats(placement=placement, start=start, end=end)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": placement,
            "title": f"Impressions and clicks: {placement}",
            "form": form,
            "days": days,
            "total": total,
            "start": start,
            "end": end,
        }
        return TemplateResponse(request, "admin/sponsors/placement/stats.html", context)

    def _stats_csv(self, placement, start, end):
        days, total = placement_stats(placement=placement, start=start, end=end)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"placement-{placement.pk}-{start:%Y%m%d}-{end:%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response)
        writer.writerow(["placement", "sponsor", "date", "impressions", "clicks", "ctr_percent"])
        title, sponsor = _csv_cell(placement.title), _csv_cell(placement.sponsor.name)
        for row in [*days, total]:
            ctr = row.click_through_rate
            writer.writerow(
                [
                    title,
                    sponsor,
                    row.day.isoformat() if row.day else "total",
                    row.impressions,
                    row.clicks,
                    "" if ctr is None else f"{ctr:.2f}",
                ]
            )
        return response
