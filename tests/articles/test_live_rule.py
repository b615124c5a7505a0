"""Whether an article is live, written once as a queryset condition and once in Python beside
it: the two agree over every state and publication time, now and at other moments."""

import itertools
from datetime import timedelta

from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from finextra.models import live_condition
from finextra.workflow import State


def test_live_and_is_live_at_agree_over_states_and_times(make_article):
    now = timezone.now()
    times = (None, now - timedelta(days=1), now, now + timedelta(hours=1))
    made = []
    for state, published_at in itertools.product(State.values, times):
        article = make_article()
        Article.objects.filter(pk=article.pk).update(state=state, published_at=published_at)
        article.refresh_from_db()
        made.append(article)

    for at in (now - timedelta(days=2), now, now + timedelta(minutes=30), now + timedelta(days=1)):
        in_query = {a.pk for a in Article.objects.live(at=at)}
        assert in_query == {a.pk for a in made if a.is_live_at(at)}, at
    assert {a.pk for a in Article.objects.live()} == {a.pk for a in made if a.is_live}
    # Published with a time come: the past one and the one published this instant.
    assert len([a for a in made if a.is_live_at(now)]) == 2


def test_the_rule_read_through_a_relation_is_the_same_rule(make_article, reader):
    """The moderators' desk names an article beside a comment only while it is live."""
    now = timezone.now()
    live = make_article()
    scheduled = make_article()
    Article.objects.filter(pk=live.pk).update(state=State.PUBLISHED, published_at=now)
    Article.objects.filter(pk=scheduled.pk).update(
        state=State.PUBLISHED, published_at=now + timedelta(hours=1)
    )
    for article in (live, scheduled):
        Comment.objects.create(article=article, author=reader, body="On it.")

    through = Comment.objects.filter(live_condition("article__")).values_list("article", flat=True)
    assert list(through) == [live.pk]
