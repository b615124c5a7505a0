"""The table is the law: every role × state × move of every editorial model, crafted through the
HTTP transition endpoint as a browser would post it (signed in, with the CSRF token), gets the
answer its transition table gives. Nothing wrongly allowed, nothing wrongly refused.

The moves and states are read from the models' tables (`Model.transitions`), so a move added
to a table is walked here without touching this file. The table's answer: a move is made only
when it is not automatic (those are the code's own, never a request's), it applies to the item
as it stands (its source state, and the move's own condition: a scheduled item for "Publish
now"), and the table's permission or rule allows the person. A move that asks for confirmation
is posted with its box ticked, as a browser sends it."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from finextra import roles
from finextra.models import TransitionLog
from finextra.services import transition
from finextra.workflow import State, registered_models
from sponsors.models import Placement, Slot, Sponsor
from tests.factories import PlacementFactory


@dataclass(frozen=True)
class Actor:
    label: str
    username: str | None  # None: not signed in
    owns: bool = False  # the item (a comment) is theirs


def _actors(with_owners: bool) -> list[Actor]:
    people = [Actor(role, f"walk-{role.lower()}") for role in roles.ROLES]
    people += [Actor("reader", "walk-reader"), Actor("anonymous", None)]
    if with_owners:
        people += [
            Actor(f"{person.label} (own)", person.username, owns=True)
            for person in people
            if person.username
        ]
    return people


# Each situation: the fields that put an item there (set directly: this is the arrangement).
def _standard_situations(now, *, ready=True):
    situations = {state.value: {"state": state.value} for state in State}
    situations["published"].update(published_at=now - timedelta(hours=1))
    situations["scheduled"] = {"state": State.PUBLISHED, "published_at": now + timedelta(days=1)}
    situations["withdrawn"] = {"state": State.DRAFT, "withdrawn_at": now - timedelta(hours=1)}
    if ready:  # articles and placements: a draft its writer says is ready
        situations["ready for edit"] = {"state": State.DRAFT, "ready_for_edit_at": now}
    return situations


def _comment_situations(now):
    situations = {}
    for state in State:
        fields = {"state": state.value}
        if state == State.PUBLISHED:
            fields["published_at"] = fields["first_published_at"] = now - timedelta(hours=1)
        situations[state.value] = fields
        situations[f"{state.value}, removed"] = {**fields, "removed_at": now}
    return situations


def _users(make_user) -> dict[str, object]:
    users = {
        f"walk-{role.lower()}": make_user(f"walk-{role.lower()}", role) for role in roles.ROLES
    }
    users["walk-reader"] = make_user("walk-reader")
    return users


def _client(user) -> tuple[Client, str]:
    """A browser: signed in (or not), holding the CSRF cookie a page of the admin gave it."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    page = client.get(reverse("admin:index"), follow=True)
    assert page.status_code == 200
    return client, client.cookies["csrftoken"].value


def _row(model, pk) -> dict:
    return model._base_manager.filter(pk=pk).values().get()


def walk(*, model, item, situations, actors, users):
    """Post every move in every situation as every actor; the cases where the endpoint's answer
    differs from the table's, and how many cases were walked."""
    wrong, walked = [], 0
    url = reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_transition", args=[item.pk]
    )
    browsers = {actor.username: _client(users.get(actor.username)) for actor in actors}
    future = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    for situation, fields in situations.items():
        for actor in actors:
            user = users.get(actor.username)
            client, token = browsers[actor.username]
            for move in model.transitions:
                with transaction.atomic():
                    owner = {"author": user if actor.owns else None} if model is Comment else {}
                    model._base_manager.filter(pk=item.pk).update(**fields, **owner)
                    current = model._base_manager.get(pk=item.pk)
                    expected = (
                        not move.automatic
                        and move.applies_to(current)
                        and user is not None
                        and move.allows(user, current)
                    )
                    before = _row(model, item.pk)
                    logged = TransitionLog.objects.count()
                    data = {
                        "csrfmiddlewaretoken": token,
                        "move": move.name,
                        "version": current.version,
                        "note": "Crafted by the table walk.",
                    }
                    if move.schedulable:
                        data["at"] = future
                    if move.confirm:
                        data["confirm"] = "on"
                    response = client.post(url, data)
                    assert response.status_code in (302, 403, 404), response.status_code
                    made = TransitionLog.objects.count() > logged
                    after = _row(model, item.pk)
                    if made != expected or (not made and after != before):
                        wrong.append(
                            f"{actor.label} / {situation} / {move.name}: table says "
                            f"{'allowed' if expected else 'refused'}, endpoint "
                            f"{'made it' if made else 'refused'}"
                            + ("" if made or after == before else " but changed the row")
                        )
                    walked += 1
                    transaction.set_rollback(True)
    return wrong, walked


def test_every_article_move_through_the_endpoint_gets_the_tables_answer(make_user, make_article):
    users = _users(make_user)
    article = make_article()
    wrong, walked = walk(
        model=Article,
        item=article,
        situations=_standard_situations(timezone.now()),
        actors=_actors(with_owners=False),
        users=users,
    )
    assert walked >= len(roles.ROLES) * 5 * 6
    assert wrong == []


def test_every_placement_move_through_the_endpoint_gets_the_tables_answer(make_user):
    users = _users(make_user)
    now = timezone.now()
    placement = PlacementFactory(starts_at=now - timedelta(hours=2))
    wrong, walked = walk(
        model=Placement,
        item=placement,
        situations=_standard_situations(now),
        actors=_actors(with_owners=False),
        users=users,
    )
    assert walked >= len(roles.ROLES) * 5 * 6
    assert wrong == []


# The rules read "open" and "pre-moderated"; "closed" stands for every other mode. One test a
# mode: the walk is long, and three can run side by side.
@pytest.mark.parametrize(
    "comment_mode",
    [Article.CommentMode.OPEN, Article.CommentMode.PREMODERATED, Article.CommentMode.CLOSED],
)
def test_every_comment_move_through_the_endpoint_gets_the_tables_answer(
    comment_mode, make_user, make_article, editor, publisher
):
    users = _users(make_user)
    article = make_article(comment_mode=comment_mode)
    transition(obj=article, move="mark_edited", user=editor)
    transition(obj=article, move="publish", user=publisher)
    comment = Comment.objects.create(article=article, body="A comment.", guest_name="Gail")
    situations = _comment_situations(timezone.now())
    actors = _actors(with_owners=True)

    wrong, walked = walk(
        model=Comment, item=comment, situations=situations, actors=actors, users=users
    )
    assert walked == len(situations) * len(actors) * len(list(Comment.transitions))
    assert walked >= len(roles.ROLES) * 6 * 7 // 3
    assert wrong == []


def test_the_walk_would_see_an_automatic_move_made_on_request(make_user, make_article, writer):
    """The walk's own check: before automatic moves were refused, a writer's crafted
    `copy_changed` sent a signed-off article back to draft."""
    edited = make_article()
    boss = get_user_model().objects.create_superuser("walk-boss", password="pw-for-tests-123")
    transition(obj=edited, move="mark_edited", user=boss)
    client, token = _client(writer)
    url = reverse("admin:articles_article_transition", args=[edited.pk])
    edited.refresh_from_db()

    response = client.post(
        url,
        {"csrfmiddlewaretoken": token, "move": "copy_changed", "version": edited.version},
        follow=True,
    )

    assert "happens by itself" in response.content.decode()
    edited.refresh_from_db()
    assert edited.state == State.EDITED


def test_no_bulk_action_makes_an_automatic_move(make_user, make_article, editor, publisher):
    """Every bulk action of every editorial model's admin, run by a superuser on items in every
    state: the history it writes holds no move its table marks automatic."""
    boss = get_user_model().objects.create_superuser("walk-boss", password="pw-for-tests-123")
    client, token = _client(boss)
    live = make_article()
    transition(obj=live, move="mark_edited", user=editor)
    transition(obj=live, move="publish", user=publisher)
    sponsor = Sponsor.objects.create(
        name="Northwind", slug="northwind", website="https://n.example"
    )
    now = timezone.now()
    makers = {
        Article: lambda: make_article(),
        Placement: lambda: Placement.objects.create(
            sponsor=sponsor,
            title="A placement",
            provenance="sponsored",
            slot=Slot.ARTICLE_INLINE,
            target_url="https://n.example/offer/",
            starts_at=now - timedelta(hours=2),
            ends_at=now + timedelta(days=7),
        ),
        Comment: lambda: Comment.objects.create(article=live, body="A comment.", author=boss),
    }
    ran = 0
    for model in registered_models():
        model_admin = admin.site._registry[model]
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        request = client.get(changelist).wsgi_request
        for name in model_admin.get_actions(request):
            if name == "delete_selected":
                continue
            items = []
            for fields in _standard_situations(now, ready=model is not Comment).values():
                item = makers[model]()
                model._base_manager.filter(pk=item.pk).update(**fields)
                items.append(item)
            client.post(
                changelist,
                {
                    "csrfmiddlewaretoken": token,
                    "action": name,
                    "_selected_action": [i.pk for i in items],
                },
            )
            ran += 1
    automatic = {
        move.name for model in registered_models() for move in model.transitions if move.automatic
    }
    made = set(TransitionLog.objects.values_list("move", flat=True))
    assert ran >= 6
    assert not made & automatic
