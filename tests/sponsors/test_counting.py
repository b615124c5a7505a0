"""Clicks and impressions: signed links only, one row per placement per London day, counted
atomically, and only for readers (not HEAD, prefetches, crawlers or staff). Nothing kept about
the reader."""

import http.client
import pickle
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection

from finextra import roles
from finextra.services import preview_link_create, transition
from sponsors.counting import CLICK, IMPRESSION, token_for
from sponsors.models import PlacementDay
from sponsors.services import count_record
from tests.conftest import cache_on_redis, clear_this_runs_cache, redis_client, this_runs_keys

from .conftest import BROWSER

LONDON = ZoneInfo("Europe/London")


def click_url(placement):
    return f"/sponsored/go/{token_for(placement.pk, purpose=CLICK)}/"


def beacon_url(placement):
    return f"/sponsored/seen/{token_for(placement.pk, purpose=IMPRESSION)}.gif"


def cache_contents() -> str:
    """Every key and value this run holds in the cache, as one text."""
    if not cache_on_redis():
        return " ".join(f"{key} {pickle.loads(value)!r}" for key, value in cache._cache.items())
    client = redis_client()
    return " ".join(f"{key.decode()} {client.get(key)!r}" for key in this_runs_keys())


def counted(placement) -> tuple[int, int]:
    """(impressions, clicks) over all days."""
    rows = PlacementDay.objects.filter(placement=placement)
    return sum(r.impressions for r in rows), sum(r.clicks for r in rows)


# The click redirect.


def test_a_click_goes_to_the_stored_destination_and_is_counted(client, make_placement):
    placement = make_placement(target_url="https://example.com/offer/")

    response = client.get(click_url(placement), HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 302
    assert response["Location"] == "https://example.com/offer/"
    assert counted(placement) == (0, 1)


def test_a_click_sets_no_cookie_and_is_not_cached(client, make_placement):
    placement = make_placement()

    response = client.get(click_url(placement), HTTP_USER_AGENT=BROWSER)

    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature changed
        lambda token: "9999" + token[token.index(":") :],  # another placement, same signature
        lambda token: token.split(":")[0],  # no signature
        lambda token: "not-a-token",
        lambda token: "x" * 300,
    ],
)
def test_a_tampered_click_token_is_not_found_and_counts_nothing(client, make_placement, tamper):
    placement = make_placement()
    token = token_for(placement.pk, purpose=CLICK)

    response = client.get(f"/sponsored/go/{tamper(token)}/", HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 404
    assert counted(placement) == (0, 0)
    assert not PlacementDay.objects.exists()


def test_a_beacon_token_is_no_click_token(client, make_placement):
    placement = make_placement()
    beacon_token = token_for(placement.pk, purpose=IMPRESSION)

    response = client.get(f"/sponsored/go/{beacon_token}/", HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 404
    assert counted(placement) == (0, 0)


def test_the_redirect_never_takes_a_destination_from_the_query_string(client, make_placement):
    placement = make_placement(target_url="https://example.com/offer/")

    response = client.get(
        click_url(placement),
        {"next": "https://evil.example/", "url": "https://evil.example/"},
        HTTP_USER_AGENT=BROWSER,
    )

    assert response["Location"] == "https://example.com/offer/"


def test_a_click_on_a_placement_that_ended_is_not_found_and_not_counted(
    client, make_placement, publisher
):
    placement = make_placement()
    transition(obj=placement, move="unpublish", user=publisher)

    assert client.get(click_url(placement), HTTP_USER_AGENT=BROWSER).status_code == 404
    assert counted(placement) == (0, 0)


def test_the_redirect_refuses_a_post(client, make_placement):
    placement = make_placement()

    assert client.post(click_url(placement), HTTP_USER_AGENT=BROWSER).status_code == 405
    assert counted(placement) == (0, 0)


# Who is not counted.


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; "
        "+http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
        "Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/130.0.0.0 Safari/537.36",
        "python-requests/2.32.3",
        "curl/8.5.0",
        "",
    ],
)
def test_a_crawler_or_script_is_redirected_but_not_counted(client, make_placement, user_agent):
    placement = make_placement()

    assert client.get(click_url(placement), HTTP_USER_AGENT=user_agent).status_code == 302
    assert client.get(beacon_url(placement), HTTP_USER_AGENT=user_agent).status_code == 200
    assert counted(placement) == (0, 0)


def test_a_head_request_is_answered_but_not_counted(client, make_placement):
    placement = make_placement()

    assert client.head(click_url(placement), HTTP_USER_AGENT=BROWSER).status_code == 302
    assert client.head(beacon_url(placement), HTTP_USER_AGENT=BROWSER).status_code == 200
    assert counted(placement) == (0, 0)


@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
        {"HTTP_X_PURPOSE": "preview"},
    ],
)
def test_a_prefetch_is_not_counted(client, make_placement, header):
    placement = make_placement()

    client.get(click_url(placement), HTTP_USER_AGENT=BROWSER, **header)
    client.get(beacon_url(placement), HTTP_USER_AGENT=BROWSER, **header)

    assert counted(placement) == (0, 0)


def test_staff_previews_are_not_counted_but_a_signed_in_reader_is(
    client, make_placement, make_user
):
    placement = make_placement()
    client.force_login(make_user("desk_editor", roles.EDITOR))
    client.get(click_url(placement), HTTP_USER_AGENT=BROWSER)
    client.get(beacon_url(placement), HTTP_USER_AGENT=BROWSER)
    assert counted(placement) == (0, 0)

    client.force_login(make_user("a_reader"))
    client.get(click_url(placement), HTTP_USER_AGENT=BROWSER)
    client.get(beacon_url(placement), HTTP_USER_AGENT=BROWSER)
    assert counted(placement) == (1, 1)


# The impression beacon.


def test_the_beacon_is_an_uncached_image_that_counts_an_impression(client, make_placement):
    placement = make_placement()

    response = client.get(beacon_url(placement), HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content.startswith(b"GIF89a")
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert counted(placement) == (1, 0)


def test_a_tampered_beacon_is_not_found_and_counts_nothing(client, make_placement):
    placement = make_placement()
    token = token_for(placement.pk, purpose=IMPRESSION)

    response = client.get(f"/sponsored/seen/{token[:-2]}xx.gif", HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 404
    assert counted(placement) == (0, 0)


def test_a_beacon_from_a_cached_page_after_the_end_is_not_counted(client, make_placement):
    placement = make_placement()

    with time_machine.travel(placement.ends_at, tick=False):
        response = client.get(beacon_url(placement), HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 200
    assert counted(placement) == (0, 0)


def test_the_beacon_on_a_page_counts_a_reader_once_however_often_it_is_fetched(
    client, live_article, make_placement
):
    placement = make_placement()
    html = client.get(live_article.get_absolute_url()).content.decode()
    src = html.split('class="placement-beacon" src="')[1].split('"')[0]

    for _ in range(3):
        assert client.get(src, HTTP_USER_AGENT=BROWSER).status_code == 200

    assert counted(placement) == (1, 0)


# Deduplication: one client counts once per placement over a short window.


def test_repeated_clicks_from_one_reader_go_through_but_count_once(client, make_placement):
    placement = make_placement(target_url="https://example.com/offer/")

    for _ in range(5):
        response = client.get(click_url(placement), HTTP_USER_AGENT=BROWSER)
        assert response["Location"] == "https://example.com/offer/"

    assert counted(placement) == (0, 1)


def test_readers_at_other_addresses_or_in_other_browsers_each_count(client, make_placement):
    placement = make_placement()
    other_browser = BROWSER.replace("Chrome/130", "Chrome/131")
    readers = [
        {"REMOTE_ADDR": "198.51.100.1", "HTTP_USER_AGENT": BROWSER},
        {"REMOTE_ADDR": "198.51.100.2", "HTTP_USER_AGENT": BROWSER},
        # Two people behind one office address, in different browsers.
        {"REMOTE_ADDR": "198.51.100.1", "HTTP_USER_AGENT": other_browser},
    ]

    for reader in readers:
        client.get(click_url(placement), **reader)
        client.get(beacon_url(placement), **reader)
        client.get(beacon_url(placement), **reader)

    assert counted(placement) == (3, 3)


def test_a_reader_counts_once_for_each_placement(client, make_placement):
    first, second = make_placement(), make_placement()

    for placement in (first, second, first, second):
        client.get(beacon_url(placement), HTTP_USER_AGENT=BROWSER)

    assert counted(first) == (1, 0)
    assert counted(second) == (1, 0)


def test_after_the_window_the_same_reader_counts_again(client, make_placement, settings):
    settings.PLACEMENT_COUNT_WINDOW_SECONDS = 60
    placement = make_placement()
    client.get(beacon_url(placement), HTTP_USER_AGENT=BROWSER)

    # The window's marker is gone once it expires (here: removed, as its expiry would).
    clear_this_runs_cache()
    client.get(beacon_url(placement), HTTP_USER_AGENT=BROWSER)

    assert counted(placement) == (2, 0)


def test_with_redis_down_a_reader_is_still_counted(client, make_placement, settings):
    from finextra.cache import breakers_reset
    from finextra.settings import redis_cache
    from tests.finextra.test_site import closed_port

    placement = make_placement()
    breakers_reset()
    settings.CACHES = {
        "default": redis_cache(
            f"redis://127.0.0.1:{closed_port()}/0", key_prefix="down", timeout_seconds=0.5
        )
    }

    response = client.get(beacon_url(placement), HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 200
    assert counted(placement) == (1, 0)
    breakers_reset()


def test_the_window_keeps_no_address_or_user_agent_in_the_cache(client, make_placement):
    placement = make_placement()
    address, user_agent = "198.51.100.77", BROWSER + " Reader/77"

    client.get(click_url(placement), REMOTE_ADDR=address, HTTP_USER_AGENT=user_agent)
    client.get(beacon_url(placement), REMOTE_ADDR=address, HTTP_USER_AGENT=user_agent)

    stored = cache_contents()
    assert "sponsors:counted:" in stored
    for text in (address, "Reader/77", address.replace(".", "")):
        assert text not in stored


def test_nothing_on_a_preview_link_is_counted(client, make_article, make_placement, writer):
    placement = make_placement(target_url="https://example.com/offer/")
    draft = make_article(headline="Embargoed rewrite")
    _, token = preview_link_create(obj=draft, user=writer)

    html = client.get(f"/preview/{token}/", HTTP_USER_AGENT=BROWSER).content.decode()
    assert placement.title in html
    assert "/sponsored/seen/" not in html
    assert "/sponsored/go/" not in html
    assert 'href="https://example.com/offer/"' in html
    for src in re.findall(r'(?:src|href)="(/[^"]*)"', html):
        client.get(src, HTTP_USER_AGENT=BROWSER)

    assert counted(placement) == (0, 0)


def test_the_desks_own_preview_counts_nothing(client, make_article, make_placement, writer):
    placement = make_placement()
    draft = make_article(headline="Embargoed rewrite")
    client.force_login(writer)

    html = client.get(f"/admin/articles/article/{draft.pk}/preview/").content.decode()

    assert placement.title in html
    assert "/sponsored/seen/" not in html


# Rows: one per placement per London day.


def test_counts_are_one_row_per_placement_per_london_day(make_placement):
    placement = make_placement()
    # 23:30 UTC on 30 June is already 1 July in London (BST).
    late_evening = datetime(2027, 6, 30, 22, 30, tzinfo=ZoneInfo("UTC"))
    after_midnight = datetime(2027, 6, 30, 23, 30, tzinfo=ZoneInfo("UTC"))

    with time_machine.travel(late_evening, tick=False):
        count_record(placement_id=placement.pk, measure="impressions")
        count_record(placement_id=placement.pk, measure="clicks")
    with time_machine.travel(after_midnight, tick=False):
        count_record(placement_id=placement.pk, measure="impressions")

    rows = list(
        PlacementDay.objects.filter(placement=placement).values_list("day", "impressions", "clicks")
    )
    assert rows == [(date(2027, 6, 30), 1, 1), (date(2027, 7, 1), 1, 0)]


def test_nothing_about_the_reader_is_stored():
    stored = {field.name for field in PlacementDay._meta.get_fields()}

    assert stored == {"id", "placement", "day", "impressions", "clicks"}


# Concurrency: no count lost.

CLIENTS = 32
CLICKS = 200


def _send_clicks(base_url: str, path: str) -> list[int]:
    """CLICKS requests from CLIENTS concurrent connections, each a different reader's browser
    (one reader counts once); the status codes."""
    address = urlsplit(base_url)
    start = threading.Barrier(CLIENTS)

    def one_client(index: int) -> list[int]:
        mine = range(index, CLICKS, CLIENTS)
        start.wait(timeout=30)
        statuses = []
        for reader in mine:
            conn = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
            conn.request("GET", path, headers={"User-Agent": f"{BROWSER} Reader/{reader}"})
            statuses.append(conn.getresponse().status)
            conn.close()
        return statuses

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(one_client, range(CLIENTS)))
    return [status for statuses in results for status in statuses]


@pytest.mark.django_db(transaction=True)
def test_two_hundred_clicks_from_32_concurrent_clients_count_exactly_two_hundred(
    live_server, make_placement
):
    placement = make_placement(target_url="https://example.com/offer/")

    statuses = _send_clicks(live_server.url, click_url(placement))

    assert statuses == [302] * CLICKS
    assert counted(placement) == (0, CLICKS)
    assert PlacementDay.objects.filter(placement=placement).count() == 1, connection.vendor


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_counts_of_a_day_make_one_row_and_lose_none(make_placement):
    """The race on the day's first insert, without the web server in between."""
    placement = make_placement()
    start = threading.Barrier(CLIENTS)

    def count_once():
        try:
            start.wait(timeout=30)
            count_record(placement_id=placement.pk, measure="impressions")
        finally:
            connection.close()

    threads = [threading.Thread(target=count_once) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert list(PlacementDay.objects.values_list("impressions", flat=True)) == [CLIENTS]
