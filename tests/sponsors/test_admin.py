"""The commercial desk: placements through the workflow in the admin, the rules the forms and
the database hold, the statistics by day with their CSV, and taking a sponsor down."""

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Channel
from finextra import roles
from finextra.services import history_for, transition
from finextra.workflow import State
from sponsors.models import Kind, Placement, PlacementDay, Slot, Sponsor
from tests.articles.helpers import csrf_token, signed_in

from .conftest import BROWSER

ADD_URL = reverse("admin:sponsors_placement_add")


def change_url(placement):
    return reverse("admin:sponsors_placement_change", args=[placement.pk])


def transition_url(placement):
    return reverse("admin:sponsors_placement_transition", args=[placement.pk])


def stats_url(placement):
    return reverse("admin:sponsors_placement_stats", args=[placement.pk])


def local(moment):
    return timezone.localtime(moment)


def form_data(sponsor, **changes):
    """The add/change form as a browser posts it."""
    now = timezone.now()
    starts, ends = local(now - timedelta(minutes=5)), local(now + timedelta(days=3))
    data = {
        "sponsor": sponsor.pk,
        "shown_for": "",
        "paid_by": "",
        "kind": Kind.CONTENT,
        "provenance": "promoted",
        "category": "Impact Study",
        "title": "Fraud and AML Case Management",
        "summary": "",
        "event_date": "",
        "event_place": "",
        "target_url": "https://example.com/study/",
        "image_alt": "",
        "slot": Slot.ARTICLE_FOOT,
        "channels": [],
        "starts_at_0": starts.strftime("%Y-%m-%d"),
        "starts_at_1": starts.strftime("%H:%M:%S"),
        "ends_at_0": ends.strftime("%Y-%m-%d"),
        "ends_at_1": ends.strftime("%H:%M:%S"),
        "weight": 1,
    }
    data.update(changes)
    return data


def press(client, placement, move, **extra):
    placement.refresh_from_db()
    token = csrf_token(client, change_url(placement))
    return client.post(
        transition_url(placement),
        {"move": move, "version": placement.version, "csrfmiddlewaretoken": token, **extra},
    )


def test_commercial_drafts_an_editor_checks_a_publisher_publishes_and_it_fills_its_slot(
    make_user, sponsor, live_article, django_capture_on_commit_callbacks
):
    commercial = signed_in(make_user("sales", roles.COMMERCIAL))
    editor = signed_in(make_user("sub", roles.EDITOR))
    publisher = signed_in(make_user("duty", roles.PUBLISHER))
    reader = Client()

    token = csrf_token(commercial, ADD_URL)
    response = commercial.post(ADD_URL, {**form_data(sponsor), "csrfmiddlewaretoken": token})
    assert response.status_code == 302, response.content.decode()[:2000]
    placement = Placement.objects.get()
    assert placement.state == State.DRAFT
    assert "Fraud and AML" not in reader.get(live_article.get_absolute_url()).content.decode()

    press(editor, placement, "mark_edited")
    # The slots' cache is told once the publish commits (in a test, nothing commits by itself).
    with django_capture_on_commit_callbacks(execute=True):
        press(publisher, placement, "publish")

    placement.refresh_from_db()
    assert placement.state == State.PUBLISHED
    html = reader.get(live_article.get_absolute_url()).content.decode()
    assert "[Impact Study] Fraud and AML Case Management" in html
    assert html.index('id="comments"') < html.index("Fraud and AML"), "the foot slot"
    moves = [entry.move for entry in history_for(placement)]
    assert moves == ["publish", "mark_edited"]


def test_it_is_gone_after_its_end_with_nobody_acting(client, live_article, make_placement):
    placement = make_placement(title="Runs for a week")
    assert "Runs for a week" in client.get(live_article.get_absolute_url()).content.decode()

    with time_machine.travel(placement.ends_at + timedelta(seconds=1), tick=False):
        html = client.get(live_article.get_absolute_url()).content.decode()

    assert "Runs for a week" not in html
    placement.refresh_from_db()
    assert placement.state == State.PUBLISHED, "nobody acted: its dates took it down"


def test_it_shows_from_its_start_and_not_before(client, live_article, make_placement):
    start = timezone.now() + timedelta(days=2)
    make_placement(title="Booked for later", starts_at=start, ends_at=start + timedelta(days=1))

    assert "Booked for later" not in client.get(live_article.get_absolute_url()).content.decode()
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        assert "Booked for later" in client.get(live_article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [
        (roles.COMMERCIAL, State.DRAFT, set()),
        (roles.COMMERCIAL, State.EDITED, set()),
        (roles.EDITOR, State.DRAFT, {"Mark as edited"}),
        (roles.EDITOR, State.EDITED, {"Send back to draft"}),
        (roles.PUBLISHER, State.DRAFT, set()),
        (roles.PUBLISHER, State.EDITED, {"Publish", "Schedule"}),
        (roles.PUBLISHER, State.PUBLISHED, {"Unpublish", "Withdraw"}),
    ],
)
def test_each_role_sees_only_the_placement_moves_it_may_make(
    make_user, make_placement, editor, publisher, role, state, expected
):
    placement = make_placement(live=False)
    if state != State.DRAFT:
        transition(obj=placement, move="mark_edited", user=editor)
    if state == State.PUBLISHED:
        transition(obj=placement, move="publish", user=publisher)
    client = signed_in(make_user("someone", role))

    html = client.get(change_url(placement)).content.decode()

    labels = ("Mark as edited", "Send back to draft", "Publish", "Schedule", "Unpublish")
    shown = {label for label in (*labels, "Withdraw") if f">{label}</button>" in html}
    assert shown == expected


def test_commercial_cannot_publish_even_by_crafting_the_request(make_user, make_placement, editor):
    placement = make_placement(live=False)
    transition(obj=placement, move="mark_edited", user=editor)
    commercial = signed_in(make_user("sales", roles.COMMERCIAL))

    response = press(commercial, placement, "publish")

    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.state == State.EDITED


def test_a_commercial_change_after_the_editors_check_sends_it_back_to_draft(
    make_user, make_placement, editor, sponsor
):
    placement = make_placement(live=False, title="Checked copy")
    transition(obj=placement, move="mark_edited", user=editor)
    commercial = signed_in(make_user("sales", roles.COMMERCIAL))
    token = csrf_token(commercial, change_url(placement))
    placement.refresh_from_db()
    data = form_data(
        sponsor,
        title="Checked copy, now with a bolder claim",
        slot=placement.slot,
        provenance=placement.provenance,
        category="",
        target_url=placement.target_url,
        seen_version=placement.version,
        csrfmiddlewaretoken=token,
    )

    response = commercial.post(change_url(placement), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    placement.refresh_from_db()
    assert placement.title == "Checked copy, now with a bolder claim"
    assert placement.state == State.DRAFT
    assert history_for(placement).first().move == "copy_changed"


def test_commercial_cannot_change_a_live_placement(make_user, make_placement, sponsor):
    placement = make_placement(title="Live copy")
    commercial = signed_in(make_user("sales", roles.COMMERCIAL))

    html = commercial.get(change_url(placement)).content.decode()
    response = commercial.post(
        change_url(placement), form_data(sponsor, title="Changed", seen_version=placement.version)
    )

    assert 'name="title"' not in html, "read-only for commercial"
    assert response.status_code == 403
    placement.refresh_from_db()
    assert placement.title == "Live copy"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"target_url": "javascript:alert(1)"}, "target_url", "http:// or https://"),
        ({"target_url": "ftp://example.com/file"}, "target_url", "http:// or https://"),
        ({"provenance": "editorial"}, "provenance", "Select a valid choice"),
        ({"kind": Kind.EVENT}, "event_date", "needs its date"),
        ({"weight": 0}, "weight", "greater than or equal to 1"),
        ({"slot": Slot.HOME, "channels": ["CHANNEL"]}, "channels", "would never show"),
    ],
)
def test_the_form_refuses_bad_input_with_a_message_and_keeps_what_was_typed(
    make_user, sponsor, channel, changes, field, message
):
    commercial = signed_in(make_user("sales", roles.COMMERCIAL))
    token = csrf_token(commercial, ADD_URL)
    if changes.get("channels") == ["CHANNEL"]:
        changes = {**changes, "channels": [channel.pk]}
    data = {**form_data(sponsor, title="Typed with care"), **changes}

    response = commercial.post(ADD_URL, {**data, "csrfmiddlewaretoken": token})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert 'value="Typed with care"' in response.content.decode()
    assert not Placement.objects.exists()


def test_the_form_refuses_an_end_before_the_start(make_user, sponsor):
    commercial = signed_in(make_user("sales", roles.COMMERCIAL))
    token = csrf_token(commercial, ADD_URL)
    data = form_data(sponsor, ends_at_0="2020-01-01", ends_at_1="00:00:00")

    response = commercial.post(ADD_URL, {**data, "csrfmiddlewaretoken": token})

    assert response.status_code == 200
    assert "must end after it starts" in " ".join(
        response.context["adminform"].form.errors["ends_at"]
    )


# The database holds the rules too (the shell, imports and bulk updates skip forms).


@pytest.mark.parametrize(
    "fields",
    [
        {"provenance": "editorial"},
        {"provenance": "community"},
        {"target_url": "javascript:alert(1)"},
        {"kind": Kind.EVENT, "event_date": None},
        {"weight": 0},
        {"ends_at": timezone.now() - timedelta(days=30)},
    ],
)
def test_the_database_refuses_what_the_form_refuses(sponsor, fields):
    now = timezone.now()
    values = {
        "sponsor": sponsor,
        "title": "Constraint check",
        "slot": Slot.HOME,
        "target_url": "https://example.com/",
        "starts_at": now,
        "ends_at": now + timedelta(days=1),
        **fields,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.create(**values)


# Statistics.


@pytest.fixture
def counted_placement(make_placement):
    now = timezone.now()
    placement = make_placement(
        title='=HYPERLINK("http://evil")',
        starts_at=now - timedelta(days=3),
        ends_at=now + timedelta(days=3),
    )
    today = timezone.localdate()
    PlacementDay.objects.create(
        placement=placement, day=today - timedelta(days=2), impressions=400, clicks=10
    )
    PlacementDay.objects.create(placement=placement, day=today, impressions=0, clicks=0)
    return placement


def test_the_stats_page_shows_impressions_clicks_and_rate_by_day(make_user, counted_placement):
    commercial = signed_in(make_user("sales", roles.COMMERCIAL))

    response = commercial.get(stats_url(counted_placement))

    assert response.status_code == 200
    days = response.context["days"]
    today = timezone.localdate()
    assert [d.day for d in days] == [today - timedelta(days=n) for n in (3, 2, 1, 0)]
    assert [(d.impressions, d.clicks) for d in days] == [(0, 0), (400, 10), (0, 0), (0, 0)]
    html = response.content.decode()
    assert "2.50%" in html
    assert "—" in html, "no rate where nothing was seen"


def test_the_stats_export_a_date_range_as_csv(make_user, counted_placement):
    commercial = signed_in(make_user("sales", roles.COMMERCIAL))
    today = timezone.localdate()
    start, end = today - timedelta(days=2), today - timedelta(days=1)

    response = commercial.get(
        stats_url(counted_placement),
        {"start": start.isoformat(), "end": end.isoformat(), "format": "csv"},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["placement", "sponsor", "date", "impressions", "clicks", "ctr_percent"]
    assert [row[2:] for row in rows[1:]] == [
        [start.isoformat(), "400", "10", "2.50"],
        [end.isoformat(), "0", "0", ""],
        ["total", "400", "10", "2.50"],
    ]
    assert rows[1][0] == '\'=HYPERLINK("http://evil")', "a spreadsheet will not run it"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2027-02-01", "end": "2027-01-01"}, "comes after the last"),
        ({"start": "not-a-date"}, "Enter a valid date"),
        ({"start": "2020-01-01", "end": "2027-01-01"}, "at most"),
    ],
)
def test_a_bad_range_gets_a_message_not_an_error(make_user, counted_placement, query, message):
    commercial = signed_in(make_user("sales", roles.COMMERCIAL))

    response = commercial.get(stats_url(counted_placement), {**query, "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


def test_the_stats_are_for_the_desk_only(client, make_user, counted_placement):
    assert client.get(stats_url(counted_placement)).status_code == 302  # to the sign-in page
    moderator = signed_in(make_user("mod", roles.MODERATOR))
    assert moderator.get(stats_url(counted_placement)).status_code == 403
    staff = signed_in(make_user("sales", roles.COMMERCIAL))
    assert staff.get(reverse("admin:sponsors_placement_stats", args=["abc"])).status_code == 404
    for missing in (99999, 10**25):
        url = reverse("admin:sponsors_placement_stats", args=[missing])
        assert staff.get(url).status_code == 404


def test_counts_from_the_site_show_in_the_stats(client, make_user, make_placement):
    placement = make_placement()
    html = client.get(placement.get_absolute_url())  # the about page does not count
    assert html.status_code == 200
    from sponsors.counting import CLICK, IMPRESSION, token_for

    for reader in range(4):  # four readers, one count each
        client.get(
            f"/sponsored/seen/{token_for(placement.pk, purpose=IMPRESSION)}.gif",
            HTTP_USER_AGENT=BROWSER,
            REMOTE_ADDR=f"198.51.100.{reader + 1}",
        )
    client.get(f"/sponsored/go/{token_for(placement.pk, purpose=CLICK)}/", HTTP_USER_AGENT=BROWSER)

    response = signed_in(make_user("sales", roles.COMMERCIAL)).get(stats_url(placement))

    assert (response.context["total"].impressions, response.context["total"].clicks) == (4, 1)
    assert "25.00%" in response.content.decode()


# Taking a sponsor down.


def test_a_publisher_takes_down_every_placement_of_a_sponsor_at_once(
    make_user, make_placement, sponsor, live_article
):
    agency_client = Sponsor.objects.create(name="Verity Risk Systems", slug="verity")
    mine = [
        make_placement(title="Sponsor's inline"),
        make_placement(title="Sponsor's foot", slot=Slot.ARTICLE_FOOT),
        make_placement(title="Shown for the sponsor", sponsor=agency_client, shown_for=sponsor),
    ]
    other = make_placement(title="Someone else's", sponsor=agency_client, slot=Slot.HOME)
    publisher = signed_in(make_user("duty", roles.PUBLISHER))
    changelist = reverse("admin:sponsors_sponsor_changelist")
    token = csrf_token(publisher, changelist)

    response = publisher.post(
        changelist,
        {
            "action": "take_down_placements",
            "_selected_action": [sponsor.pk],
            "csrfmiddlewaretoken": token,
        },
        follow=True,
    )

    assert "3 placements taken down" in response.content.decode()
    for placement in mine:
        placement.refresh_from_db()
        assert placement.state == State.DRAFT
        assert history_for(placement).first().move == "unpublish"
    other.refresh_from_db()
    assert other.state == State.PUBLISHED
    html = Client().get(live_article.get_absolute_url()).content.decode()
    assert "<aside" not in html


def test_commercial_is_not_offered_the_takedown(make_user, sponsor):
    commercial = signed_in(make_user("sales", roles.COMMERCIAL))

    html = commercial.get(reverse("admin:sponsors_sponsor_changelist")).content.decode()

    assert "take_down_placements" not in html


def test_the_placement_list_shows_state_slot_and_dates(make_user, make_placement):
    make_placement(title="Running now")
    ended = make_placement(title="Ran last month")
    Placement.objects.filter(pk=ended.pk).update(
        starts_at=timezone.now() - timedelta(days=40), ends_at=timezone.now() - timedelta(days=10)
    )
    make_placement(live=False, title="Still a draft", slot=Slot.HOME)
    commercial = signed_in(make_user("sales", roles.COMMERCIAL))

    response = commercial.get(reverse("admin:sponsors_placement_changelist"))

    assert response.status_code == 200
    html = response.content.decode()
    for title, state, slot in [
        ("Running now", "Live", "Article page, after the story"),
        ("Ran last month", "Ended", "Article page, after the story"),
        ("Still a draft", "Draft", "Home page"),
    ]:
        row = html[html.index(title) :]
        row = row[: row.index("</tr>")]
        assert f">{state}<" in row, (title, row)
        assert f">{slot}<" in row, (title, row)
    assert 'class="field-starts_at' in html
    assert 'class="field-ends_at' in html


def test_a_sponsor_cannot_be_deleted_while_it_has_placements(make_placement, sponsor):
    make_placement()

    with pytest.raises(Exception, match="protected"):
        sponsor.delete()


def test_channels_are_optional_and_mean_every_channel(make_placement, live_article):
    placement = make_placement(channels=[])

    assert placement.where() == "after the story on article pages in every channel"
    payments = Channel.objects.create(name="Payments", slug="payments")
    placement.channels.set([live_article.channel, payments])
    assert placement.where() == ("after the story on article pages in Capital Markets and Payments")


def test_an_event_shows_its_date_and_place_in_its_title(make_placement):
    placement = make_placement(
        kind=Kind.EVENT, title="NextGen:AI", event_date=date(2024, 11, 26), event_place="London"
    )

    assert placement.display_title == "NextGen:AI - 26 November 2024 - London"


def test_the_sponsor_list_counts_only_live_placements(make_user, make_placement, sponsor):
    make_placement()
    make_placement()
    make_placement(live=False)
    commercial = signed_in(make_user("sales", roles.COMMERCIAL))

    response = commercial.get(reverse("admin:sponsors_sponsor_changelist"))

    html = response.content.decode()
    row = html[html.index("Northwind Cloud") :]
    assert '<td class="field-live_placements">2</td>' in row[: row.index("</tr>")]


def test_addresses_typed_without_a_scheme_get_https(make_user, sponsor):
    commercial = signed_in(make_user("sales", roles.COMMERCIAL))
    sponsor_add = reverse("admin:sponsors_sponsor_add")
    token = csrf_token(commercial, sponsor_add)
    commercial.post(
        sponsor_add,
        {
            "name": "Contoso Bank",
            "slug": "contoso-bank",
            "website": "contoso.example",
            "csrfmiddlewaretoken": token,
        },
    )
    token = csrf_token(commercial, ADD_URL)
    data = form_data(sponsor, target_url="example.com/study/")
    commercial.post(ADD_URL, {**data, "csrfmiddlewaretoken": token})

    assert Sponsor.objects.get(slug="contoso-bank").website == "https://contoso.example"
    assert Placement.objects.get().target_url == "https://example.com/study/"
