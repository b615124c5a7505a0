"""What goes live when: the desk's calendar of scheduled publications, placements starting and
placements ending, over every registered editorial model."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.db import models
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date

from .workflow import State, registered_models

# The dated fields a model may carry, besides `published_at`, and what each date means.
EVENT_FIELDS = {"starts_at": "Starts", "ends_at": "Ends"}
SPANS = {"day": 1, "week": 7}


@dataclass(frozen=True)
class ScheduleEntry:
    at: datetime
    what: str
    obj: models.Model
    kind: str
    change_url: str


def _change_url(obj: models.Model) -> str:
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


def schedule_entries(*, user, start: datetime, end: datetime) -> list[ScheduleEntry]:
    """Every dated event from `start` to `end` in the models `user` may view, in time order:
    publications scheduled after now, and the starts and ends of published items."""
    now = timezone.now()
    entries = []
    for model in registered_models():
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        kind = str(opts.verbose_name)
        # Published whatever its times (not the live rule: the calendar is what is still to
        # come), through the plain manager every registered model has.
        published = model._base_manager.filter(state=State.PUBLISHED)
        window = {"__gte": max(start, now), "__lt": end}
        scheduled = published.filter(**{f"published_at{k}": v for k, v in window.items()})
        entries += [
            ScheduleEntry(item.published_at, "Goes live", item, kind, _change_url(item))
            for item in scheduled
        ]
        names = {field.name for field in opts.get_fields()}
        for field, what in EVENT_FIELDS.items():
            if field not in names:
                continue
            dated = published.filter(**{f"{field}__gte": start, f"{field}__lt": end})
            entries += [
                ScheduleEntry(getattr(item, field), what, item, kind, _change_url(item))
                for item in dated
            ]
    entries.sort(key=lambda entry: (entry.at, entry.kind, str(entry.obj)))
    return entries


@staff_member_required
def calendar_view(request):
    """A day or a week of the calendar (?span=day|week&start=YYYY-MM-DD), by local day."""
    span = request.GET.get("span", "week")
    if span not in SPANS:
        span = "week"
    try:
        first = parse_date(request.GET.get("start", "")) or timezone.localdate()
    except ValueError:
        first = timezone.localdate()
    if not date(1900, 1, 1) <= first <= date(9000, 1, 1):
        first = timezone.localdate()
    days = [first + timedelta(days=n) for n in range(SPANS[span])]
    tz = timezone.get_current_timezone()
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    by_day: dict[date, list[ScheduleEntry]] = {day: [] for day in days}
    for entry in schedule_entries(user=request.user, start=start, end=end):
        by_day[timezone.localtime(entry.at).date()].append(entry)
    step = timedelta(days=SPANS[span])
    return render(
        request,
        "admin/newsroom_calendar.html",
        {
            **admin.site.each_context(request),
            "title": "What goes live when",
            "span": span,
            "days": list(by_day.items()),
            "previous": first - step,
            "next": first + step,
            "today": timezone.localdate(),
            "first": first,
        },
    )
