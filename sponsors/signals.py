"""Cache invalidation only: any change to a placement or sponsor refreshes every page's slots,
once it commits."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import Placement, Sponsor
from .selection import placements_forget_on_commit

for _sender in (Placement, Sponsor):
    post_save.connect(
        placements_forget_on_commit, sender=_sender, dispatch_uid=f"sponsors.forget.{_sender}"
    )
    post_delete.connect(
        placements_forget_on_commit, sender=_sender, dispatch_uid=f"sponsors.forget.del.{_sender}"
    )
m2m_changed.connect(
    placements_forget_on_commit,
    sender=Placement.channels.through,
    dispatch_uid="sponsors.forget.channels",
)
