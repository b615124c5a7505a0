"""Links that never break (an old address answers 301 to the new), and links that must die
(an empty target answers 410); never a loop."""

import pytest
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from articles.models import Tag
from articles.services import label_save
from finextra.redirects import redirect_save
from tests.articles.helpers import csrf_token, signed_in

pytestmark = pytest.mark.django_db


def test_a_renamed_channel_sends_its_old_address_to_the_new_one(channel, live_article):
    channel.slug = "markets"
    label_save(label=channel)

    response = Client().get("/channels/capital-markets/")
    assert response.status_code == 301
    assert response["Location"] == "/channels/markets/"
    assert Client().get(response["Location"]).status_code == 200


def test_renaming_twice_and_back_never_loops(channel, live_article):
    for slug in ["markets", "capital-markets-news", "capital-markets"]:
        channel.slug = slug
        label_save(label=channel)

    assert Client().get("/channels/capital-markets/").status_code == 200
    for old in ["/channels/markets/", "/channels/capital-markets-news/"]:
        response = Client().get(old)
        assert (response.status_code, response["Location"]) == (301, "/channels/capital-markets/")
    assert not Redirect.objects.filter(old_path="/channels/capital-markets/").exists()


def test_a_renamed_tag_redirects_and_an_unchanged_save_adds_nothing(live_article):
    tag = Tag.objects.get(slug="rates")
    tag.name = "Interest rates"
    label_save(label=tag)
    assert not Redirect.objects.exists()
    tag.slug = "interest-rates"
    label_save(label=tag)
    response = Client().get("/tags/rates/")
    assert (response.status_code, response["Location"]) == (301, "/tags/interest-rates/")


def test_a_live_page_is_never_redirected(channel, live_article):
    redirect_save(old_path="/channels/capital-markets/", new_path="/tags/rates/")
    assert Client().get("/channels/capital-markets/").status_code == 200


def test_chains_are_flattened_to_the_final_target(db):
    redirect_save(old_path="/a/", new_path="/b/")
    redirect_save(old_path="/b/", new_path="/c/")
    redirect_save(old_path="/z/", new_path="/a/")
    targets = dict(Redirect.objects.values_list("old_path", "new_path"))
    assert targets == {"/a/": "/c/", "/b/": "/c/", "/z/": "/c/"}
    response = Client().get("/z/")
    assert (response.status_code, response["Location"]) == (301, "/c/")


def test_a_chain_that_returns_to_itself_is_refused(db):
    redirect_save(old_path="/a/", new_path="/b/")
    redirect_save(old_path="/b/", new_path="/c/")
    with pytest.raises(ValidationError, match="round in circles"):
        redirect_save(old_path="/c/", new_path="/a/")
    with pytest.raises(ValidationError, match="round in circles"):
        redirect_save(old_path="/d/", new_path="/d/")
    assert Redirect.objects.count() == 2


def test_an_empty_target_means_gone(db):
    redirect_save(old_path="/old-campaign/", new_path="")
    assert Client().get("/old-campaign/").status_code == 410


def test_the_admin_refuses_a_loop_and_keeps_what_was_typed(editor):
    redirect_save(old_path="/a/", new_path="/b/")
    client = signed_in(editor)
    url = reverse("admin:redirects_redirect_add")
    token = csrf_token(client, url)
    site = Site.objects.get_current()
    data = {"site": site.pk, "old_path": "/b/", "new_path": "/a/"}
    response = client.post(url, {"csrfmiddlewaretoken": token, **data})
    assert response.status_code == 200
    page = response.content.decode()
    assert "round in circles" in page
    assert 'value="/b/"' in page and 'value="/a/"' in page
    assert Redirect.objects.count() == 1

    data = {"site": site.pk, "old_path": "/c/", "new_path": "/a/"}
    response = client.post(url, {"csrfmiddlewaretoken": token, **data})
    assert response.status_code == 302
    assert Redirect.objects.get(old_path="/c/").new_path == "/b/"  # flattened
