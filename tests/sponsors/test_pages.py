"""Placements as readers get them: the seed page's two, each slot's markup and labels, the
"About this" page, the public list of everything paid for, and the query budget."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Channel
from articles.provenance import PLACEMENT_PROVENANCES, label
from finextra.services import transition
from sponsors.models import Kind, Placement, Slot, Sponsor
from sponsors.selection import placements_forget

INLINE_SEED = (
    "Sponsored NextGen:AI - Intelligent Banking, Intelligent Future - Save the date! - "
    "26 November 2024 - London"
)
PROMOTED_SEED = "[Impact Study] Fraud and AML Case Management: How to Operate at the Speed of Risk"
QUERY_BUDGET = 6


class Asides(HTMLParser):
    """Each <aside>'s attributes, text and links, and the text of the whole page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.asides: list[dict] = []
        self.depth = 0
        self.body_text: list[str] = []
        self.ids: dict[str, str] = {}
        self._id_stack: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "aside":
            self.asides.append({"attrs": attrs, "text": [], "links": [], "imgs": []})
            self.depth += 1
        elif self.depth and tag == "a":
            self.asides[-1]["links"].append(attrs)
        elif self.depth and tag == "img":
            self.asides[-1]["imgs"].append(attrs)
        if tag not in ("img", "br", "meta", "link", "input"):
            self._id_stack.append(attrs.get("id"))

    def handle_endtag(self, tag):
        if tag == "aside":
            self.depth -= 1
        if tag not in ("img", "br", "meta", "link", "input") and self._id_stack:
            self._id_stack.pop()

    def handle_data(self, data):
        self.body_text.append(data)
        if self.depth:
            self.asides[-1]["text"].append(data)
        for element_id in self._id_stack:
            if element_id:
                self.ids[element_id] = self.ids.get(element_id, "") + data


def squash(text) -> str:
    return re.sub(r"\s+", " ", "".join(text) if isinstance(text, list) else text).strip()


def parse(response) -> Asides:
    assert response.status_code == 200
    parser = Asides()
    parser.feed(response.content.decode())
    parser.close()
    for aside in parser.asides:
        aside["text"] = squash(aside["text"])
        labelled_by = aside["attrs"].get("aria-labelledby", "").split()
        aside["name"] = " ".join(squash(parser.ids.get(i, "")) for i in labelled_by)
    parser.text = squash(parser.body_text)
    return parser


# The seed page.


class TestTheDemo:
    """Seeded once for the class (tests/conftest.py's `demo`)."""

    def test_the_seed_article_shows_the_event_after_the_body_and_the_promoted_card_after_comments(
        self, client, demo
    ):
        page = parse(client.get(demo.article.get_absolute_url()))

        last_paragraph = "foster durable and safe AI development in the EU and promote innovation."
        body_end = page.text.index(last_paragraph)
        inline = page.text.index(INLINE_SEED)
        comments = page.text.index("Comments: (0)")
        promoted = page.text.index(PROMOTED_SEED)
        assert body_end < inline < comments < promoted

    def test_the_seed_placements_carry_their_labels_and_sponsors(self, client, demo):
        page = parse(client.get(demo.article.get_absolute_url()))

        inline, promoted = page.asides
        assert inline["name"] == INLINE_SEED
        assert inline["text"].startswith("Sponsored NextGen:AI")
        assert "by Northwind Cloud" in inline["text"]
        assert promoted["name"] == f"Finextra Promoted {PROMOTED_SEED}"
        assert promoted["text"].startswith(f"Finextra Promoted {PROMOTED_SEED}")
        assert "by Verity Risk Systems" in promoted["text"]

    def test_the_seed_placements_do_not_show_on_other_channels(self, client, demo):
        payments = Channel.objects.get(slug="payments")
        other = demo.article.__class__.objects.live().filter(channel=payments).first()

        page = parse(client.get(other.get_absolute_url()))

        assert INLINE_SEED not in page.text
        assert PROMOTED_SEED not in page.text

    def test_the_demo_fills_the_home_and_a_channel_slot(self, client, demo):
        home = parse(client.get("/"))
        payments = parse(client.get("/channels/payments/"))

        assert [a["name"] for a in home.asides] == [
            "Sponsored [Webinar] Instant payments and fraud: what changes in 2027"
        ]
        assert [a["name"] for a in payments.asides] == [
            "From Finextra [Research] The Future of Payments 2027: the Finextra research report"
        ]

    def test_the_public_list_names_every_live_placement_and_sponsored_article(self, client, demo):
        page = parse(client.get("/sponsored/"))

        for placement in Placement.objects.live():
            assert placement.display_title in page.text
        assert "Instant payments fraud: where the losses now fall" in page.text
        assert "Five questions to ask before moving core banking to the cloud" in page.text
        assert "Verity Risk Systems Brightline Media" in page.text  # shown for, then paid by
        assert "After the story on article pages in Capital Markets" in page.text
        assert "EC makes supercomputers" not in page.text, "editorial articles are not listed"


# Every placement as rendered.


@pytest.mark.parametrize("provenance", PLACEMENT_PROVENANCES)
@pytest.mark.parametrize("kind", Kind.values)
def test_every_rendered_placement_has_its_label_before_its_title_and_names_its_sponsor(
    client, live_article, make_placement, provenance, kind
):
    make_placement(
        title="Cloud ledgers for banks",
        kind=kind,
        provenance=provenance,
        event_date="2027-03-04" if kind == Kind.EVENT else None,
    )

    (aside,) = parse(client.get(live_article.get_absolute_url())).asides

    expected_label = label(provenance)
    assert aside["text"].startswith(f"{expected_label} ")
    assert aside["text"].index(expected_label) < aside["text"].index("Cloud ledgers for banks")
    assert "by Northwind Cloud" in aside["text"]
    assert aside["name"].startswith(f"{expected_label} ")
    assert "Cloud ledgers for banks" in aside["name"]


def test_a_placement_shown_for_another_party_names_that_party(
    client, live_article, make_placement, sponsor
):
    client_party = Sponsor.objects.create(name="Verity Risk Systems", slug="verity")
    make_placement(shown_for=client_party)

    (aside,) = parse(client.get(live_article.get_absolute_url())).asides

    assert "by Verity Risk Systems" in aside["text"]


def test_links_out_of_a_placement_go_through_the_signed_redirect_marked_sponsored(
    client, live_article, make_placement
):
    placement = make_placement(target_url="https://example.com/offer/")

    html = client.get(live_article.get_absolute_url()).content.decode()
    (aside,) = parse(client.get(live_article.get_absolute_url())).asides

    outward = [link for link in aside["links"] if link["href"].startswith("/sponsored/go/")]
    assert outward, "the title links out through the redirect"
    for link in outward:
        assert link["rel"] == "sponsored noopener"
    assert "https://example.com/offer/" not in html, "the destination is never in the page"
    about = [link for link in aside["links"] if link["href"] == placement.get_absolute_url()]
    assert len(about) == 1


def test_an_image_placement_links_its_image_the_same_way_and_describes_it(
    client, live_article, make_placement, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    gif = (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
        b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )
    make_placement(
        kind=Kind.BANNER,
        image=SimpleUploadedFile("banner.gif", gif, content_type="image/gif"),
        image_alt="A trading floor at dawn",
    )

    (aside,) = parse(client.get(live_article.get_absolute_url())).asides

    images = [img for img in aside["imgs"] if "placement-beacon" not in img.get("class", "")]
    assert [img["alt"] for img in images] == ["A trading floor at dawn"]
    for link in aside["links"]:
        if link["href"].startswith("/sponsored/go/"):
            assert link["rel"] == "sponsored noopener"


def test_each_placement_carries_one_signed_beacon_image_with_empty_alt(
    client, live_article, make_placement
):
    make_placement()

    (aside,) = parse(client.get(live_article.get_absolute_url())).asides

    (beacon,) = [img for img in aside["imgs"] if "placement-beacon" in img.get("class", "")]
    assert beacon["src"].startswith("/sponsored/seen/")
    assert beacon["alt"] == ""


def test_an_empty_slot_renders_nothing_at_all(client, live_article):
    html = client.get(live_article.get_absolute_url()).content.decode()

    assert "<aside" not in html
    assert "placement" not in html


def test_a_draft_or_edited_placement_never_shows(client, live_article, make_placement, editor):
    make_placement(live=False, title="Still a draft")
    edited = make_placement(live=False, title="Edited, not published")
    transition(obj=edited, move="mark_edited", user=editor)

    assert parse(client.get(live_article.get_absolute_url())).asides == []


def test_a_slot_shows_its_own_placements_only(client, live_article, make_placement):
    make_placement(slot=Slot.ARTICLE_FOOT, title="Foot only")
    make_placement(slot=Slot.HOME, title="Home only")

    page = parse(client.get(live_article.get_absolute_url()))

    assert [a["name"] for a in page.asides] == ["Sponsored Foot only"]
    html = client.get(live_article.get_absolute_url()).content.decode()
    assert html.index('id="comments"') < html.index("Foot only")


# "About this" and the public list.


def test_about_this_says_who_it_is_shown_for_who_paid_and_why_it_is_here(
    client, make_placement, channel
):
    agency = Sponsor.objects.create(name="Brightline Media", slug="brightline")
    placement = make_placement(paid_by=agency, channels=[channel])

    response = client.get(placement.get_absolute_url())

    text = squash(parse(response).text)
    assert "Shown on behalf of Northwind Cloud" in text
    assert "Paid for by Brightline Media" in text
    assert "after the story on article pages in Capital Markets" in text


def test_about_this_is_not_found_for_a_placement_that_is_not_running(client, make_placement):
    placement = make_placement(live=False)

    assert client.get(placement.get_absolute_url()).status_code == 404


def test_the_public_list_leaves_out_what_is_not_running(client, make_placement, publisher):
    placement = make_placement(title="Taken down")
    transition(obj=placement, move="unpublish", user=publisher)

    assert "Taken down" not in parse(client.get("/sponsored/")).text


# The query budget: every slot of a page together costs one query.


def test_the_article_page_keeps_to_its_budget_with_both_slots_filled(
    client, live_article, make_placement, channel
):
    make_placement(slot=Slot.ARTICLE_INLINE, channels=[channel])
    make_placement(slot=Slot.ARTICLE_FOOT)
    client.get(live_article.get_absolute_url())  # warms the cached channel menu
    placements_forget()  # the slots' shared cache is cold: the worst case

    with CaptureQueriesContext(connection) as queries:
        page = parse(client.get(live_article.get_absolute_url()))

    assert len(page.asides) == 2
    assert len(queries) <= QUERY_BUDGET, [q["sql"] for q in queries]
    placement_queries = [q for q in queries if "sponsors_placement" in q["sql"]]
    assert len(placement_queries) == 1

    # Then, for a minute or until a placement changes, the slots cost no query at all.
    with CaptureQueriesContext(connection) as queries:
        page = parse(client.get(live_article.get_absolute_url()))
    assert len(page.asides) == 2
    assert not [q for q in queries if "sponsors_placement" in q["sql"]]


def test_more_placements_and_slots_add_no_query(client, live_article, make_placement):
    make_placement(slot=Slot.ARTICLE_INLINE)
    client.get(live_article.get_absolute_url())
    placements_forget()  # cold slots each time: the one query they share is counted
    with CaptureQueriesContext(connection) as one:
        client.get(live_article.get_absolute_url())

    for slot in (Slot.ARTICLE_INLINE, Slot.ARTICLE_FOOT, Slot.ARTICLE_FOOT, Slot.HOME):
        make_placement(slot=slot)
    placements_forget()
    with CaptureQueriesContext(connection) as many:
        client.get(live_article.get_absolute_url())

    assert len(many) == len(one)


def test_the_home_and_channel_slots_cost_one_query_each(client, channel, make_placement):
    make_placement(slot=Slot.HOME)
    make_placement(slot=Slot.CHANNEL)
    for url in ("/", channel.get_absolute_url()):
        client.get(url)
        placements_forget()
        with CaptureQueriesContext(connection) as queries:
            page = parse(client.get(url))
        assert len(page.asides) == 1, url
        assert len([q for q in queries if "sponsors_placement" in q["sql"]]) == 1, url


@pytest.mark.parametrize(
    "url",
    [
        "/sponsored/99999999999999999999999/",
        "/sponsored/-1/",
        "/sponsored/abc/",
        "/sponsored/go/",
        "/sponsored/go/%00/",
        "/sponsored/go/99999999999999999999999:abc/",
        "/sponsored/seen/nothing.gif",
        "/sponsored/seen/.gif",
    ],
)
def test_malformed_sponsor_urls_are_not_found_rather_than_errors(client, make_placement, url):
    make_placement()

    assert client.get(url).status_code == 404
