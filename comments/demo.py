"""Demo comments on a few live articles: a thread with replies, a staff answer, an editor's
pick, and a guest's comment awaiting moderation. The seed article keeps none, as on the page it
reproduces ("Be the first to comment"). Safe to run again."""

from django.contrib.auth import get_user_model

from articles.models import Article

from .models import Comment
from .services import CommentRefused, comment_post, comment_set_pick

# (article slug, [(author username or None for a guest, body, index of the parent or None)])
THREADS = {
    "t-plus-one-settlement-europe-timeline": [
        (
            "reader",
            "October 2027 sounds far away, but securities lending desks I talk to say they "
            "need every month of it. The recall cycle is the hard part.",
            None,
        ),
        (
            "moderator",
            "Thanks, Riley. The task force report has a chapter on lending and recalls: "
            "https://www.example.com/t1-report (section 4).",
            0,
        ),
        ("analyst", "And FX funding for non-EU investors is barely mentioned. Worrying.", 0),
        ("reader", "Good point about FX, the US move showed exactly that.", 2),
    ],
    "instant-payments-regulation-deadline": [
        (
            "analyst",
            "Verification of payee is the real deadline for smaller banks. Pricing parity "
            "was the easy bit.",
            None,
        ),
        (
            None,
            "We are a small credit union and our processor only gave us a date last week.",
            None,
        ),
    ],
}
GUEST = ("Sam Guest", "sam.guest@example.com")


def seed(stdout):
    User = get_user_model()
    analyst, created = User.objects.get_or_create(
        username="analyst",
        defaults={"display_name": "Ana Lyst", "email": "analyst@example.com"},
    )
    if created:  # a commenter in the demo, not an account anyone signs in to
        analyst.set_unusable_password()
        analyst.save(update_fields=["password"])
    users = {u.username: u for u in User.objects.filter(username__in=["reader", "moderator"])}
    users["analyst"] = analyst
    added = 0
    for slug, entries in THREADS.items():
        article = Article.objects.live().filter(slug=slug).first()
        if article is None or Comment.objects.filter(article=article).exists():
            continue
        posted: list[Comment] = []
        for username, body, parent_index in entries:
            author = users.get(username) if username else None
            if username and author is None:
                continue
            try:
                comment = comment_post(
                    article=article,
                    body=body,
                    author=author,
                    guest_name="" if author else GUEST[0],
                    guest_email="" if author else GUEST[1],
                    parent=posted[parent_index] if parent_index is not None else None,
                )
            except CommentRefused:  # a guest, with COMMENTS_ALLOW_GUESTS off
                continue
            posted.append(comment)
            added += 1
        first = posted[0] if posted else None
        editor = User.objects.filter(username="editor").first()
        if first is not None and editor is not None and first.is_visible:
            comment_set_pick(comment=first, user=editor, pick=True)
    waiting = Comment.objects.awaiting_moderation().count()
    stdout.write(f"Comments: {added} added, {waiting} awaiting moderation.")
