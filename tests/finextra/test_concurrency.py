"""Two people pressing a button on the same page at the same moment: one move wins."""

import threading

import pytest
from django.db import connection

from articles.models import Article
from finextra.models import TransitionLog
from finextra.services import transition
from finextra.workflow import State, TransitionRefused


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_moves_from_the_same_page_make_one_change(editor, make_article):
    article = make_article()
    seen_version = article.version
    barrier = threading.Barrier(2)
    outcomes = []

    def press(move, note):
        barrier.wait()
        try:
            copy = Article.objects.get(pk=article.pk)
            transition(obj=copy, move=move, user=editor, note=note, version=seen_version)
            outcomes.append("done")
        except TransitionRefused as refusal:
            outcomes.append(str(refusal))
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=("mark_edited", "")) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("done") == 1, outcomes
    assert "Someone else changed" in next(o for o in outcomes if o != "done")
    article.refresh_from_db()
    assert (article.state, article.version) == (State.EDITED, seen_version + 1)
    assert TransitionLog.objects.count() == 1
