"""The desk's calendar: what goes live when, and what ends, by day and by week."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.articles.helpers import signed_in
from tests.factories import PlacementFactory, publish

pytestmark = pytest.mark.django_db


def local(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone()) + (
        timedelta(hours=hour)
    )


@pytest.fixture
def booked(make_article, editor, publisher):
    """An article scheduled in two days at 09:00, a draft, and a placement running from
    yesterday to three days on at 18:00."""
    scheduled = make_article(headline="Embargoed results")
    publish(scheduled, editor=editor, publisher=publisher, at=local(2, 9))
    make_article(headline="Just a draft")
    placement = publish(
        PlacementFactory(title="Northwind week", starts_at=local(-1, 8), ends_at=local(3, 18)),
        editor=editor,
        publisher=publisher,
    )
    return scheduled, placement


def day_sections(html: str) -> dict[str, str]:
    parts = html.split('<section class="calendar-day"')[1:]
    return {part.split('id="day-')[1][:10]: part for part in parts}


def test_the_week_lists_scheduled_articles_and_placements_ending_by_day(booked, editor):
    scheduled, placement = booked
    response = signed_in(editor).get(reverse("newsroom-calendar"))
    assert response.status_code == 200
    days = day_sections(response.content.decode())
    assert len(days) == 7
    in_two_days = days[f"{local(2, 0):%Y-%m-%d}"]
    assert "09:00" in in_two_days and "Goes live" in in_two_days
    change = reverse("admin:articles_article_change", args=[scheduled.pk])
    assert f'<a href="{change}">Embargoed results</a>' in in_two_days
    in_three_days = days[f"{local(3, 0):%Y-%m-%d}"]
    assert "Ends" in in_three_days and "Northwind week" in in_three_days
    assert reverse("admin:sponsors_placement_change", args=[placement.pk]) in in_three_days
    page = response.content.decode()
    assert "Just a draft" not in page
    assert "Starts" not in page  # it started yesterday, before this week's page


def test_one_day_and_other_weeks_are_a_link_away(booked, editor):
    client = signed_in(editor)
    url = reverse("newsroom-calendar")
    day = client.get(url, {"span": "day", "start": f"{local(-1, 0):%Y-%m-%d}"}).content.decode()
    assert len(day_sections(day)) == 1
    assert "Starts" in day and "Northwind week" in day and "Embargoed" not in day
    later = client.get(url, {"start": f"{local(7, 0):%Y-%m-%d}"}).content.decode()
    assert "Nothing scheduled." in later and "Embargoed" not in later


def test_each_desk_sees_only_what_it_may_view(booked, writer, commercial):
    page = signed_in(writer).get(reverse("newsroom-calendar")).content.decode()
    assert "Embargoed results" in page
    assert "Northwind week" not in page
    page = signed_in(commercial).get(reverse("newsroom-calendar")).content.decode()
    assert "Northwind week" in page


def test_the_front_page_links_to_the_calendar_and_readers_are_kept_out(editor, make_user):
    index = signed_in(editor).get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("newsroom-calendar")}"' in index
    response = signed_in(make_user("reader")).get(reverse("newsroom-calendar"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_bad_date_shows_this_week_rather_than_failing(editor):
    client = signed_in(editor)
    for start in ["2026-13-45", "yesterday", "0001-01-01", "9999-12-31"]:
        response = client.get(reverse("newsroom-calendar"), {"start": start, "span": "year"})
        assert response.status_code == 200
        assert f"day-{timezone.localdate():%Y-%m-%d}" in response.content.decode()


def test_the_calendar_costs_one_query_per_kind_of_event(booked, editor, django_assert_num_queries):
    client = signed_in(editor)
    client.get(reverse("newsroom-calendar"))
    # Session, user, the user's permissions (2); articles and comments: scheduled (1 each);
    # placements: scheduled, starting, ending (3).
    with django_assert_num_queries(9):
        client.get(reverse("newsroom-calendar"))
