"""The placement desk's queues (registered with `finextra.queues` in `SponsorsConfig.ready()`)."""

from finextra.queues import Queue

from .models import Placement

AWAITING_CHECK = Queue(
    model=Placement,
    key="awaiting_check",
    title="Placements awaiting check",
    waiting_for="Bookings the commercial team says are ready, for an editor to check the "
    "label and the claims",
    permission="sponsors.review_placement",
    select=lambda rows, user: rows.awaiting_edit(),
    ordering=("ready_for_edit_at", "id"),
    time_field="ready_for_edit_at",
    time_text="ready",
)
AWAITING_PUBLICATION = Queue(
    model=Placement,
    key="awaiting_publication",
    title="Placements awaiting publication",
    waiting_for="Checked by an editor, for a publisher to publish or schedule",
    permission="sponsors.publish_placement",
    select=lambda rows, user: rows.ready_to_publish(),
    ordering=("starts_at", "id"),
    time_field="starts_at",
    time_text="starts",
)
BEING_BOOKED = Queue(
    model=Placement,
    key="being_booked",
    title="Placement drafts",
    waiting_for="Bookings not yet ready for the editors; press “Ready for edit” when one is done",
    permission="sponsors.add_placement",
    select=lambda rows, user: rows.being_written(),
    ordering=("starts_at", "id"),
    time_field="starts_at",
    time_text="starts",
)
QUEUES = (AWAITING_CHECK, AWAITING_PUBLICATION, BEING_BOOKED)
